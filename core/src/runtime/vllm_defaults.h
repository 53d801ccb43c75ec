// vLLM V1's API-server defaults by card: what the memory model's profile run takes and what the
// speed model's engine entry schedules (one rule for both).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>

#include "base/release.h"
#include "headroom/card.h"
#include "headroom/units.h"
#include "headroom/model.h"

namespace headroom {

// vllm/engine/arg_utils.py _set_default_args: max_num_seqs 1024 and max_num_batched_tokens 8192
// on devices of 70 GiB or more (the total the device reports) whose name does not contain
// "a100", 256 and 2048 elsewhere.
inline bool vllm_large_tier(const Card& card) {
  std::string name = card.name;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return card.usable_memory_bytes >= 70 * kGiB && name.find("a100") == std::string::npos;
}

inline std::uint32_t vllm_default_max_num_seqs(const Card& card) {
  return vllm_large_tier(card) ? 1024 : 256;
}

inline std::uint64_t vllm_default_batched_tokens(const Card& card) {
  return vllm_large_tier(card) ? 8192 : 2048;
}

// Whether the engine build runs Model Runner V2 (vllm/v1/worker/gpu/model_runner.py) for this
// model: the default for dense models from v0.25.0 (vllm PR #44443, "Enable by default for all
// dense models"; the v0.25.0 release notes as huggingface/trl PR #6406 quotes them, where
// "hybrid/MoE non-default archs fall back to V1"), so hybrids with a recurrent state and MoE
// models stay on the V1 runner. The v0.26.0 start-ups of Llama-3.1-8B on an A40
// print "Using V2 Model Runner" with no override (vireshkoli/LLM-Inference-Optimization
// results/logs/vllm-bf16.startup.log); a hybrid under v0.26.0 and v0.27.1 still logs the V1
// runner's gpu_model_runner.py lines. An unnamed release is taken as V1, as the fits ran.
constexpr int kModelRunnerV2Minor = 25;
inline bool vllm_model_runner_v2(const ModelArch& arch, const Release& release) {
  if (!release.known() || release.before(0, kModelRunnerV2Minor)) return false;
  return !arch.is_moe() && !arch.has_recurrent_state();
}

}  // namespace headroom
