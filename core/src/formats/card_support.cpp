// Which cards a runtime can run a weight format on, where its kernels need particular hardware.
//
// NVFP4 (ModelOpt), per runtime, from each runtime's source:
// - vLLM vllm/model_executor/layers/quantization/modelopt.py: ModelOptNvFp4Config
//   get_min_capability() = 75. On cards without FP4 tensor cores the linear layers run the FP4
//   Marlin kernel, weight-only (kernels/linear/nvfp4/marlin.py MarlinNvFp4LinearKernel warns "Your
//   GPU does not have native support for FP4 computation"; utils/marlin_utils_fp4.py
//   is_fp4_marlin_supported: CUDA with capability >= 75). On ROCm, quantization/petit.py
//   PetitNvFp4Config claims NVFP4 checkpoints on gfx90a/gfx942 (CDNA 2/3) and gives a method to
//   Linear layers only: no fused-MoE method, so MoE checkpoints are refused there.
// - SGLang python/sglang/srt/layers/quantization/modelopt_quant.py: ModelOptFp4Config
//   get_min_capability() = 100; ModelOptNvFp4FusedMoEMethod raises "Please use Blackwell and
//   above".
// - TensorRT-LLM: ModelOpt support matrix (nvidia.github.io/Model-Optimizer/guides/
//   0_support_matrix.html) "FP4 ... GPUs: Blackwell and Later", deployment TensorRT-LLM.
//
// FP8 weights: vLLM's Fp8Config.get_min_capability() is 80 (quantization/fp8.py; Ampere runs
// them weight-only through FP8 Marlin, Ada and newer on FP8 tensor cores), and SGLang's Fp8Config
// the same; TensorRT-LLM's FP8 needs FP8 tensor cores (its support matrix lists FP8 for Ada
// Lovelace, Hopper and Blackwell); TGI's FP8 path on pre-Ada cards is FP8 Marlin, Ampere+.
#include <string>

#include "headroom/weight_format.h"

namespace headroom {
namespace {

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

bool is_blackwell(const Card& card) {
  return card.vendor == "nvidia" && starts_with(card.architecture, "Blackwell");
}

std::string on(const Card& card) {
  return card.name + " (" + (card.architecture.empty() ? card.vendor : card.architecture) + ")";
}

std::optional<std::string> nvfp4_refuses(std::string_view runtime, const Card& card, bool moe) {
  if (is_blackwell(card)) return std::nullopt;
  if (runtime == "sglang" || runtime == "trtllm") {
    const char* name = runtime == "sglang" ? "SGLang" : "TensorRT-LLM";
    return std::string(name) +
           " runs NVFP4 only on Blackwell FP4 tensor cores (compute capability 10.0+), not on " +
           on(card) + "; vLLM serves it there with the FP4 Marlin weight-only kernel";
  }
  if (runtime != "vllm") return std::nullopt;  // other runtimes are refused by the format's list
  if (card.vendor == "nvidia") {
    if (starts_with(card.architecture, "Volta") || starts_with(card.architecture, "Pascal")) {
      return "vLLM's ModelOpt NVFP4 needs compute capability 7.5 or newer (Turing+), not " +
             on(card);
    }
    return std::nullopt;
  }
  if (card.vendor == "amd" &&
      (starts_with(card.architecture, "CDNA 2") || starts_with(card.architecture, "CDNA 3"))) {
    if (!moe) return std::nullopt;
    return "vLLM's Petit NVFP4 backend on " + on(card) +
           " quantizes Linear layers only and has no MoE method; this model has experts";
  }
  return "vLLM serves NVFP4 on NVIDIA GPUs (FP4 tensor cores or FP4 Marlin) and AMD CDNA 2/3 "
         "(Petit), not on " +
         on(card);
}

bool before_ampere(const Card& card) {
  return card.vendor == "nvidia" &&
         (starts_with(card.architecture, "Turing") || starts_with(card.architecture, "Volta") ||
          starts_with(card.architecture, "Pascal"));
}

std::optional<std::string> fp8_refuses(std::string_view runtime, const Card& card) {
  if (runtime == "trtllm" && card.vendor == "nvidia" &&
      (before_ampere(card) || starts_with(card.architecture, "Ampere"))) {
    return "TensorRT-LLM runs FP8 on FP8 tensor cores (Ada Lovelace, Hopper, Blackwell), not on " +
           on(card) + "; vLLM serves FP8 on Ampere weight-only through FP8 Marlin";
  }
  // ROCm runs FP8 GEMMs on CDNA 3/4 (MI300/MI350) and RDNA 4 only (vLLM's
  // current_platform.supports_fp8() is false on gfx90a and gfx11), and FP8 Marlin is CUDA-only.
  const bool amd_without_fp8 =
      card.vendor == "amd" && (starts_with(card.architecture, "CDNA 2") ||
                               starts_with(card.architecture, "CDNA 1") ||
                               starts_with(card.architecture, "RDNA 2") ||
                               starts_with(card.architecture, "RDNA 3"));
  if ((runtime == "vllm" || runtime == "sglang" || runtime == "tgi") && amd_without_fp8) {
    return "FP8 weights need FP8 matrix cores on AMD (CDNA 3/4, RDNA 4), not " + on(card) +
           "; int8, AWQ or GPTQ run there";
  }
  if ((runtime == "vllm" || runtime == "sglang" || runtime == "tgi") && before_ampere(card)) {
    return "FP8 weights need compute capability 8.0 or newer (FP8 Marlin on Ampere, FP8 tensor "
           "cores from Ada), not " +
           on(card) + "; int8, AWQ or GPTQ run there";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> format_refuses_card(const WeightFormat& format, std::string_view runtime,
                                               const Card& card, bool moe) {
  if (format.main_dtype == DType::nvfp4) return nvfp4_refuses(runtime, card, moe);
  if (is_fp8(format.main_dtype)) return fp8_refuses(runtime, card);
  return std::nullopt;
}

}  // namespace headroom
