// Which top-k/top-p sampler vLLM's profile run goes through, and what it holds per dummy
// sequence and vocabulary entry at its peak. The profile run samples max_num_seqs dummy
// requests with both top-k and top-p set (gpu_model_runner.py _dummy_sampler_run), so for a
// 200k-token vocabulary the sampler, not the forward pass, sets the activation peak.
#pragma once

#include "base/release.h"
#include "headroom/card.h"

namespace headroom {

enum class VllmSampler {
  native,      // PyTorch sort-based top-k/top-p (apply_top_k_top_p)
  flashinfer,  // flashinfer.sampling.top_k_top_p_sampling_from_logits, no sort
};

// The sampler a vLLM build runs on this card. `release` is the engine build's (parse_release of
// "0.10.2", "v0.11.0", "rocm/vllm:..._vllm_0.10.2_..."): FlashInfer for 0.8 to 0.10 and from
// 0.21 on NVIDIA, the sort path otherwise and for an unknown release (as the acceptance cases
// behind the fit ran). Model Runner V2 (the default for dense models from v0.25, vllm PR #44443;
// runtime/vllm_defaults.h) profiles its dummy requests without top-k/top-p, which this does not
// model: its v0.26.0 peak measured above this rule, not below it (runtime/memory.cpp).
VllmSampler vllm_profile_sampler(const Card& card, const Release& release);

// Bytes the sampler holds per dummy sequence per vocabulary entry at its peak.
double vllm_sampler_bytes_per_entry(VllmSampler sampler);

const char* to_string(VllmSampler sampler);

}  // namespace headroom
