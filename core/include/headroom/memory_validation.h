// Memory validation: the runtimes' own start-up logs (tests/data/memory_validation.json, schema
// headroom.memory_validation.v1). Each row is one request (the request document the CLI's JSON,
// the wasm API and the site send), one figure the runtime logged, and the tolerance the figure
// is held to; run_memory_validation() sizes the request and reports the figure it predicts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/result.h"
#include "headroom/validation.h"

namespace headroom {

inline constexpr const char* kMemoryValidationSchema = "headroom.memory_validation.v1";

struct MemoryValidationRow {
  std::string id;
  std::string runtime;  // as the request names it: vllm, sglang, llama.cpp, ...
  std::string version;  // the runtime version the log shows
  std::string model, quant, card;
  std::uint32_t gpus = 1;
  // kv_cache_gib, kv_cache_mib, weights_gib, weights_mib (llama.cpp's GPU model buffer),
  // host_mib (its CPU buffer), activation_gib, compute_buffer_mib (llama.cpp's compute buffer is
  // Headroom's activation term), non_torch_gib, kv_pool_tokens (the KV pool over the KV bytes
  // per token), gpu_memory_utilization (the fraction the runtime chose).
  std::string metric;
  std::string source;
  double measured = 0;
  double predicted = 0;
  double error_pct = 0;           // (predicted - measured) / |measured| x 100
  double tolerance = 0;           // relative (0.01 = 1%) when `relative`, else in the metric
  bool relative = true;
  bool within = false;            // |predicted - measured| within the tolerance
};

// An unknown model or card, a request the core refuses, an unknown metric or a malformed row
// gives an error naming the row ("rows[3] (id).request.card").
Result<std::vector<MemoryValidationRow>> run_memory_validation(const Catalog& catalog,
                                                               std::string_view json_text);

struct MemoryValidationSummary {
  std::string name;         // "" overall, else the runtime
  ValidationSummary errors;  // rows, median and largest |error|, as every validation set's
  std::size_t within = 0;   // rows within their tolerance
};
MemoryValidationSummary summarize_memory_validation(const std::vector<MemoryValidationRow>& rows);
// One summary per runtime, in first-seen order.
std::vector<MemoryValidationSummary> summarize_memory_by_runtime(
    const std::vector<MemoryValidationRow>& rows);

// A logged or predicted figure as the tables print it: token counts whole, GiB and MiB to two
// places, fractions to three.
std::string memory_figure_text(double value);

// The table `headroom validate` prints, and the headroom.memory_validation_report.v1 document
// (rows, overall and per-runtime summaries) `--json` writes and the site's accuracy page reads.
std::string format_memory_validation_table(const std::vector<MemoryValidationRow>& rows);
inline constexpr const char* kMemoryValidationReportSchema =
    "headroom.memory_validation_report.v1";
std::string memory_validation_json_text(const std::vector<MemoryValidationRow>& rows);

}  // namespace headroom
