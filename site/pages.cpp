#include "pages.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <cstdio>

#include "headroom/backend.h"
#include "headroom/compare.h"
#include "headroom/kv_dtype.h"
#include "headroom/units.h"
#include "headroom/weight_format.h"
#include "parallel.h"

namespace headroom::site {
namespace {

using kainjow::mustache::list;

// The scenario the home page is pre-rendered with (the page scripts change it in the browser).
struct Scenario {
  const char* label;
  const char* model;
  const char* quant;
  RuntimeId runtime;
  std::uint64_t prompt_tokens, output_tokens, users;
};
constexpr Scenario kHome{"Llama 3.1 8B, Q4_K_M, llama.cpp, 4 users x (2000 + 500 tokens)",
                         "llama-3.1-8b-instruct",
                         "q4_k_m",
                         RuntimeId::llamacpp,
                         2000,
                         500,
                         4};
// The three workloads of every card page.
constexpr Scenario kCardWorkloads[] = {
    {"chat, 1 user (1024 + 256 tokens)", "", "q4_k_m", RuntimeId::llamacpp, 1024, 256, 1},
    {"long prompt (32000 + 1000 tokens)", "", "q4_k_m", RuntimeId::llamacpp, 32000, 1000, 1},
    {"8 concurrent users (2000 + 500 tokens)", "", "q4_k_m", RuntimeId::llamacpp, 2000, 500, 8},
};
// The reality check walks one 7-8B model through growing workloads on two kinds of memory.
constexpr const char* kRealityModel = "llama-3.1-8b-instruct";
constexpr const char* kRealityCards[] = {"rtx-4090", "h100-sxm-80gb"};

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  // A tiny negative error rounds to "-0.00": shown as the zero it is.
  if (text[0] == '-' && std::string_view(text + 1).find_first_not_of("0.") == std::string_view::npos)
    return text + 1;
  return text;
}

std::string gib(double bytes) { return fixed(bytes / static_cast<double>(kGiB), 1); }

SizingRequest request_for(const CatalogModel& model, const Card& card, const Scenario& s) {
  SizingRequest r;
  r.model = model.arch;
  r.weight_format = s.quant;
  r.runtime = s.runtime;
  r.card = card;
  r.workload = {s.prompt_tokens, s.output_tokens, s.users};
  r.model_validated = true;  // catalog models are checked when the catalog loads
  return r;
}

// The stacked memory bar of one report: weights, KV cache, activations, runtime overhead, free;
// over capacity the bar is drawn to the total and the card's edge is marked.
Data memory_bar(const SizingReport& r) {
  const MemoryBreakdown& m = r.memory;
  const double capacity = static_cast<double>(m.capacity_bytes);
  const double total = static_cast<double>(m.total_bytes);
  const double scale = 200.0 / std::max({capacity, total, 1.0});
  const double kv = static_cast<double>(std::max(m.kv_cache_bytes, m.kv_cache_capacity_bytes));
  struct Part {
    const char* name;
    double bytes;
  };
  const Part parts[] = {{"weights", static_cast<double>(m.weights_bytes)},
                        {"kv", kv},
                        {"activations", static_cast<double>(m.activation_bytes)},
                        {"overhead", static_cast<double>(m.runtime_overhead_bytes)},
                        {"free", static_cast<double>(std::max<std::int64_t>(m.free_bytes, 0))}};
  list segments;
  double x = 0;
  for (const Part& part : parts) {
    const double w = part.bytes * scale;
    if (w <= 0) continue;
    Data seg;
    seg.set("x", fixed(x, 2));
    seg.set("w", fixed(w, 2));
    seg.set("part", part.name);
    seg.set("gib", gib(part.bytes));
    segments.push_back(seg);
    x += w;
  }
  Data bar;
  bar.set("segments", segments);
  bar.set("edge", fixed(capacity * scale, 2));
  bar.set("over", m.free_bytes < 0);
  bar.set("summary", "weights " + gib(static_cast<double>(m.weights_bytes)) + " GiB, KV cache " +
                         gib(kv) + " GiB, activations " +
                         gib(static_cast<double>(m.activation_bytes)) + " GiB, overhead " +
                         gib(static_cast<double>(m.runtime_overhead_bytes)) + " GiB of " +
                         gib(capacity) + " GiB");
  return bar;
}

Data speed_cells(const SizingReport& r) {
  Data d;
  if (r.speed) {
    d.set("per_user", fixed(r.speed->decode_tokens_per_s_per_user, 1));
    d.set("total", fixed(r.speed->decode_tokens_per_s_total, 1));
    d.set("ttft", fixed(r.speed->ttft_s, 2));
  }
  return d;
}

// Measured results of a card: the files whose device matched it in the catalog.
std::vector<std::size_t> results_of(const SiteInputs& in, const Card& card) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < in.results.size(); ++i) {
    if (in.results[i].card_id == card.id) out.push_back(i);
  }
  return out;
}

Data common(const SiteInputs& in, const std::string& root, const std::string& title,
            const std::string& path) {
  Data d;
  d.set("root", root);
  d.set("title", title);
  if (!in.base_url.empty()) d.set("canonical", in.base_url + "/" + path);  // "" would be truthy
  d.set("has_local", in.local_result.has_value());
  return d;
}

// The form of the home page, filled with `s` (the page script changes it; without JavaScript it
// documents the pre-rendered table).
Data inputs_of(const Catalog& catalog, const Scenario& s) {
  list models, formats, kv_dtypes, runtimes;
  for (const CatalogModel& m : catalog.models) {
    Data o;
    o.set("id", m.arch.id);
    o.set("name", m.arch.name);
    o.set("selected", m.arch.id == s.model);
    models.push_back(o);
  }
  for (const WeightFormat& f : weight_formats()) {
    Data o;
    o.set("id", f.id);
    o.set("selected", f.id == s.quant);
    formats.push_back(o);
  }
  for (const KvDtype& k : headroom::kv_dtypes()) {
    Data o;
    o.set("id", k.id);
    o.set("selected", k.id == "auto");
    kv_dtypes.push_back(o);
  }
  for (const RuntimeProfile& r : runtime_profiles()) {
    Data o;
    o.set("key", r.key);
    o.set("name", r.name);
    o.set("selected", r.id == s.runtime);
    runtimes.push_back(o);
  }
  // llama.cpp's backends (cpu is n_gpu_layers 0, not a backend choice of a GPU table).
  list backends;
  for (const Backend b :
       {Backend::cuda, Backend::vulkan, Backend::rocm, Backend::metal, Backend::sycl}) {
    Data o;
    o.set("key", std::string(backend_key(b)));
    backends.push_back(o);
  }
  // The card classes the filter offers, in catalog order.
  list classes;
  std::vector<std::string> seen;
  for (const Card& card : catalog.cards) {
    if (std::find(seen.begin(), seen.end(), card.segment) != seen.end()) continue;
    seen.push_back(card.segment);
    Data o;
    o.set("key", card.segment);
    classes.push_back(o);
  }
  Data d;
  d.set("classes", classes);
  d.set("models", models);
  d.set("formats", formats);
  d.set("kv_dtypes", kv_dtypes);
  d.set("runtimes", runtimes);
  d.set("backends", backends);
  d.set("prompt_tokens", std::to_string(s.prompt_tokens));
  d.set("output_tokens", std::to_string(s.output_tokens));
  d.set("users", std::to_string(s.users));
  return d;
}

Result<Page> home_page(const SiteInputs& in) {
  const Catalog& catalog = *in.catalog;
  auto model = catalog.find_model(kHome.model);
  if (!model) return model.error();
  const SizingRequest base = request_for(*model.value(), catalog.cards.front(), kHome);
  auto fits = compare_cards(catalog, base, "", in.measured);
  if (!fits) return fits.error();
  list rows;
  for (const CardFit& fit : fits.value()) {
    Data row;
    row.set("id", fit.card->id);
    row.set("name", fit.card->name);
    row.set("vendor", fit.card->vendor);
    row.set("segment", fit.card->segment);
    row.set("memory_bytes", std::to_string(fit.card->memory_bytes));
    row.set("memory_gib", gib(static_cast<double>(fit.card->usable_memory_bytes)));
    row.set("calibrated", fit.measured);
    if (!fit.sized()) {
      row.set("verdict", "refused");
      row.set("reason", fit.error->message);
    } else {
      const SizingReport& r = fit.report;
      row.set("verdict", to_string(r.verdict));
      row.set("reason", r.verdict_reason);
      row.set("bar", memory_bar(r));
      row.set("max_users", std::to_string(r.max_users));
      row.set("max_context", std::to_string(r.max_context_tokens));
      row.set("speed", speed_cells(r));
    }
    rows.push_back(row);
  }
  auto format = find_weight_format(kHome.quant);
  Data d = common(in, "", "Which cards serve this workload?", "index.html");
  d.set("inputs", inputs_of(catalog, kHome));
  d.set("scenario", kHome.label);
  d.set("quality", format ? quality_summary(*format.value()) : std::string());
  d.set("rows", rows);
  return Page{"index.html", "index", d};
}

// Full kernel tables for the first few files of a card (in path order); every file gets a line
// in the summary, so a card with thousands of submissions still has a page of reasonable size.
constexpr std::size_t kDetailedResults = 3;

// One result file's kernel table and its chart: each format's GEMV speedup over f16 next to its
// ideal (the byte ratio), as an inline SVG bar chart with the same numbers as the table.
Data kernel_tables(const BenchReport& b, std::size_t index) {
  list rows, bars;
  double top = 1.0;
  std::vector<const BenchResult*> gemv;
  for (const BenchResult& r : b.results) {
    if (!r.verified || !r.skipped.empty() || (!r.best_of_sweep && r.kernel != "gemv")) continue;
    if (r.kernel == "gemv" && r.n != 1) continue;
    Data row;
    row.set("kernel", r.kernel);
    row.set("format", r.format);
    row.set("variant", r.variant);
    row.set("gb_per_s", fixed(r.gb_per_s, 1));
    row.set("pct_of_read", r.pct_of_read_bandwidth ? fixed(*r.pct_of_read_bandwidth, 0) : "");
    row.set("ideal", r.ideal_speedup ? fixed(*r.ideal_speedup, 2) : "");
    row.set("speedup", r.speedup_vs_fp16 ? fixed(*r.speedup_vs_fp16, 2) : "");
    rows.push_back(row);
    if (r.kernel == "gemv" && r.speedup_vs_fp16 && r.ideal_speedup) {
      // One bar a format: its best variant (the table lists them all).
      auto same = std::find_if(gemv.begin(), gemv.end(),
                               [&](const BenchResult* g) { return g->format == r.format; });
      if (same == gemv.end()) {
        gemv.push_back(&r);
      } else if (*r.speedup_vs_fp16 > *(*same)->speedup_vs_fp16) {
        *same = &r;
      }
      top = std::max({top, *r.speedup_vs_fp16, *r.ideal_speedup});
    }
  }
  // 24 px a format: a bar for the measured speedup, a tick for the ideal; 400 px for `top`.
  constexpr double kWidth = 400, kLabel = 150, kRow = 24;
  for (std::size_t i = 0; i < gemv.size(); ++i) {
    const BenchResult& r = *gemv[i];
    Data bar;
    bar.set("format", r.format);
    bar.set("y", fixed(static_cast<double>(i) * kRow + 4, 0));
    bar.set("text_y", fixed(static_cast<double>(i) * kRow + 17, 0));
    bar.set("width", fixed(*r.speedup_vs_fp16 / top * kWidth, 1));
    bar.set("ideal_x", fixed(kLabel + *r.ideal_speedup / top * kWidth, 1));
    bar.set("label", r.format + " " + fixed(*r.speedup_vs_fp16, 2) + "x of " +
                         fixed(*r.ideal_speedup, 2) + "x");
    bars.push_back(bar);
  }
  // Read bandwidth against the buffer size (the size sweep): where caches stop helping and DRAM
  // speed shows, next to the spec figure when the card is known. Bars 56 px a size.
  std::vector<const BenchResult*> sweep;
  for (const BenchResult& r : b.results) {
    if (r.kernel == "size_sweep_read" && r.verified && r.skipped.empty()) sweep.push_back(&r);
  }
  std::sort(sweep.begin(), sweep.end(), [](const BenchResult* x, const BenchResult* y) {
    return x->buffer_bytes < y->buffer_bytes;
  });
  double sweep_top = b.spec_bandwidth_bytes_per_s.value_or(0) / 1e9;
  for (const BenchResult* r : sweep) sweep_top = std::max(sweep_top, r->gb_per_s);
  list sweep_bars, sweep_rows;
  constexpr double kSweepHeight = 160, kSweepBar = 56;
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    const BenchResult& r = *sweep[i];
    const double height = sweep_top > 0 ? r.gb_per_s / sweep_top * kSweepHeight : 0;
    const std::string size_label =
        fixed(static_cast<double>(r.buffer_bytes) / (1 << 20), 0) + " MiB";
    Data bar;
    bar.set("x", fixed(static_cast<double>(i) * kSweepBar + 40, 0));
    bar.set("text_x", fixed(static_cast<double>(i) * kSweepBar + 64, 0));
    bar.set("y", fixed(kSweepHeight - height + 4, 1));
    bar.set("height", fixed(height, 1));
    bar.set("size", size_label);
    bar.set("label", size_label + ": " + fixed(r.gb_per_s, 1) + " GB/s");
    sweep_bars.push_back(bar);
    Data row;
    row.set("size", size_label);
    row.set("gb_per_s", fixed(r.gb_per_s, 1));
    sweep_rows.push_back(row);
  }
  Data d;
  d.set("device", b.device.name);
  d.set("driver", b.device.driver_name + " " + b.device.driver_info);
  d.set("rows", rows);
  if (!sweep.empty()) {
    Data chart;
    chart.set("id", std::to_string(index));
    chart.set("device", b.device.name);
    chart.set("bars", sweep_bars);
    chart.set("rows", sweep_rows);
    chart.set("width", fixed(static_cast<double>(sweep.size()) * kSweepBar + 60, 0));
    chart.set("height", fixed(kSweepHeight + 24, 0));
    chart.set("axis_y", fixed(kSweepHeight + 4, 0));
    chart.set("label_y", fixed(kSweepHeight + 18, 0));
    if (b.spec_bandwidth_bytes_per_s) {
      Data spec;
      spec.set("y", fixed(kSweepHeight -
                              *b.spec_bandwidth_bytes_per_s / 1e9 / sweep_top * kSweepHeight + 4,
                          1));
      spec.set("gb_per_s", fixed(*b.spec_bandwidth_bytes_per_s / 1e9, 0));
      chart.set("spec", list{spec});
    }
    d.set("sweep", list{chart});
  }
  if (!gemv.empty()) {
    Data chart;
    chart.set("bars", bars);
    chart.set("height", fixed(static_cast<double>(gemv.size()) * kRow + 8, 0));
    chart.set("label_x", fixed(kLabel - 6, 0));
    chart.set("bar_x", fixed(kLabel, 0));
    chart.set("width", fixed(kLabel + kWidth + 10, 0));
    chart.set("device", b.device.name);
    chart.set("id", std::to_string(index));  // unique on a page: the title and desc ids
    d.set("chart", list{chart});
  }
  return d;
}

Data card_results(const SiteInputs& in, const Card& card) {
  list files, summary;
  for (std::size_t i : results_of(in, card)) {
    const BenchReport& b = in.results[i];
    Data line;
    line.set("file", in.result_names[i]);
    line.set("device", b.device.name);
    line.set("driver", b.device.driver_name + " " + b.device.driver_info);
    const auto read = measured_read_bytes_per_s(b);
    line.set("read", read ? fixed(*read / 1e9, 1) : std::string());
    summary.push_back(line);
    if (files.size() >= kDetailedResults) continue;
    Data file = kernel_tables(b, files.size());
    file.set("file", in.result_names[i]);
    files.push_back(file);
  }
  Data d;
  d.set("files", files);
  d.set("summary", summary);
  d.set("any", !summary.empty());
  return d;
}

// The catalog models that fit one card at one workload, in catalog order.
struct FittingModel {
  std::size_t model = 0;  // index into catalog.models
  Verdict verdict = Verdict::fits;
  std::optional<double> decode_tokens_per_s_per_user;
};
// [workload][card index]: what every card page lists.
using CardWorkloadFits = std::vector<std::vector<std::vector<FittingModel>>>;

// One compare_cards() a catalog model and workload (the model's tensors built once for every
// card, as the comparison table does) instead of one size() per card: the same reports, with
// each card's measured aggregate, a fraction of the time.
CardWorkloadFits card_workload_fits(const SiteInputs& in) {
  const Catalog& catalog = *in.catalog;
  const std::size_t n_models = catalog.models.size();
  const std::size_t n_workloads = std::size(kCardWorkloads);
  std::vector<std::vector<CardFit>> slots(n_workloads * n_models);
  if (catalog.cards.empty()) return CardWorkloadFits(n_workloads);
  for_each_index(slots.size(), [&](std::size_t i) {
    const Scenario& s = kCardWorkloads[i / n_models];
    SizingRequest r = request_for(catalog.models[i % n_models], catalog.cards.front(), s);
    r.with_advice = false;  // the verdict is all the lists show
    auto fits = compare_cards(catalog, r, "", in.measured);
    if (fits) slots[i] = std::move(fits).value();  // a model the workload cannot run: no card
  });
  CardWorkloadFits out(n_workloads,
                       std::vector<std::vector<FittingModel>>(catalog.cards.size()));
  for (std::size_t i = 0; i < slots.size(); ++i) {
    for (const CardFit& fit : slots[i]) {
      if (!fit.sized() || fit.report.verdict == Verdict::does_not_fit) continue;
      FittingModel m;
      m.model = i % n_models;
      m.verdict = fit.report.verdict;
      if (fit.report.speed) m.decode_tokens_per_s_per_user = fit.report.speed->decode_tokens_per_s_per_user;
      out[i / n_models][static_cast<std::size_t>(fit.card - catalog.cards.data())].push_back(m);
    }
  }
  return out;
}

Result<Page> card_page(const SiteInputs& in, const Card& card,
                       const std::vector<std::vector<FittingModel>>& fits_by_workload) {
  const Catalog& catalog = *in.catalog;
  list workloads;
  for (std::size_t k = 0; k < std::size(kCardWorkloads); ++k) {
    list fitting;
    for (const FittingModel& f : fits_by_workload[k]) {
      Data m;
      m.set("name", catalog.models[f.model].arch.name);
      m.set("verdict", to_string(f.verdict));
      m.set("speed", f.decode_tokens_per_s_per_user ? fixed(*f.decode_tokens_per_s_per_user, 1)
                                                    : "");
      fitting.push_back(m);
    }
    Data w;
    w.set("label", kCardWorkloads[k].label);
    w.set("models", fitting);
    w.set("none", fitting.empty());
    workloads.push_back(w);
  }
  const std::string path = "cards/" + card.id + ".html";
  Data d = common(in, "../", card.name, path);
  d.set("name", card.name);
  d.set("vendor", card.vendor);
  d.set("segment", card.segment);
  d.set("architecture", card.architecture);
  d.set("memory_gib", gib(static_cast<double>(card.memory_bytes)));
  d.set("usable_gib", gib(static_cast<double>(card.usable_memory_bytes)));
  d.set("memory_type", card.memory_type);
  d.set("bandwidth", fixed(card.bandwidth_bytes_per_s / 1e9, 0));
  d.set("bf16_tflops", fixed(card.throughput.bf16_flops_per_s / 1e12, 1));
  d.set("sources", card.sources);
  d.set("workloads", workloads);
  d.set("measured", card_results(in, card));
  return Page{path, "card", d};
}

Result<Page> reality_page(const SiteInputs& in) {
  const Catalog& catalog = *in.catalog;
  auto model = catalog.find_model(kRealityModel);
  if (!model) return model.error();
  list cards;
  for (const char* id : kRealityCards) {
    auto card = catalog.find_card(id);
    if (!card) return card.error();
    SizingRequest r = request_for(*model.value(), *card.value(),
                                  {"", "", "q4_k_m", RuntimeId::llamacpp, 512, 256, 1});
    list steps;
    const Scenario walk[] = {
        {"short prompt, one user", "", "q4_k_m", RuntimeId::llamacpp, 512, 256, 1},
        {"long prompt, one user", "", "q4_k_m", RuntimeId::llamacpp, 100000, 1000, 1},
        {"long prompts, 8 users at once", "", "q4_k_m", RuntimeId::llamacpp, 100000, 1000, 8},
        {"same, q8_0 KV cache", "", "q4_k_m", RuntimeId::llamacpp, 100000, 1000, 8},
    };
    for (const Scenario& s : walk) {
      SizingRequest step = request_for(*model.value(), *card.value(), s);
      if (&s == &walk[3]) step.kv_dtype = "q8_0";
      const std::string step_id = card.value()->id + "-" + std::to_string(&s - walk);
      auto report = size(step);
      if (!report) return report.error();
      Data row;
      row.set("id", step_id);
      row.set("label", s.label);
      row.set("verdict", to_string(report->verdict));
      row.set("reason", report->verdict_reason);
      row.set("bar", memory_bar(report.value()));
      row.set("speed", speed_cells(report.value()));
      steps.push_back(row);
    }
    auto formats = compare_formats(r);
    if (!formats) return formats.error();
    list rows;
    for (const FormatFit& fit : formats.value()) {
      if (!fit.sized() || !fit.report.speed) continue;
      Data row;
      row.set("format", fit.format);
      row.set("bits", fixed(fit.report.inputs.bits_per_weight, 2));
      row.set("speedup", fixed(fit.report.speed->speedup_vs_fp16, 2));
      row.set("ideal", fixed(fit.report.speed->ideal_speedup_vs_fp16, 2));
      row.set("quality", fit.quality);
      rows.push_back(row);
    }
    Data c;
    c.set("name", card.value()->name);
    c.set("id", card.value()->id);
    c.set("steps", steps);
    c.set("formats", rows);
    cards.push_back(c);
  }
  Data d = common(in, "", "The 4-bit reality check", "reality.html");
  d.set("model", model.value()->arch.name);
  d.set("cards", cards);
  return Page{"reality.html", "reality", d};
}

// One group's medians, as `headroom validate` prints them (errors to `decimals` places).
Data group_row(const std::string& name, const ValidationSummary& s, int decimals) {
  Data row;
  row.set("name", name);
  row.set("rows", std::to_string(s.rows));
  row.set("median", fixed(s.median_abs_error_pct, decimals));
  row.set("worst", fixed(s.max_abs_error_pct, decimals));
  row.set("worst_id", s.worst_id);
  return row;
}

list group_rows(const std::vector<ValidationGroup>& groups) {
  list out;
  for (const ValidationGroup& g : groups) out.push_back(group_row(g.name, g.summary, 1));
  return out;
}

// One row of either validation table: what both show, then the columns of its own.
Data validation_row(const ValidationRow& v) {
  Data row;
  row.set("id", v.id);
  row.set("card", v.card);
  row.set("model", v.model);
  row.set("quant", v.quant);
  row.set("runtime", v.runtime);
  row.set("measured", fixed(v.measured_value, 1));
  row.set("predicted", fixed(v.predicted_value, 1));
  row.set("error", fixed(v.error_pct, 1));
  row.set("source", v.source);
  return row;
}

Page accuracy_page(const SiteInputs& in) {
  list rows;
  for (const ValidationRow& v : in.validation) {
    Data row = validation_row(v);
    row.set("backend", v.backend);
    row.set("date", v.date);
    rows.push_back(row);
  }
  list serving;
  for (const ValidationRow& v : in.serving_validation) {
    Data row = validation_row(v);
    row.set("metric", v.metric);
    row.set("arrival", v.arrival);
    serving.push_back(row);
  }
  const ValidationSummary summary = summarize_validation(in.validation);
  const ValidationSummary prefill = summarize_prefill(in.validation);
  const ValidationSummary serving_summary = summarize_validation(in.serving_validation);
  Data d = common(in, "", "How accurate is Headroom?", "accuracy.html");
  d.set("rows", rows);
  d.set("count", std::to_string(summary.rows));
  d.set("median", fixed(summary.median_abs_error_pct, 1));
  d.set("worst", fixed(summary.max_abs_error_pct, 1));
  d.set("worst_id", summary.worst_id);
  d.set("prefill_count", std::to_string(prefill.rows));
  d.set("prefill_median", fixed(prefill.median_abs_error_pct, 1));
  d.set("by_backend", group_rows(summarize_by_backend(in.validation)));
  d.set("by_class", group_rows(summarize_by_card_class(in.validation)));
  d.set("by_age", group_rows(summarize_by_age(in.validation)));
  d.set("serving", serving);
  d.set("serving_count", std::to_string(serving_summary.rows));
  d.set("serving_median", fixed(serving_summary.median_abs_error_pct, 1));
  d.set("serving_by_runtime", group_rows(summarize_serving_by_runtime(in.serving_validation)));
  d.set("serving_by_metric", group_rows(summarize_by_runtime_metric(in.serving_validation)));
  list memory;
  for (const MemoryValidationRow& v : in.memory_validation) {
    Data row;
    row.set("id", v.id);
    row.set("runtime", v.runtime);
    row.set("version", v.version);
    row.set("model", v.model);
    row.set("card", v.card);
    row.set("metric", v.metric);
    row.set("measured", memory_figure_text(v.measured));
    row.set("predicted", memory_figure_text(v.predicted));
    row.set("tolerance", v.relative ? fixed(v.tolerance * 100, 1) + "%" : memory_figure_text(v.tolerance));
    row.set("error", fixed(v.error_pct, 2));
    row.set("source", v.source);
    memory.push_back(row);
  }
  list memory_groups;
  for (const MemoryValidationSummary& s : summarize_memory_by_runtime(in.memory_validation)) {
    Data g = group_row(s.name, s.errors, 2);  // memory errors are hundredths of a percent
    g.set("within", std::to_string(s.within));
    memory_groups.push_back(g);
  }
  const MemoryValidationSummary memory_summary = summarize_memory_validation(in.memory_validation);
  d.set("memory", memory);
  d.set("memory_by_runtime", memory_groups);
  d.set("memory_count", std::to_string(memory_summary.errors.rows));
  d.set("memory_within", std::to_string(memory_summary.within));
  d.set("memory_median", fixed(memory_summary.errors.median_abs_error_pct, 2));
  return Page{"accuracy.html", "accuracy", d};
}

// The submission check's stages, as results.h documents check_submission().
constexpr const char* kSubmissionChecks =
    "Structure (size, UTF-8, nesting depth, duplicate keys, finite numbers, the "
    "headroom.bench.v1 schema), provenance (the bench version and the digest of its SPIR-V "
    "kernels), identity (the device against the card catalog, the decoded driver), consistency "
    "(every aggregate recomputed from its samples, sample counts, spread, kernel verification, "
    "bandwidth against the card's spec and GEMV against the read bandwidth) and privacy (no "
    "paths, user or host names). A rejected file names every problem; a flagged one is stored "
    "as unverified and left out of the measured figures.";

// Badges for READMEs: common model x card pairs at one chat user, Q4_K_M on llama.cpp.
constexpr const char* kBadgeModels[] = {"llama-3.1-8b-instruct",  "qwen3-8b",
                                        "qwen3-30b-a3b",          "gemma-3-27b-it",
                                        "llama-3.3-70b-instruct", "gpt-oss-20b"};
constexpr const char* kBadgeCards[] = {
    "rtx-4090",           "rtx-5090",    "rtx-3090",      "rtx-4060-ti-16gb",
    "apple-m4-max-128gb", "rx-7900-xtx", "h100-sxm-80gb", "mi300x"};

// Verdict and speed in a shields-style SVG; widths from the text length (Verdana 11px is about
// 7 px a character), so the file is the same on every machine.
Result<Page> badge_page(const CatalogModel& model, const Card& card) {
  SizingRequest r = request_for(model, card, kCardWorkloads[0]);
  r.with_advice = false;
  auto report = size(r);
  if (!report) return report.error();
  const bool fits = report->verdict != Verdict::does_not_fit;
  const std::string label = model.arch.name + " on " + card.name;
  const std::string value =
      std::string(to_string(report->verdict)) +
      (fits && report->speed
           ? ", " + fixed(report->speed->decode_tokens_per_s_per_user, 0) + " tok/s"
           : std::string());
  const auto label_width = static_cast<long>(12 + 7 * label.size());
  const auto value_width = static_cast<long>(12 + 7 * value.size());
  Data d;
  d.set("label", label);
  d.set("value", value);
  d.set("alt", label + ": " + value);
  d.set("label_width", std::to_string(label_width));
  d.set("value_width", std::to_string(value_width));
  d.set("value_x", std::to_string(label_width + 6));
  d.set("width", std::to_string(label_width + value_width));
  d.set("color", report->verdict == Verdict::fits    ? "#1f7a3d"
                 : report->verdict == Verdict::tight ? "#a86400"
                                                     : "#b3261e");
  const std::string file = model.arch.id + "--" + card.id + ".svg";
  d.set("file", file);
  return Page{"badges/" + file, "badge", d};
}

}  // namespace

Result<std::vector<Page>> build_pages(const SiteInputs& inputs) {
  std::vector<Page> pages;
  auto home = home_page(inputs);
  if (!home) return home.error();
  pages.push_back(std::move(home).value());
  auto reality = reality_page(inputs);
  if (!reality) return reality.error();
  pages.push_back(std::move(reality).value());
  pages.push_back(accuracy_page(inputs));
  if (inputs.local_result) {
    Data local = common(inputs, "", "Your local result (not published)", "local.html");
    Data tables = kernel_tables(*inputs.local_result, 0);
    tables.set("file", inputs.local_name);
    local.set("result", list{tables});
    // The catalog card when the device is one, else the device's own name ("" would be truthy).
    const BenchReport& r = *inputs.local_result;
    local.set("card", r.card_name.empty() ? r.device.name : r.card_name);
    pages.push_back(Page{"local.html", "local", local});
  }
  Data submit = common(inputs, "", "Submit a headroom-bench result", "submit.html");
  submit.set("check_summary", std::string(kSubmissionChecks));
  pages.push_back(Page{"submit.html", "submit", submit});
  // Card pages list the catalog models fitting at three workloads: most of a build without
  // results. The pages are independent, so they are built on every core, each into its slot.
  const auto& all_cards = inputs.catalog->cards;
  const CardWorkloadFits fits = card_workload_fits(inputs);
  std::vector<std::optional<Result<Page>>> built(all_cards.size());
  for_each_index(all_cards.size(), [&](std::size_t i) {
    std::vector<std::vector<FittingModel>> per_workload;
    for (const auto& by_card : fits) per_workload.push_back(by_card[i]);
    built[i].emplace(card_page(inputs, all_cards[i], per_workload));
  });
  list cards;
  for (std::size_t i = 0; i < all_cards.size(); ++i) {
    const Card& card = all_cards[i];
    Result<Page>& page = *built[i];
    if (!page) return page.error();
    pages.push_back(std::move(page).value());
    Data c;
    c.set("id", card.id);
    c.set("name", card.name);
    cards.push_back(c);
  }
  Data index = common(inputs, "../", "Cards", "cards/index.html");
  index.set("cards", cards);
  pages.push_back(Page{"cards/index.html", "cards", index});

  list badges;
  for (const char* model_id : kBadgeModels) {
    auto model = inputs.catalog->find_model(model_id);
    if (!model) return model.error();
    for (const char* card_id : kBadgeCards) {
      auto card = inputs.catalog->find_card(card_id);
      if (!card) return card.error();
      auto badge = badge_page(*model.value(), *card.value());
      if (!badge) return badge.error();
      Data b;
      b.set("file", badge->data.get("file")->string_value());
      b.set("alt", badge->data.get("alt")->string_value());
      b.set("width", badge->data.get("width")->string_value());
      badges.push_back(b);
      pages.push_back(std::move(badge).value());
    }
  }
  Data embed = common(inputs, "../", "Embed", "embed/index.html");
  embed.set("site", inputs.base_url.empty() ? std::string("https://YOUR-HEADROOM-SITE/")
                                            : inputs.base_url + "/");
  embed.set("badges", badges);
  pages.push_back(Page{"embed/index.html", "embed", embed});
  pages.push_back(Page{"embed/fit.html", "fit", Data{}});
  return pages;
}

}  // namespace headroom::site
