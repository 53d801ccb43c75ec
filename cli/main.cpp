// headroom: command-line front end. Parses flags, reads files, calls the core, prints.
// Exit status: 0 answered (whatever the verdict), 2 bad input (one line on stderr).
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "headroom/catalog.h"
#include "headroom/compare.h"
#include "headroom/report_json.h"
#include "headroom/sizing.h"
#include "headroom/validation.h"
#include "text_file.h"
#include "listings.h"
#include "model_source.h"
#include "render_text.h"

namespace {

using namespace headroom;

struct BadInput {
  std::string message;
};

int fail(const std::string& message) {
  std::cerr << "headroom: " << message << "\n";
  return 2;
}

std::uint64_t parse_count(const std::string& flag, const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 18) {
    throw BadInput{flag + " must be a whole number (got '" + text + "')"};
  }
  return std::stoull(text);
}

double parse_fraction(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(value) || value <= 0 || value > 1) {
    throw BadInput{flag + " must be a number in (0, 1] (got '" + text + "')"};
  }
  return value;
}

struct SizeFlags {
  std::string model, quant, kv = "auto", runtime, card, bench;
  std::string gpus = "1", prompt = "1024", output = "256", users = "1";
  std::string max_model_len, util, ctx, parallel, ubatch, flash_attention, gpu_layers, cpu_moe, host_bandwidth;
  bool json = false;
};

// The request both `size` and `compare` describe with their flags; throws BadInput with the
// one-line message on any bad flag. `compare` has no --card: the request keeps a default card.
SizingRequest build_request(const Catalog& catalog, const SizeFlags& f, bool with_card) {
  auto check = [](const auto& result) {
    if (!result) throw BadInput{result.error().message};
  };
  SizingRequest request;
  auto model = cli::resolve_model(catalog, f.model);
  check(model);
  request.model = model->arch;
  if (model->from_gguf) {
    if (!f.quant.empty() && f.quant != "native") {
      throw BadInput{"--quant " + f.quant + " contradicts the GGUF file, whose tensors already have their types; drop --quant"};
    }
    request.weight_format = "native";
  } else {
    request.weight_format = f.quant.empty() ? "native" : f.quant;
  }
  request.kv_dtype = f.kv;
  auto runtime = parse_runtime(f.runtime);
  check(runtime);
  request.runtime = runtime.value();
  if (with_card) {
    auto card = catalog.find_card(f.card);
    check(card);
    request.card = *card.value();
  }
  request.gpus = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_count("--gpus", f.gpus), 1u << 20));
  request.workload.prompt_tokens = parse_count("--prompt-tokens", f.prompt);
  request.workload.output_tokens = parse_count("--output-tokens", f.output);
  request.workload.users = parse_count("--users", f.users);
  RuntimeKnobs& k = request.knobs;
  if (!f.max_model_len.empty()) k.max_model_len_tokens = parse_count("--max-model-len", f.max_model_len);
  if (!f.util.empty()) k.gpu_memory_utilization = parse_fraction("--gpu-memory-utilization", f.util);
  if (!f.ctx.empty()) k.ctx_size_tokens = parse_count("--ctx-size", f.ctx);
  if (!f.parallel.empty()) k.parallel_slots = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_count("--parallel", f.parallel), 1u << 20));
  if (!f.ubatch.empty()) k.ubatch_size_tokens = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_count("--ubatch-size", f.ubatch), 1u << 20));
  if (!f.gpu_layers.empty()) k.gpu_layers = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_count("--n-gpu-layers", f.gpu_layers), 1u << 20));
  if (!f.cpu_moe.empty()) k.cpu_moe_layers = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_count("--n-cpu-moe", f.cpu_moe), 1u << 20));
  if (!f.host_bandwidth.empty()) k.host_bandwidth_bytes_per_s = static_cast<double>(parse_count("--host-bandwidth", f.host_bandwidth)) * 1e9;
  if (!f.flash_attention.empty()) {
    if (f.flash_attention != "on" && f.flash_attention != "off") throw BadInput{"--flash-attention must be on or off"};
    k.flash_attention = f.flash_attention == "on";
  }
  if (!f.bench.empty()) {
    auto text = cli::read_text_file(f.bench, "bench", 64ull << 20);
    check(text);
    auto bench = parse_bench_report(text.value());
    if (!bench) throw BadInput{f.bench + ": " + bench.error().message};
    request.bench = std::move(bench).value();
  }
  return request;
}

int run_size(const Catalog& catalog, const SizeFlags& f) {
  const SizingRequest request = build_request(catalog, f, true);
  auto report = size(request);
  if (!report) return fail(report.error().message);
  if (f.json) {
    std::cout << to_json_text(report.value()) << "\n";
  } else {
    std::cout << cli::render_text(report.value(), request.card, ::isatty(STDOUT_FILENO) != 0);
  }
  return 0;
}

int run_compare(const Catalog& catalog, const SizeFlags& f, const std::string& vendor) {
  if (!f.bench.empty()) throw BadInput{"--bench belongs to one card; use it with `headroom size`"};
  if (!vendor.empty() && vendor != "nvidia" && vendor != "amd" && vendor != "intel" && vendor != "apple") {
    throw BadInput{"--vendor must be nvidia, amd, intel or apple (got '" + vendor + "')"};
  }
  SizingRequest request = build_request(catalog, f, false);
  request.card = catalog.cards.front();  // replaced per card; validates the rest of the request
  auto probe = size(request);
  if (!probe && probe.error().field != "card" && probe.error().field.rfind("bench", 0) != 0) {
    // Errors that do not depend on the card (unknown format, bad flags) stop here, once.
    return fail(probe.error().message);
  }
  const auto fits = compare_cards(catalog, request, vendor);
  if (f.json) {
    std::cout << compare_json_text(fits) << "\n";
  } else {
    std::cout << cli::render_compare(fits);
  }
  return 0;
}

}  // namespace

// Flags shared by `size` and `compare`: the model, format, runtime, workload and runtime knobs.
void add_request_options(CLI::App* cmd, SizeFlags& f) {
  cmd->add_option("--model", f.model, "catalog id, HF repo, path/to/config.json or path/to/model.gguf")->required();
  cmd->add_option("--quant", f.quant, "weight format (see `headroom formats`); default: the checkpoint's own");
  cmd->add_option("--kv-cache-dtype", f.kv, "KV cache dtype: auto, fp16, bf16, fp8, int8, q8_0, q4_0");
  cmd->add_option("--runtime", f.runtime, "vllm | sglang | trtllm | tgi | llama.cpp | ollama | transformers")->required();
  cmd->add_option("--gpus", f.gpus, "identical cards (tensor parallel; llama.cpp: layer split)");
  cmd->add_option("--prompt-tokens", f.prompt, "prompt tokens per request (default 1024)");
  cmd->add_option("--output-tokens", f.output, "output tokens per request (default 256)");
  cmd->add_option("--users", f.users, "concurrent requests (default 1)");
  cmd->add_option("--max-model-len", f.max_model_len, "vLLM/SGLang/TGI/TRT-LLM longest sequence");
  cmd->add_option("--gpu-memory-utilization", f.util, "vLLM budget fraction (default 0.9); SGLang mem_fraction_static");
  cmd->add_option("--ctx-size", f.ctx, "llama.cpp/Ollama n_ctx over all slots");
  cmd->add_option("--parallel", f.parallel, "llama.cpp/Ollama parallel slots (default: users)");
  cmd->add_option("--ubatch-size", f.ubatch, "llama.cpp n_ubatch (default 512)");
  cmd->add_option("--flash-attention", f.flash_attention, "llama.cpp/Ollama: on | off");
  cmd->add_option("--n-gpu-layers", f.gpu_layers, "llama.cpp/Ollama -ngl: layers on the GPU (default all + output head)");
  cmd->add_option("--n-cpu-moe", f.cpu_moe, "llama.cpp: keep the MoE experts of the first N layers in system memory");
  cmd->add_option("--host-bandwidth", f.host_bandwidth, "system memory GB/s for CPU-resident layers (default 61)");
}

// Checks headroom-bench result files (as submitted under results/): each must parse as
// headroom.bench.v1 and every reported timing must come from a verified kernel.
int run_check_bench(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    auto text = cli::read_text_file(path, "bench", 64ull << 20);
    if (!text) return fail(text.error().message);
    auto report = parse_bench_report(text.value());
    if (!report) return fail(path + ": " + report.error().message);
    for (std::size_t i = 0; i < report->results.size(); ++i) {
      const BenchResult& r = report->results[i];
      if (r.skipped.empty() && !r.verified && r.median_seconds > 0) {
        return fail(path + ": results[" + std::to_string(i) + "] (" + r.kernel + " " + r.format +
                    ") reports a timing for a kernel that failed verification");
      }
    }
    if (!measured_read_bytes_per_s(report.value())) {
      return fail(path + ": no verified read-bandwidth result");
    }
    std::cout << path << ": ok (" << report->device.name << ", " << report->results.size() << " results)\n";
  }
  return 0;
}

int run_reality(const Catalog& catalog, const SizeFlags& f) {
  if (!f.quant.empty()) throw BadInput{"`headroom reality` tries every weight format; drop --quant"};
  const SizingRequest request = build_request(catalog, f, true);
  const auto fits = compare_formats(request);
  if (fits.empty()) throw BadInput{"no weight format of the catalog is served by " + f.runtime};
  std::cout << (f.json ? formats_json_text(fits) + "\n" : cli::render_formats(fits));
  return 0;
}

int run_validate(const Catalog& catalog, const std::string& path, bool json) {
  auto text = cli::read_text_file(path, "validation", 64ull << 20);
  if (!text) return fail(text.error().message);
  auto rows = run_validation(catalog, text.value());
  if (!rows) return fail(path + ": " + rows.error().message);
  const ValidationSummary summary = summarize_validation(rows.value());
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& row : rows.value()) {
      list.push_back({{"id", row.id}, {"card", row.card}, {"model", row.model}, {"quant", row.quant},
                      {"runtime", row.runtime}, {"basis", row.basis}, {"measured_tokens_per_s", row.measured_tokens_per_s},
                      {"predicted_tokens_per_s", row.predicted_tokens_per_s}, {"error_pct", row.error_pct},
                      {"bound", row.bound}, {"source", row.source}});
    }
    nlohmann::ordered_json doc = {{"schema", "headroom.validation.v1"}, {"rows", list},
                                  {"median_abs_error_pct", summary.median_abs_error_pct},
                                  {"max_abs_error_pct", summary.max_abs_error_pct}, {"worst", summary.worst_id}};
    std::cout << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    std::cout << format_validation_table(rows.value());
  }
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"headroom: will this LLM workload fit on this card, and how fast will it run?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("headroom ") + HEADROOM_VERSION);
  SizeFlags f;
  auto* size_cmd = app.add_subcommand("size", "Memory breakdown, verdict, max users/context, speed and advice");
  add_request_options(size_cmd, f);
  size_cmd->add_option("--card", f.card, "card id (see `headroom cards`)")->required();
  size_cmd->add_option("--bench", f.bench, "a headroom-bench result (headroom.bench.v1) measured on this card");
  size_cmd->add_flag("--json", f.json, "print the headroom.size.v1 JSON document");
  std::string vendor;
  auto* compare_cmd = app.add_subcommand("compare", "The same workload on every card: which fit, users, speed");
  add_request_options(compare_cmd, f);
  compare_cmd->add_option("--vendor", vendor, "only nvidia | amd | intel | apple cards");
  compare_cmd->add_flag("--json", f.json, "print the headroom.compare.v1 JSON document");
  bool json = false;
  auto* models_cmd = app.add_subcommand("models", "List the model catalog");
  auto* cards_cmd = app.add_subcommand("cards", "List the card catalog");
  auto* formats_cmd = app.add_subcommand("formats", "List weight formats (with quality costs) and KV cache dtypes");
  auto* runtimes_cmd = app.add_subcommand("runtimes", "List runtimes and their memory budget rules");
  auto* reality_cmd = app.add_subcommand("reality", "Every weight format on one card: real vs ideal speedup, quality cost");
  add_request_options(reality_cmd, f);
  reality_cmd->add_option("--card", f.card, "card id (see `headroom cards`)")->required();
  reality_cmd->add_flag("--json", f.json, "print the headroom.reality.v1 JSON document");
  std::vector<std::string> bench_paths;
  auto* check_bench_cmd = app.add_subcommand("check-bench", "Validate headroom-bench result files (headroom.bench.v1)");
  check_bench_cmd->add_option("files", bench_paths, "result files, e.g. results/*.json")->required();
  std::string validation_path;
  auto* validate_cmd = app.add_subcommand("validate", "Predicted vs measured decode speed on a validation set");
  validate_cmd->add_option("file", validation_path, "validation set, e.g. tests/data/speed_validation.json")->required();
  for (auto* cmd : {models_cmd, cards_cmd, formats_cmd, runtimes_cmd, validate_cmd}) cmd->add_flag("--json", json, "JSON output");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what());
  }
  auto catalog = load_builtin_catalog();
  if (!catalog) return fail("built-in catalog: " + catalog.error().message);
  try {
    if (*size_cmd) return run_size(catalog.value(), f);
    if (*compare_cmd) return run_compare(catalog.value(), f, vendor);
    if (*reality_cmd) return run_reality(catalog.value(), f);
    if (*validate_cmd) return run_validate(catalog.value(), validation_path, json);
    if (*check_bench_cmd) return run_check_bench(bench_paths);
    if (*models_cmd) std::cout << cli::list_models(catalog.value(), json);
    if (*cards_cmd) std::cout << cli::list_cards(catalog.value(), json);
    if (*formats_cmd) std::cout << cli::list_formats(json);
    if (*runtimes_cmd) std::cout << cli::list_runtimes(json);
  } catch (const BadInput& e) {
    return fail(e.message);
  }
  return 0;
}
