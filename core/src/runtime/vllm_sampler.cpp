#include "runtime/vllm_sampler.h"

namespace headroom {

// V1's TopKTopPSampler took FlashInfer's kernels whenever flashinfer imported and
// VLLM_USE_FLASHINFER_SAMPLER was unset (vllm/v1/sample/ops/topk_topp_sampler.py, "`is not
// False`", PR #11394) until PR #26859 (2025-10-15, first in v0.11.1) made it
// opt-in. vLLM's Docker image has shipped FlashInfer throughout (PR #21389: "installed by
// default in the docker image for a long time"); a pip install got it only with
// vllm[flashinfer] (PR #21959) until v0.11.1 (PR #26443), when the sampler was already off. So
// the image of v0.8.0 to v0.11.0 on NVIDIA samples with FlashInfer, a pip install of those
// releases without the extra does not (vllm issue #23278's v0.10.1 log matches the native
// peak); Headroom takes the image. From v0.8.0, where V1 became the default engine (whose
// profile run the rest of this model follows). FlashInfer is CUDA only.
// v0.11.0 is left on the sort path for now although its image sampled with FlashInfer too
// (GPUStack's runner builds FlashInfer 0.3.1 for it, gpustack/runner pack/cuda/Dockerfile):
// moving it shifts the traffic model's 0.11.0 serving rows, calibrated on the sort-path KV,
// past their limit (vLLM median |error| 14.6% -> 18.4%). kLastFlashInferMinor is that call.
// vllm PR #40376 ("[Perf] Enable FlashInfer top-k/top-p sampler by default", opened 2026-04-20
// after FlashInfer PR #2456 fixed the NaN-input crashes behind #26859) made it the default
// again: VLLM_USE_FLASHINFER_SAMPLER unset means on "when the hardware supports it" (vllm/envs.py),
// first in v0.21.0 (vllm PR #44405: "vLLM v0.21.0 enabled FlashInfer top-k/top-p sampling by
// default (#40376)"). The gate is FlashInfer's attention capability check (PR #29415, #42472:
// FlashInferBackend.supports_compute_capability, SM75 and later), so Volta keeps the sort path
// there.
// Unnamed releases stay on the sort path: the acceptance cases behind the 38.1 B fit ran it.
constexpr int kLastFlashInferMinor = 10;   // 0.10.x: the last release line on FlashInfer here
constexpr int kFlashInferAgainMinor = 21;  // 0.21.0: FlashInfer by default again (PR #40376)
VllmSampler vllm_profile_sampler(const Card& card, const Release& release) {
  if (card.vendor != "nvidia") return VllmSampler::native;
  if (!release.known() || release.before(0, 8)) return VllmSampler::native;
  if (release.before(0, kLastFlashInferMinor + 1)) return VllmSampler::flashinfer;
  if (release.before(0, kFlashInferAgainMinor) || card.architecture == "Volta")
    return VllmSampler::native;
  return VllmSampler::flashinfer;
}

// Native: 38.1 B, the fit over the llm-d H100 profiles (runtime/memory.cpp). It agrees with the
// buffers the sort path keeps alive at once: bf16 logits 2 + fp32 logits 4 + sorted values 4 +
// int64 indices 8, plus the sort's own index input and double buffers 8 + 4 + 8.
// FlashInfer (top_k_first order, flashinfer sampling.py top_k_top_p_sampling_from_logits):
// bf16 logits 2 + fp32 logits 4 (Sampler.forward's .to(float32)) + top_k_mask_logits output 4
// + softmax probs 4 = 14 B; the sampled ids are per sequence, not per entry.
double vllm_sampler_bytes_per_entry(VllmSampler sampler) {
  return sampler == VllmSampler::flashinfer ? 14.0 : 38.1;
}

const char* to_string(VllmSampler sampler) {
  return sampler == VllmSampler::flashinfer ? "FlashInfer top-k/top-p sampler"
                                            : "PyTorch top-k/top-p sampler";
}

}  // namespace headroom
