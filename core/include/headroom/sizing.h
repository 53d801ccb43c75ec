// size(): model + weight format + KV dtype + runtime + workload + card -> per-GPU memory
// breakdown, verdict, max users, max context, speed and advice. The one entry point that
// every front end (CLI, wasm, site) calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "headroom/backend.h"
#include "headroom/bench_report.h"
#include "headroom/card.h"
#include "headroom/model.h"
#include "headroom/result.h"
#include "headroom/runtime.h"
#include "headroom/speed.h"
#include "headroom/traffic.h"

namespace headroom {

struct Workload {
  std::uint64_t prompt_tokens = 1024;
  std::uint64_t output_tokens = 256;
  std::uint64_t users = 1;  // concurrent requests
};

struct SizingRequest {
  ModelArch model;
  std::string weight_format = "native";  // id from `headroom formats`
  std::string kv_dtype = "auto";         // id from `headroom formats` (KV cache section)
  RuntimeId runtime = RuntimeId::vllm;
  Card card;
  std::uint32_t gpus = 1;  // tensor parallel (llama.cpp: layer split) over identical cards
  Workload workload;
  TrafficSettings
      traffic;  // how requests arrive; burst leaves the report as the speed model has it
  RuntimeKnobs knobs;
  // llama.cpp / Ollama compute backend; unset: default_backend() for the card's vendor.
  std::optional<Backend> backend;
  // A headroom-bench run on this card (headroom.bench.v1): its measured read bandwidth and the
  // format's GEMV efficiency replace the speed model's defaults.
  std::optional<BenchReport> bench;
  // Where `bench` came from when the front end chose it rather than the user (the aggregate of
  // submitted results for this card): printed as an assumption line; "" for a --bench file.
  std::string bench_origin;
  // How the request's names were read where they were not catalog ids ("'Qwen/Qwen3-8B-AWQ' read
  // as model qwen3-8b with format awq"): printed as assumption lines.
  std::vector<std::string> name_notes;
  // Advice re-runs the model with one change each (GPUs, formats, offload): off where only the
  // verdict and figures are wanted (the site's card pages size every model on every card).
  bool with_advice = true;
  // The assumption lines (a dozen formatted sentences): off where no one reads them (the rows
  // of a comparison table).
  bool with_assumptions = true;
  // The caller has run validate_arch(model) already (a table sizes one model on every card; the
  // catalog's models passed it when loaded): sizing skips that per-request check. Nothing else
  // is skipped.
  bool model_validated = false;
};

// One named term of the breakdown, for display ("CUDA graphs", "compute buffer", ...).
struct MemoryItem {
  std::string name;
  std::uint64_t bytes = 0;
  std::string note;
};

// Per GPU (the busiest one when the job is split).
struct MemoryBreakdown {
  std::uint64_t capacity_bytes = 0;  // what the runtime sees as total
  std::uint64_t weights_bytes = 0;
  std::uint64_t kv_cache_bytes = 0;           // needed by the workload (all users, full length)
  std::uint64_t kv_cache_capacity_bytes = 0;  // what the runtime reserves for KV
  std::uint64_t activation_bytes = 0;         // peak transient (profile run / compute buffer)
  std::uint64_t runtime_overhead_bytes = 0;   // CUDA context, non-torch, graphs, NCCL
  std::uint64_t total_bytes = 0;              // what the process holds on the GPU
  std::int64_t free_bytes = 0;                // capacity - total (negative: over)
  std::uint64_t kv_bytes_per_token = 0;       // all layers, within any sliding window
  // Recurrent state per concurrent sequence (Mamba / Gated DeltaNet / short-conv layers), held
  // in the KV reservation next to the attention KV; 0 for attention-only models.
  std::uint64_t state_bytes_per_sequence = 0;
  std::uint64_t host_bytes = 0;               // weights (and KV) the runtime keeps in CPU memory
  std::vector<MemoryItem> items;              // the detail behind the terms above
};

enum class Verdict { fits, tight, does_not_fit };
const char* to_string(Verdict verdict);

// The inputs as the model understood them, defaults filled in.
struct NormalizedInputs {
  std::string model_id;
  std::string model_name;
  std::string weight_format;
  std::string kv_dtype;
  std::string runtime;
  std::string card_id;
  std::uint32_t gpus = 1;
  Workload workload;
  std::uint64_t context_tokens_per_user = 0;  // prompt + output
  std::uint64_t max_model_len_tokens = 0;     // vLLM-like runtimes: longest sequence allowed
  std::uint64_t ctx_size_tokens = 0;          // llama.cpp: n_ctx over all slots
  std::uint32_t parallel_slots = 0;           // llama.cpp
  std::uint32_t gpu_layers = 0;       // llama.cpp -ngl as applied (layers + 1 = all + output)
  std::uint32_t cpu_moe_layers = 0;   // llama.cpp --n-cpu-moe as applied
  double gpu_memory_utilization = 0;  // vLLM / SGLang budget fraction
  bool flash_attention = false;
  bool expert_parallel = false;  // routed experts dealt out whole (knob applied to a MoE model)
  std::uint64_t total_params = 0;
  std::uint64_t active_params = 0;                 // matmul weights one token reads
  std::uint64_t active_params_with_embedding = 0;  // + the embedding table, as model cards count
  double bits_per_weight = 0;
};

struct SizingReport {
  NormalizedInputs inputs;
  MemoryBreakdown memory;
  Verdict verdict = Verdict::does_not_fit;
  std::string verdict_reason;            // one sentence: why, and where the line is
  std::uint64_t max_users = 0;           // at the given prompt + output lengths
  std::uint64_t max_context_tokens = 0;  // per user, for the given users
  std::vector<std::string> advice;
  std::vector<std::string> assumptions;  // defaults Headroom applied where the inputs were silent
  std::optional<SpeedEstimate> speed;
  std::optional<Error> speed_error;  // set when the speed model declined the input
  // Closed-loop or rate arrivals: the steady state (traffic.h); with a target, the load where it
  // breaks.
  std::optional<TrafficEstimate> traffic;
  std::optional<TargetLimit> target_limit;
  std::optional<Error> traffic_error;  // set when the traffic model declined the input
};

Result<SizingReport> size(const SizingRequest& request);

}  // namespace headroom
