// Speed validation: runs size() on each row of a validation set of public measurements
// (tests/data/speed_validation.json, schema headroom.speed_validation.v1) and reports the
// predicted decode speed next to the measured one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/result.h"

namespace headroom {

struct ValidationRow {
  std::string id;
  std::string card;
  std::string model;  // catalog id, or the inline config's model_name
  std::string quant;
  std::string runtime;
  std::string backend;     // llama.cpp / Ollama rows: as the row gives it, else the default
  std::string card_class;  // the speed model's card class (nvidia-hbm, amd-gddr, ...)
  std::string date;        // of the measurement, "YYYY-MM-DD" or "YYYY-MM"; "" when unknown
  std::string build;       // llama.cpp build or runtime version as the source gives it
  std::string basis;       // "decode" | "end_to_end" | "steady_state" (what is compared)
  std::string source;
  double measured_tokens_per_s = 0;         // per user, on `basis`
  double predicted_tokens_per_s = 0;        // per user, on `basis`
  double error_pct = 0;                     // (predicted - measured) / measured * 100
  double measured_prompt_tokens_per_s = 0;  // 0 when the source gives none
  double predicted_prompt_tokens_per_s = 0;
  std::string bound;     // "memory" | "compute" | "host" (eager steps waiting on the CPU)
  bool offload = false;  // llama.cpp partial offload: n_gpu_layers or n_cpu_moe set
  // What is compared. Speed rows: "decode_tokens_per_s" on `basis`. Serving rows (a
  // measured.metric): "tpot_ms", "ttft_ms" or "output_tokens_per_s" (all users together) under
  // `arrival` ("burst" | "closed-loop" | "rate"), as `stat` ("median" | "mean") over requests.
  std::string metric = "decode_tokens_per_s";
  std::string arrival;         // serving rows only
  std::string stat;            // serving rows only
  double measured_value = 0;   // in the metric's unit; speed rows: measured_tokens_per_s
  double predicted_value = 0;  // in the metric's unit
};

struct ValidationSummary {
  std::size_t rows = 0;
  double median_abs_error_pct = 0;
  double max_abs_error_pct = 0;
  std::string worst_id;
};

// Rows refer to catalog cards and models (or carry an "inline_config" with Hugging Face
// config.json fields); an unknown id or a malformed row gives an error naming the row.
// A row whose "measured" names a "metric" (tpot_ms, ttft_ms, output_tokens_per_s) and a "value"
// is a serving row: it gives "arrival" (burst, closed-loop, rate) with "users" (burst: requests
// sent at once; closed-loop: concurrent clients) or "request_rate" (requests/s), and is
// predicted by the traffic model under that arrival pattern.
// llama.cpp rows may set "n_gpu_layers", "n_cpu_moe", "ctx_size", "flash_attention" and
// "host_memory": {"channels", "mt_per_s", "bus_bytes"} (the system memory of a partial offload;
// its effective bandwidth is the DIMMs' peak at the speed model's one efficiency factor).
Result<std::vector<ValidationRow>> run_validation(const Catalog& catalog,
                                                  std::string_view validation_json);

ValidationSummary summarize_validation(const std::vector<ValidationRow>& rows);

// One summary per group, in first-seen order: {"cuda", summary}, ...
struct ValidationGroup {
  std::string name;
  ValidationSummary summary;
};
std::vector<ValidationGroup> summarize_by_backend(const std::vector<ValidationRow>& rows);
std::vector<ValidationGroup> summarize_by_card_class(const std::vector<ValidationRow>& rows);
// Serving rows by runtime and metric ("vllm tpot_ms", ...), and by runtime over all metrics.
std::vector<ValidationGroup> summarize_by_runtime_metric(const std::vector<ValidationRow>& rows);
std::vector<ValidationGroup> summarize_serving_by_runtime(const std::vector<ValidationRow>& rows);
// Rows measured more than 12 months before the newest dated row (builds that old differ from
// today's kernels) as "older", the rest as "recent", rows without a date as "undated".
std::string recent_cutoff_date(const std::vector<ValidationRow>& rows);  // "YYYY-MM"
std::vector<ValidationGroup> summarize_by_age(const std::vector<ValidationRow>& rows);
// The same summaries of the measured against predicted prompt (pp) rate, rows that give one.
ValidationSummary summarize_prefill(const std::vector<ValidationRow>& rows);

// A fixed-width text table, one line per row, then the summary line.
std::string format_validation_table(const std::vector<ValidationRow>& rows);

}  // namespace headroom
