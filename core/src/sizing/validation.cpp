// Runs the sizing pipeline on each validation row and compares its speed with the measurement.
#include "headroom/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/json_util.h"
#include "base/release.h"
#include "base/stats.h"
#include "headroom/sizing.h"
#include "headroom/traffic.h"
#include "sizing/internal.h"
#include "speed/params.h"

namespace headroom {
namespace {

using json_util::Json;

Result<ModelArch> row_model(const Catalog& catalog, const Json& row, const std::string& field,
                            std::string& label) {
  if (const Json* config = json_util::find(row, "inline_config")) {
    label = json_util::get_string(row, "model_name").value_or("inline config");
    auto arch = parse_hf_config(config->dump(), label);
    if (!arch)
      return parse_failure(field + ".inline_config",
                           "is not a usable config: " + arch.error().message);
    return *arch;
  }
  auto id = json_util::get_string(row, "model");
  if (!id) return parse_failure(field + ".model", "is missing (or give inline_config)");
  label = *id;
  auto model = catalog.find_model(*id);
  if (!model)
    return parse_failure(field + ".model", "is not in the catalog: " + model.error().message);
  return (*model)->arch;
}

// An optional whole number in [lo, hi]; absent leaves `out` unset.
std::optional<Error> read_count(const Json& object, const char* key, std::uint64_t lo,
                                std::uint64_t hi, const std::string& where,
                                std::optional<std::uint64_t>& out) {
  if (json_util::find(object, key) == nullptr) return std::nullopt;
  auto value = json_util::get_uint(object, key);
  if (!value || *value < lo || *value > hi)
    return parse_failure(where + "." + key, "must be a whole number from " + std::to_string(lo) +
                                                " to " + std::to_string(hi) + "");
  out = *value;
  return std::nullopt;
}

// llama.cpp settings and the system memory of a partial offload, into the request's knobs.
std::optional<Error> read_knobs(const Json& row, const std::string& where, RuntimeKnobs& knobs) {
  std::optional<std::uint64_t> layers, cpu_moe, ctx;
  if (auto e = read_count(row, "n_gpu_layers", 0, 100000, where, layers)) return e;
  if (auto e = read_count(row, "n_cpu_moe", 0, 100000, where, cpu_moe)) return e;
  if (auto e = read_count(row, "ctx_size", 1, 16777216, where, ctx)) return e;
  if (layers) knobs.gpu_layers = static_cast<std::uint32_t>(*layers);
  if (cpu_moe) knobs.cpu_moe_layers = static_cast<std::uint32_t>(*cpu_moe);
  if (ctx) knobs.ctx_size_tokens = *ctx;
  // A serving run's prompt-token budget per step (TGI --max-batch-prefill-tokens, or its
  // default max_input_tokens + 50 when the run raised --max-input-tokens).
  std::optional<std::uint64_t> prefill_budget;
  if (auto e = read_count(row, "max_batch_prefill_tokens", 1, 16777216, where, prefill_budget))
    return e;
  if (prefill_budget) knobs.max_num_batched_tokens = *prefill_budget;
  if (json_util::find(row, "flash_attention")) {
    auto fa = json_util::get_bool(row, "flash_attention");
    if (!fa) return parse_failure(where + ".flash_attention", "must be true or false");
    knobs.flash_attention = *fa;
  }
  if (const Json* host = json_util::find(row, "host_memory")) {
    const std::string field = where + ".host_memory";
    if (!host->is_object())
      return parse_failure(field, "must be an object {channels, mt_per_s, bus_bytes}");
    std::optional<std::uint64_t> channels, bus;
    if (auto e = read_count(*host, "channels", 1, 24, field, channels)) return e;
    if (auto e = read_count(*host, "bus_bytes", 1, 64, field, bus)) return e;
    auto mts = json_util::get_number(*host, "mt_per_s");
    if (!channels) return parse_failure(field + ".channels", "is missing");
    if (!mts || !(*mts >= 100 && *mts <= 20000))
      return parse_failure(field + ".mt_per_s", "must be a number from 100 to 20000");
    knobs.host_bandwidth_bytes_per_s = speed::host_bandwidth_bytes_per_s(
        static_cast<double>(*channels), *mts, static_cast<double>(bus.value_or(8)));
  }
  return std::nullopt;
}

// The predicted per-user rate on the row's basis.
Result<double> predicted_rate(const SpeedEstimate& e, const std::string& basis,
                              double output_tokens, double users, const std::string& field) {
  if (basis == "decode") return e.decode_tokens_per_s_per_user;
  if (basis == "end_to_end")
    return output_tokens / (e.ttft_s + output_tokens * e.inter_token_latency_s);
  if (basis == "steady_state") return e.requests_per_minute / 60.0 * output_tokens / users;
  return parse_failure(field + ".measured.basis", "must be decode, end_to_end or steady_state");
}

// A serving row's arrival pattern and load, into the request (the burst is predicted from the
// closed-loop service times, so the request asks for those).
std::optional<Error> read_serving_load(const Json& row, const std::string& where,
                                       ValidationRow& out, SizingRequest& request) {
  out.arrival = json_util::get_string(row, "arrival").value_or("");
  if (out.arrival == "rate") {
    auto rate = json_util::get_number(row, "request_rate");
    if (!rate || !(*rate > 0))
      return parse_failure(where + ".request_rate", "must be above zero with arrival rate");
    request.traffic.arrival = Arrival::rate;
    request.traffic.request_rate_per_s = *rate;
    return std::nullopt;
  }
  if (out.arrival != "burst" && out.arrival != "closed-loop")
    return parse_failure(where + ".arrival", "must be burst, closed-loop or rate");
  std::optional<std::uint64_t> users;
  if (auto e = read_count(row, "users", 1, 100000, where, users)) return e;
  if (!users) return parse_failure(where + ".users", "is missing (requests or concurrent users)");
  request.workload.users = *users;
  request.traffic.arrival = Arrival::closed_loop;
  return std::nullopt;
}

// Classes an output-length spread is cut into: enough that the longest replies (the top
// 1/16th) set the burst's tail apart from the rest.
constexpr std::uint32_t kOutputClasses = 16;

// The traffic model's figure for a serving row's metric, in the metric's unit.
Result<double> predicted_serving(const SizingRequest& request, const Json& row,
                                 const ValidationRow& out, const std::string& where) {
  ServiceTimes times;
  auto report = evaluate(request, &times);
  if (!report) return parse_failure(where, "could not be sized: " + report.error().message);
  if (!report->traffic) {
    const std::string why = report->traffic_error ? report->traffic_error->message
                            : report->speed_error ? report->speed_error->message
                                                  : std::string("no traffic estimate");
    return parse_failure(where, "has no traffic estimate: " + why);
  }
  TrafficEstimate t = *report->traffic;
  if (out.arrival == "burst") {
    // Output lengths that vary per request (a ShareGPT burst: each reply as long as the
    // dataset's), as a coefficient of variation around the row's mean output.
    if (const Json* cv = json_util::find(row, "output_length_cv")) {
      auto value = json_util::get_number(row, "output_length_cv");
      if (!cv->is_number() || !value)
        return parse_failure(where + ".output_length_cv", "must be a number from 0 to 4");
      auto classes = spread_output_lengths(static_cast<double>(times.output_tokens), *value,
                                           kOutputClasses);
      if (!classes) return parse_failure(where + "." + classes.error().field,
                                         classes.error().message);
      times.output_classes = *classes;
    }
    auto burst = burst_traffic(times, request.workload.users);
    if (!burst) return parse_failure(where, "has no burst estimate: " + burst.error().message);
    t = *burst;
  }
  // Server options the source's runs set that hold first tokens back (TensorRT-LLM).
  FirstTokenHold hold;
  std::optional<std::uint64_t> wait_iters;
  if (auto e = read_count(row, "batch_wait_timeout_iters", 0, 1000, where, wait_iters)) return *e;
  if (wait_iters) hold.batch_wait_iters = static_cast<std::uint32_t>(*wait_iters);
  if (const Json* ratio = json_util::find(row, "batch_wait_max_tokens_ratio")) {
    auto value = json_util::get_number(row, "batch_wait_max_tokens_ratio");
    if (!ratio->is_number() || !value || !(*value >= 0 && *value <= 1))
      return parse_failure(where + ".batch_wait_max_tokens_ratio", "must be a number in [0, 1]");
    hold.batch_wait_tokens_ratio = *value;
  }
  if (out.arrival != "burst" && hold.batch_wait_iters > 0) {
    auto held = hold_first_tokens(t, times, hold);
    if (!held) return parse_failure(where + "." + held.error().field, held.error().message);
    t = *held;
  }
  if (t.saturated)
    return parse_failure(where, "is predicted saturated (rate above the predicted capacity)");
  const bool mean = out.stat == "mean";
  // TPOT is a request's mean gap; a burst's itl_s spreads it over the requests.
  if (out.metric == "tpot_ms")
    return 1000.0 * (out.arrival == "burst" && !mean ? t.itl_s.median : t.itl_s.mean);
  if (out.metric == "ttft_ms") return 1000.0 * (mean ? t.ttft_s.mean : t.ttft_s.median);
  if (out.metric == "output_tokens_per_s") return t.output_tokens_per_s;
  return parse_failure(where + ".measured.metric",
                       "must be tpot_ms, ttft_ms or output_tokens_per_s");
}

Result<ValidationRow> run_row(const Catalog& catalog, const Json& row, const std::string& field) {
  ValidationRow out;
  out.id = json_util::get_string(row, "id").value_or("");
  if (out.id.empty()) return parse_failure(field + ".id", "is missing");
  const std::string where = field + " (" + out.id + ")";
  auto arch = row_model(catalog, row, where, out.model);
  if (!arch) return arch.error();
  out.card = json_util::get_string(row, "card").value_or("");
  auto card = catalog.find_card(out.card);
  if (!card)
    return parse_failure(where + ".card", "is not in the catalog: " + card.error().message);
  out.quant = json_util::get_string(row, "quant").value_or("");
  out.runtime = json_util::get_string(row, "runtime").value_or("");
  auto runtime = parse_runtime(out.runtime);
  if (!runtime) return parse_failure(where + ".runtime", runtime.error().message);
  out.source = json_util::get_string(row, "source").value_or("");
  out.date = json_util::get_string(row, "date").value_or("");
  out.build = json_util::get_string(row, "build").value_or("");
  std::optional<Backend> backend;
  if (json_util::find(row, "backend") != nullptr) {
    auto parsed = parse_backend(json_util::get_string(row, "backend").value_or(""));
    if (!parsed) return parse_failure(where + ".backend", parsed.error().message);
    // Only llama.cpp / Ollama have a backend choice; a serving row's "backend" is not read.
    if (is_llama_cpp(*runtime)) backend = *parsed;
  }
  const Json* measured = json_util::find(row, "measured");
  if (measured == nullptr) return parse_failure(where + ".measured", "is missing");
  const bool serving = json_util::find(*measured, "metric") != nullptr;
  if (serving) {
    out.metric = json_util::get_string(*measured, "metric").value_or("");
    out.stat = json_util::get_string(*measured, "stat").value_or("median");
    if (out.stat != "median" && out.stat != "mean")
      return parse_failure(where + ".measured.stat", "must be median or mean");
    auto value = json_util::get_number(*measured, "value");
    if (!value || !(*value > 0))
      return parse_failure(where + ".measured.value", "must be above zero");
    out.measured_value = *value;
    out.basis = "traffic";
  }
  auto decode = json_util::get_number(*measured, "decode_tokens_per_s");
  if (!serving && (!decode || *decode <= 0))
    return parse_failure(where + ".measured.decode_tokens_per_s", "must be above zero");
  if (!serving) out.measured_tokens_per_s = out.measured_value = *decode;
  out.measured_prompt_tokens_per_s =
      json_util::get_number(*measured, "prompt_tokens_per_s").value_or(0);
  out.basis = json_util::get_string(*measured, "basis").value_or("decode");

  SizingRequest request;
  request.model = *arch;
  request.weight_format = out.quant;
  request.kv_dtype = json_util::get_string(row, "kv_dtype").value_or("auto");
  request.runtime = *runtime;
  request.card = **card;
  request.backend = backend;
  out.card_class = speed::card_class_params(speed::classify_card(**card)).name;
  if (is_llama_cpp(*runtime))
    out.backend = backend_key(backend.value_or(default_backend(*runtime, **card)));
  request.gpus = static_cast<std::uint32_t>(json_util::get_uint(row, "gpus").value_or(1));
  request.workload.prompt_tokens = json_util::get_uint(row, "prompt_tokens").value_or(0);
  request.workload.output_tokens = json_util::get_uint(row, "output_tokens").value_or(128);
  request.workload.users = json_util::get_uint(row, "users").value_or(1);
  if (auto e = read_knobs(row, where, request.knobs)) return *e;
  // A llama.cpp row's measurement month stands for its build's (builds are days to weeks old).
  if (is_llama_cpp(*runtime) && out.date.size() >= 7)
    request.knobs.llama_build_month = out.date.substr(0, 7);
  // A serving row's build names the engine release its figures describe.
  // Builds that name no release ("nightly", a commit) describe the current engines, and so does
  // an NVIDIA NIM container's release ("NIM 1.8.0"), which numbers the container, not the engine.
  if (!is_llama_cpp(*runtime) && *runtime != RuntimeId::transformers &&
      parse_release(out.build).known() && out.build.rfind("NIM ", 0) != 0)
    request.knobs.engine_version = out.build;
  // How the source's clients got their tokens: streamed every stream_interval steps (default 1),
  // or not streamed ("streaming": false, trtllm-bench throughput's default).
  if (!is_llama_cpp(*runtime)) {
    std::optional<std::uint64_t> interval;
    if (auto e = read_count(row, "stream_interval", 1, 1000, where, interval)) return *e;
    if (interval) request.knobs.stream_interval = static_cast<std::uint32_t>(*interval);
    if (json_util::find(row, "streaming") != nullptr) {
      auto streaming = json_util::get_bool(row, "streaming");
      if (!streaming) return parse_failure(where + ".streaming", "must be true or false");
      if (!*streaming && interval)
        return parse_failure(where + ".stream_interval", "is set but streaming is false");
      if (!*streaming) request.knobs.stream_interval = 0;
    }
    // vLLM --async-scheduling as the run's serving command set it.
    if (json_util::find(row, "async_scheduling") != nullptr) {
      const auto async = json_util::get_bool(row, "async_scheduling");
      if (!async) return parse_failure(where + ".async_scheduling", "must be true or false");
      request.knobs.async_scheduling = *async;
    }
    // Expert parallelism as the serving command set it (--enable-expert-parallel, --ep-size).
    if (json_util::find(row, "expert_parallel") != nullptr) {
      const auto ep = json_util::get_bool(row, "expert_parallel");
      if (!ep) return parse_failure(where + ".expert_parallel", "must be true or false");
      request.knobs.expert_parallel = *ep;
    }
    // The clients' API ("endpoint": "chat" | "completions"; unset: completions).
    if (json_util::find(row, "endpoint") != nullptr) {
      const auto endpoint = json_util::get_string(row, "endpoint");
      const auto chat = endpoint ? parse_chat_endpoint(*endpoint) : std::nullopt;
      if (!chat) return parse_failure(where + ".endpoint", "must be chat or completions");
      request.knobs.chat_endpoint = *chat;
    }
    std::optional<std::uint64_t> graphs;
    if (auto e = read_count(row, "cuda_graph_max_batch", 1, 65536, where, graphs)) return *e;
    if (graphs) request.knobs.cuda_graph_max_batch = static_cast<std::uint32_t>(*graphs);
  }
  out.offload = request.knobs.gpu_layers.has_value() || request.knobs.cpu_moe_layers.has_value();
  if (serving) {
    if (auto e = read_serving_load(row, where, out, request)) return *e;
    auto predicted = predicted_serving(request, row, out, where);
    if (!predicted) return predicted.error();
    out.predicted_value = *predicted;
    out.error_pct = (out.predicted_value - out.measured_value) / out.measured_value * 100.0;
    return out;
  }
  auto report = size(request);
  if (!report) return parse_failure(where, "could not be sized: " + report.error().message);
  if (!report->speed)
    return parse_failure(where,
                         "has no speed estimate: " +
                             (report->speed_error ? report->speed_error->message : std::string()));
  const SpeedEstimate& e = *report->speed;
  auto predicted = predicted_rate(e, out.basis, static_cast<double>(request.workload.output_tokens),
                                  static_cast<double>(request.workload.users), where);
  if (!predicted) return predicted.error();
  out.predicted_tokens_per_s = out.predicted_value = *predicted;
  out.error_pct =
      (out.predicted_tokens_per_s - out.measured_tokens_per_s) / out.measured_tokens_per_s * 100.0;
  out.predicted_prompt_tokens_per_s = e.prefill_tokens_per_s;
  out.bound = e.bound;
  return out;
}

}  // namespace

Result<std::vector<ValidationRow>> run_validation(const Catalog& catalog,
                                                  std::string_view validation_json) {
  if (json_util::nests_too_deep(validation_json))
    return json_util::too_deep("validation", "validation set");
  auto doc = json_util::parse(validation_json);
  if (!doc) return parse_failure("validation", "is not valid JSON");
  const Json* rows = json_util::find(*doc, "rows");
  if (rows == nullptr || !rows->is_array() || rows->empty())
    return parse_failure("validation.rows", "must be a non-empty array");
  std::vector<ValidationRow> out;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto row = run_row(catalog, (*rows)[i], "rows[" + std::to_string(i) + "]");
    if (!row) return row.error();
    out.push_back(std::move(*row));
  }
  return out;
}

ValidationSummary summarize_errors(const std::vector<std::pair<double, std::string>>& errors) {
  ValidationSummary s;
  s.rows = errors.size();
  if (errors.empty()) return s;
  std::vector<double> abs_errors;
  for (const auto& [error, id] : errors) {
    const double abs_error = std::fabs(error);
    abs_errors.push_back(abs_error);
    if (abs_error >= s.max_abs_error_pct) {
      s.max_abs_error_pct = abs_error;
      s.worst_id = id;
    }
  }
  s.median_abs_error_pct = median(std::move(abs_errors));
  return s;
}

ValidationSummary summarize_validation(const std::vector<ValidationRow>& rows) {
  std::vector<std::pair<double, std::string>> errors;
  for (const auto& r : rows) errors.emplace_back(r.error_pct, r.id);
  return summarize_errors(errors);
}

namespace {

template <typename KeyOf>
std::vector<ValidationGroup> group_by(const std::vector<ValidationRow>& rows, KeyOf key_of) {
  std::vector<std::string> names;
  for (const auto& r : rows) {
    const std::string key = key_of(r);
    if (!key.empty() && std::find(names.begin(), names.end(), key) == names.end())
      names.push_back(key);
  }
  std::vector<ValidationGroup> out;
  for (const auto& name : names) {
    std::vector<ValidationRow> members;
    for (const auto& r : rows)
      if (key_of(r) == name) members.push_back(r);
    out.push_back({name, summarize_validation(members)});
  }
  return out;
}

}  // namespace

std::vector<ValidationGroup> summarize_by_backend(const std::vector<ValidationRow>& rows) {
  return group_by(rows, [](const ValidationRow& r) { return r.backend; });
}

std::vector<ValidationGroup> summarize_by_card_class(const std::vector<ValidationRow>& rows) {
  return group_by(rows, [](const ValidationRow& r) { return r.card_class; });
}

std::vector<ValidationGroup> summarize_by_runtime_metric(const std::vector<ValidationRow>& rows) {
  return group_by(rows, [](const ValidationRow& r) {
    return r.arrival.empty() ? std::string() : r.runtime + " " + r.metric;
  });
}

std::vector<ValidationGroup> summarize_serving_by_runtime(const std::vector<ValidationRow>& rows) {
  return group_by(rows, [](const ValidationRow& r) { return r.arrival.empty() ? "" : r.runtime; });
}

std::string recent_cutoff_date(const std::vector<ValidationRow>& rows) {
  std::string newest;
  for (const auto& r : rows)
    if (r.date.size() >= 7 && r.date.substr(0, 7) > newest) newest = r.date.substr(0, 7);
  if (newest.size() != 7) return "";
  // One year back from the newest month: "2026-11" -> "2025-11"; dates compare as text.
  const int year = std::atoi(newest.substr(0, 4).c_str()) - 1;
  return std::to_string(year) + newest.substr(4);
}

std::vector<ValidationGroup> summarize_by_age(const std::vector<ValidationRow>& rows) {
  const std::string cutoff = recent_cutoff_date(rows);
  return group_by(rows, [&](const ValidationRow& r) {
    if (r.date.size() < 7) return std::string("undated");
    return std::string(r.date.substr(0, 7) >= cutoff ? "recent" : "older");
  });
}

ValidationSummary summarize_prefill(const std::vector<ValidationRow>& rows) {
  std::vector<std::pair<double, std::string>> errors;
  for (const auto& r : rows) {
    if (r.measured_prompt_tokens_per_s <= 0) continue;
    errors.emplace_back((r.predicted_prompt_tokens_per_s - r.measured_prompt_tokens_per_s) /
                            r.measured_prompt_tokens_per_s * 100.0,
                        r.id);
  }
  return summarize_errors(errors);
}

std::string format_validation_table(const std::vector<ValidationRow>& rows) {
  std::string text;
  char line[320];
  std::snprintf(line, sizeof line, "%-46s %-22s %-8s %-9s %-7s %-10s %9s %9s %7s %-7s\n", "id",
                "card", "quant", "runtime", "backend", "date", "measured", "predicted", "error",
                "bound");
  text += line;
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%-46s %-22s %-8s %-9s %-7s %-10s %9.2f %9.2f %+6.1f%% %-7s\n",
                  r.id.c_str(), r.card.c_str(), r.quant.c_str(), r.runtime.c_str(),
                  // Serving rows: the arrival in the backend column, the metric after the error.
                  !r.arrival.empty()  ? r.arrival.c_str()
                  : r.backend.empty() ? "-"
                                      : r.backend.c_str(),
                  r.date.empty() ? "-" : r.date.c_str(), r.measured_value, r.predicted_value,
                  r.error_pct, r.arrival.empty() ? r.bound.c_str() : r.metric.c_str());
    text += line;
  }
  const auto summary_line = [&](const std::string& label, const ValidationSummary& s) {
    std::snprintf(line, sizeof line, "%s: %zu rows, median |error| %.1f%%, worst %.1f%% (%s)\n",
                  label.c_str(), s.rows, s.median_abs_error_pct, s.max_abs_error_pct,
                  s.worst_id.c_str());
    text += line;
  };
  const ValidationSummary s = summarize_validation(rows);
  std::snprintf(line, sizeof line, "%zu rows: median |error| %.1f%%, worst %.1f%% (%s)\n", s.rows,
                s.median_abs_error_pct, s.max_abs_error_pct, s.worst_id.c_str());
  text += line;
  for (const auto& g : summarize_by_backend(rows)) summary_line("backend " + g.name, g.summary);
  for (const auto& g : summarize_by_card_class(rows)) summary_line("class " + g.name, g.summary);
  const std::string cutoff = recent_cutoff_date(rows);
  for (const auto& g : summarize_by_age(rows)) {
    summary_line(g.name == "recent"  ? "measured since " + cutoff
                 : g.name == "older" ? "measured before " + cutoff
                                     : std::string("undated"),
                 g.summary);
  }
  summary_line("prefill (prompt tok/s, reported)", summarize_prefill(rows));
  for (const auto& g : summarize_serving_by_runtime(rows))
    summary_line("serving " + g.name, g.summary);
  for (const auto& g : summarize_by_runtime_metric(rows))
    summary_line("serving " + g.name, g.summary);
  return text;
}

}  // namespace headroom
