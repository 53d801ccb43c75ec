// Speed model: time to first token, decode tokens/s per user and in total, with ranges.
// Input is self-contained (bytes and counts already computed by the memory model) so the
// model can be tested on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "headroom/backend.h"
#include "headroom/card.h"
#include "headroom/dtype.h"
#include "headroom/result.h"
#include "headroom/runtime.h"
#include "headroom/weight_format.h"

namespace headroom {

// Measured figures from a headroom-bench run on this card (headroom.bench.v1).
struct BenchCalibration {
  double read_bytes_per_s = 0;            // measured DRAM read bandwidth
  std::optional<double> gemv_efficiency;  // best n=1 GEMV GB/s for the format / read GB/s
  std::optional<double> f16_gemv_efficiency;  // the same for f16 weights: the speedup's baseline
  std::string device_name;
};

struct SpeedInput {
  Card card;
  std::uint32_t gpus = 1;  // tensor parallel degree
  RuntimeId runtime = RuntimeId::vllm;
  Backend backend = Backend::cuda;  // llama.cpp / Ollama only; the serving runtimes ignore it
  std::string llama_build_month;    // "YYYY-MM" of the llama.cpp build; empty: a current build
  std::string engine_version;  // serving engine build ("0.6.3"); empty: the current releases
  std::uint32_t stream_interval = 1;  // streamed responses every N steps; 0: not streamed
  // Requests come to the chat endpoint and the engine renders a Jinja chat template for each
  // (not gpt-oss's harmony renderer): speed/engine.cpp engine_chat_template_s.
  bool chat_template = false;
  bool async_scheduling = false;           // vLLM --async-scheduling (RuntimeKnobs)
  // Routed experts dealt out whole across the GPUs (RuntimeKnobs expert_parallel): a step waits
  // on the GPU whose own experts the batch touches most.
  bool expert_parallel = false;
  std::uint32_t cuda_graph_max_batch = 0;  // largest captured batch; 0: the engine's default
  // The serving engine's prompt-token budget per step as the run set it (vLLM
  // max_num_batched_tokens, TGI max_batch_prefill_tokens); 0: the engine's default.
  double prefill_budget_tokens = 0;
  // Model facts (whole model, not per GPU).
  std::uint64_t total_params = 0;
  std::uint64_t active_params = 0;        // per token (MoE: routed experts in use + shared)
  std::uint64_t weight_bytes = 0;         // all weights as stored
  std::uint64_t active_weight_bytes = 0;  // weights read per decode step at batch 1
  // The same model in 16 bits (speedup_vs_fp16's baseline); 0: the stored bytes scaled by
  // 16 / bits_per_weight, which counts a format's 16-bit embedding as if it were quantized.
  std::uint64_t reference_weight_bytes = 0;
  std::uint64_t reference_active_weight_bytes = 0;
  std::uint64_t kv_bytes_per_token = 0;   // whole model, all layers
  std::uint64_t state_bytes_per_sequence = 0;  // recurrent state, whole model (hybrids)
  // DeepSeek sparse attention: the part of kv_bytes_per_token (the MLA latent) that a decode
  // step reads for at most sparse_topk_tokens selected tokens; the indexer keys are read whole.
  std::uint64_t sparse_kv_bytes_per_token = 0;
  std::uint64_t sparse_topk_tokens = 0;
  // Sliding-window and chunked layers (whole model): the part of kv_bytes_per_token that a step
  // reads for at most window_tokens per sequence, and how many layers attend that way.
  struct WindowedKv {
    std::uint64_t bytes_per_token = 0;
    std::uint64_t window_tokens = 0;
    std::uint32_t layers = 0;
  };
  std::vector<WindowedKv> windowed_kv;
  // Layers with attention (hybrids: a few of num_layers); 0: every layer.
  std::uint32_t attention_layers = 0;
  std::uint32_t num_layers = 0;
  std::uint32_t hidden_size = 0;
  std::uint32_t num_heads = 0;
  std::uint32_t head_dim = 0;
  std::uint32_t num_experts = 0;  // 0 for dense
  std::uint32_t experts_per_token = 0;
  bool attention_sinks = false;      // a learned sink logit per head (gpt-oss, MiMo-V2-Flash)
  DType weight_dtype = DType::bf16;  // dominant storage type of the big matrices
  double bits_per_weight = 16;       // average over all weights as stored
  bool weight_only_quant = false;    // weights dequantized to 16-bit for the matmul
  LinearKernels linear_kernels = LinearKernels::runtime;  // whose layers run the quantized matmuls
  std::optional<HostCpu> host_cpu;  // eager runtimes' host CPU; unset: guessed from the card
  // Workload.
  std::uint64_t prompt_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::uint64_t users = 1;  // concurrent requests
  std::optional<BenchCalibration> bench;
  // llama.cpp partial offload: the share of the repeating layers (weights and KV) that run from
  // system memory on the CPU, and that memory's bandwidth.
  double host_layer_share = 0;
  double host_expert_share = 0;  // share of routed-expert bytes on the CPU (--n-cpu-moe)
  double host_bandwidth_bytes_per_s = 0;
};

struct SpeedRange {
  double low = 0;
  double high = 0;
};

struct SpeedEstimate {
  double prefill_tokens_per_s = 0;  // one prompt alone
  double ttft_s = 0;                // with the given users arriving together
  double inter_token_latency_s = 0;
  double decode_tokens_per_s_per_user = 0;
  double decode_tokens_per_s_total = 0;
  double requests_per_minute = 0;
  std::string bound;  // "memory" | "compute" | "host" (eager steps waiting on the CPU)
  SpeedRange range;                  // for decode_tokens_per_s_per_user
  double speedup_vs_fp16 = 1;        // decode, batch as given, vs 16-bit weights
  double ideal_speedup_vs_fp16 = 1;  // 16 / bits_per_weight
  std::string model_note;            // which scheduling is modelled, in one line
};

Result<SpeedEstimate> estimate_speed(const SpeedInput& input);

}  // namespace headroom
