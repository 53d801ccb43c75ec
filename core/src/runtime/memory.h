// Per-runtime memory accounting: what each runtime reserves, and the KV capacity it ends up
// with. One function per runtime family, each citing the source of its rule and constants.
#pragma once

#include <cstdint>
#include <string>

#include "base/saturating.h"
#include "headroom/sizing.h"
#include "headroom/units.h"
#include "runtime/kv_layout.h"
#include "runtime/weight_split.h"

namespace headroom {

// Memory a CUDA process holds before the runtime allocates anything (context, driver
// reserve): 79.18 - 78.57 GiB free at vLLM start-up on H100 (llm-d/llm-d-benchmark
// config_explorer/empirical-vllm-memory-results.md, "Free memory on device").
inline constexpr std::uint64_t kCudaContextBytes = static_cast<std::uint64_t>(0.61 * kGiB);

// llama.cpp runs at most 256 sequences at once: `#define LLAMA_MAX_SEQ 256` (src/llama-cparams.h);
// a context with more refuses to start ("n_seq_max must be <= 256", llama-context.cpp).
inline constexpr std::uint32_t kLlamaMaxSequences = 256;

struct RuntimeMemory {
  MemoryBreakdown memory;
  std::uint64_t block_tokens = 1;         // KV allocation granularity per sequence
  std::uint64_t extra_window_tokens = 0;  // kept beyond a sliding window
  bool reserves_kv = true;                // KV capacity is fixed at start-up
  std::uint64_t fixed_bytes = 0;          // everything but KV on the busiest GPU
  // Share of the model's KV cache on the busiest GPU: 1 for tensor-parallel layouts (split by
  // heads already), its layers' share under llama.cpp's layer split (with -ngl, of all layers).
  double kv_gpu_share = 1.0;
  double host_layer_share = 0.0;          // share of the repeating layers run from system memory
  double host_expert_share = 0.0;  // share of routed-expert bytes kept on the CPU (--n-cpu-moe)
  std::string startup_failure;     // set when the runtime cannot start at all
  std::uint32_t max_sequences = 0;  // sequences the runtime runs at once; 0: memory decides
  // SGLang's hybrid sliding-window pool: the tokens its full-attention layers hold (0: none).
  std::uint64_t full_layer_tokens = 0;
  // ... and its window layers' tokens, of which a running request holds up to
  // window_hold_tokens (two windows).
  std::uint64_t window_layer_tokens = 0;
  std::uint64_t window_hold_tokens = 0;
  // SGLang's recurrent hybrids: the part of the KV reservation that holds tokens (the rest is its
  // mamba state pool of state_slots slots, kSglangSlotsPerRequest per running request); 0: the
  // whole reservation holds tokens and state alike.
  std::uint64_t token_pool_bytes = 0;
  std::uint64_t state_slots = 0;
  std::uint32_t state_slots_per_request = 0;
};

// Ollama runs these recurrent families one sequence at a time: server/sched.go forces
// num_parallel 1 for qwen3next, qwen35(moe), lfm2(moe) and nemotron_h*.
bool ollama_runs_one_sequence(const ModelArch& arch);

struct MemoryInputs {
  const ModelArch& arch;
  const SizingRequest& request;
  const WeightPlacement& weights;
  const KvLayout& kv;
  NormalizedInputs& inputs;  // filled with the runtime defaults that were applied
};

RuntimeMemory runtime_memory(const MemoryInputs& in);

}  // namespace headroom
