// Serving runtimes and how each one budgets GPU memory. The numbers behind each profile
// (fractions, block sizes, fixed reservations) live in runtime_profiles.cpp with sources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/result.h"

namespace headroom {

enum class RuntimeId { vllm, sglang, trtllm, tgi, llamacpp, ollama, transformers };

// How the runtime schedules concurrent requests; decides the speed model's batching.
enum class Scheduling { continuous_batching, parallel_slots, static_batch };

struct RuntimeProfile {
  RuntimeId id;
  const char* key;   // CLI id: "vllm", "llama.cpp", ...
  const char* name;  // "vLLM"
  Scheduling scheduling;
  const char* budget_rule;  // one line: how the runtime decides the KV cache size
  const char* source;       // where the rule and its defaults come from
};

struct Card;

const std::vector<RuntimeProfile>& runtime_profiles();
// Why `runtime` cannot drive `card` (e.g. TensorRT-LLM on an AMD card); nullopt when it can.
std::optional<std::string> runtime_refuses_card(RuntimeId runtime, const Card& card);
const RuntimeProfile& runtime_profile(RuntimeId id);
// llama.cpp and Ollama (its engine) share every memory and scheduling rule.
inline bool is_llama_cpp(RuntimeId id) {
  return id == RuntimeId::llamacpp || id == RuntimeId::ollama;
}
Result<RuntimeId> parse_runtime(std::string_view key);
// The clients' API as a request or a validation row names it: "chat" (true) or "completions"
// (false); nullopt for anything else.
std::optional<bool> parse_chat_endpoint(std::string_view text);

// The CPU that drives the GPU, for eager runtimes (transformers), whose steps wait on it: a
// desktop-class one (consumer, workstation, laptop, SoC hosts), a current server's, or an older
// server's (the slow-clocked hosts of T4 / V100 cloud instances). Unset: guessed from the card.
enum class HostCpu { desktop, server, older_server };
std::optional<HostCpu> parse_host_cpu(
    std::string_view text);  // "desktop" | "server" | "older-server"

// Runtime knobs a user can set; unset ones take the runtime's defaults.
struct RuntimeKnobs {
  std::optional<std::uint64_t> max_model_len_tokens;    // vLLM/SGLang/TGI/TRT-LLM
  std::optional<double> gpu_memory_utilization;         // vLLM (also SGLang mem_fraction_static)
  std::optional<std::uint64_t> max_num_batched_tokens;  // vLLM/TRT-LLM activation profile size
  // vLLM --max-num-seqs: the sequences it runs at once, and the dummy requests its profile run
  // samples (their logits set the activation peak for a large vocabulary).
  std::optional<std::uint32_t> max_num_seqs;
  // vLLM --enable-prefix-caching: hybrids then run mamba_cache_mode "align" (2 state blocks held
  // per request and state group); off by default for hybrids, no memory effect on the others.
  std::optional<bool> prefix_caching;
  std::optional<std::uint64_t> ctx_size_tokens;         // llama.cpp -c
  std::optional<std::uint32_t> parallel_slots;          // llama.cpp -np
  std::optional<std::uint32_t> ubatch_size_tokens;      // llama.cpp -ub
  std::optional<bool> flash_attention;                  // llama.cpp -fa
  std::optional<std::uint32_t> gpu_layers;              // llama.cpp -ngl (default: all + output)
  std::optional<std::uint32_t>
      cpu_moe_layers;  // llama.cpp --n-cpu-moe: experts of the first N layers on the CPU
  std::optional<double> host_bandwidth_bytes_per_s;  // system memory, for offloaded layers
  // llama.cpp / Ollama build month "YYYY-MM" (unset: a current build). Older builds ran slower
  // kernels; the speed model keeps their parameters per backend and era (speed/params.cpp).
  std::optional<std::string> llama_build_month;
  // Serving engine build (vLLM "0.6.3", ...; unset: the current releases). Older engines
  // scheduled differently; speed/engine.cpp keeps their parameters per release.
  std::optional<std::string> engine_version;
  // Serving engine: streamed responses every N steps (TensorRT-LLM stream_interval; unset: every
  // step, as streaming clients get by default); 0: not streamed, answered when done
  // (trtllm-bench throughput). Each streamed response costs the host time (speed/engine.cpp).
  std::optional<std::uint32_t> stream_interval;
  // Serving engine: the largest CUDA-graph batch the server captures (TensorRT-LLM
  // cuda_graph_config batch_sizes / max_batch_size); unset: the engine's default.
  std::optional<std::uint32_t> cuda_graph_max_batch;
  // Serving engine: the clients' API, true for the chat endpoint (/v1/chat/completions: the API
  // server renders each request's chat template), false or unset for /v1/completions.
  std::optional<bool> chat_endpoint;
  // vLLM --async-scheduling: the scheduler and output processing of one step run while the GPU
  // runs the previous one, so a step costs the larger of the two, not their sum.
  std::optional<bool> async_scheduling;
  // Serving engine: expert parallelism over the tensor-parallel GPUs (vLLM
  // --enable-expert-parallel, SGLang --ep-size, TensorRT-LLM --ep_size, each equal to the GPU
  // count): every GPU holds whole routed experts, E / GPUs of them, instead of a 1/GPUs slice of
  // each. Attention, shared experts and dense layers stay tensor parallel.
  std::optional<bool> expert_parallel;
  // transformers: the host CPU (--host-cpu); unset: guessed from the card (speed/params.cpp).
  std::optional<HostCpu> host_cpu;
};

}  // namespace headroom
