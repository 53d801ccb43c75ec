#include "runtime/mxfp4_moe.h"

#include <algorithm>
#include <string>

namespace headroom {
namespace {

std::uint64_t round_up(std::uint64_t value, std::uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

bool ends_with(const std::string& text, const char* suffix) {
  const std::string s(suffix);
  return text.size() >= s.size() && text.compare(text.size() - s.size(), s.size(), s) == 0;
}

}  // namespace

const char* to_string(Mxfp4MoeBackend backend) {
  switch (backend) {
    case Mxfp4MoeBackend::checkpoint:
      return "checkpoint layout";
    case Mxfp4MoeBackend::padded_256:
      return "intermediate padded to 256";
    case Mxfp4MoeBackend::triton:
      return "Triton (triton_kernels)";
    case Mxfp4MoeBackend::marlin:
      return "Marlin";
    case Mxfp4MoeBackend::flashinfer_sm100:
      return "FlashInfer (SM100)";
  }
  return "checkpoint layout";
}

// get_mxfp4_backend (mxfp4.py at vllm@007d500): SM100 with FlashInfer takes the FlashInfer
// MXFP4 BF16 path; triton_kernels is used on capability 9.0 <= cc < 11.0 (confirmed on SM90 and
// SM100 only); everything else on CUDA (Ampere, Ada, SM120 Blackwell) falls back to Marlin. ROCm
// pads to get_padding_alignment(), not read here, so other vendors keep the earlier rule.
Mxfp4MoeBackend vllm_mxfp4_moe_backend(const Card& card) {
  if (card.vendor != "nvidia") return Mxfp4MoeBackend::padded_256;
  if (card.architecture == "Hopper") return Mxfp4MoeBackend::triton;
  // Datacenter Blackwell is SM100 (B200, GB200); workstation and GeForce Blackwell are SM120.
  if (card.architecture.rfind("Blackwell", 0) == 0)
    return card.segment == "datacenter" ? Mxfp4MoeBackend::flashinfer_sm100
                                        : Mxfp4MoeBackend::marlin;
  return Mxfp4MoeBackend::marlin;
}

Mxfp4MoeBackend mxfp4_moe_backend(RuntimeId runtime, const Card& card) {
  if (is_llama_cpp(runtime)) return Mxfp4MoeBackend::checkpoint;
  if (runtime == RuntimeId::vllm) return vllm_mxfp4_moe_backend(card);
  return Mxfp4MoeBackend::padded_256;
}

std::uint64_t mxfp4_moe_bytes(const TensorSpec& tensor, const ModelArch& arch, std::uint32_t tp,
                              Mxfp4MoeBackend backend, std::uint64_t bytes) {
  if (backend == Mxfp4MoeBackend::checkpoint || arch.num_experts == 0 ||
      arch.moe_intermediate_size == 0)
    return bytes;
  const std::uint64_t n = std::max<std::uint32_t>(tp, 1);
  const std::uint64_t experts = arch.num_experts;
  // The experts' outer width: the latent under LatentMoE (Kimi-K3's routed_expert_hidden_size
  // 3584: experts are latent -> moe_intermediate_size -> latent), else the hidden size.
  const std::uint64_t hidden = arch.moe_latent_size > 0 ? arch.moe_latent_size : arch.hidden_size;
  const std::uint64_t width = (arch.moe_intermediate_size + n - 1) / n;  // per GPU
  const bool weight = is_routed_expert(tensor.role) && tensor.dtype == DType::mxfp4;
  const bool bias = tensor.role == TensorRole::ffn_bias && ends_with(tensor.name, "_exps.bias");
  if (!weight && !bias) return bytes;
  const bool down = tensor.role == TensorRole::ffn_down_exps ||
                    ends_with(tensor.name, "ffn_down_exps.bias");
  const bool fused = tensor.role == TensorRole::ffn_gate_up_exps;

  if (backend == Mxfp4MoeBackend::padded_256) {
    // The rule Headroom used before reading the backends: each expert's intermediate width
    // padded to a multiple of 256, biases untouched.
    if (!weight) return bytes;
    return bytes / width * round_up(width, 256);
  }

  if (backend == Mxfp4MoeBackend::triton) {
    // process_weights_after_loading, TRITON branch (mxfp4.py at vllm@007d500): the biases become
    // fp32, the values are re-laid out in place (_swizzle_mxfp4), and the swizzled scales go to
    // a PrecisionConfig while layer.w13_weight_scale / w2_weight_scale stay registered, so the
    // block scales are held twice. The swizzled copy pads its rows to 2 x num_warps x 2 x 8 = 256
    // (num_warps 8) and its columns to 2 (HopperMXScaleLayout, triton_kernels hopper_scale.py).
    if (bias) return bytes * 2;
    const std::uint64_t rows_per_expert = down ? hidden : (fused ? 2 * width : width);
    const std::uint64_t cols_per_expert = down ? width : hidden;
    std::uint64_t padded_rows = round_up(rows_per_expert, 256);
    // gate and up are fused into one w13 before the swizzle: pad their sum once, half each.
    if (!down && !fused) padded_rows = round_up(2 * width, 256) / 2;
    const std::uint64_t scale_cols = round_up((cols_per_expert + 31) / 32, 2);
    return bytes + n * experts * padded_rows * scale_cols;
  }

  // Marlin (create_weights: intermediate to a multiple of 128, hidden to 256, so each linear
  // has n % 256 == 0 and k % 128 == 0) and FlashInfer SM100 (both to 256). Values and scales
  // (17 B per 32 weights) and the biases take the padded shapes; FlashInfer keeps fp32 biases.
  const bool flashinfer = backend == Mxfp4MoeBackend::flashinfer_sm100;
  const std::uint64_t width_padded = round_up(width, flashinfer ? 256 : 128);
  const std::uint64_t hidden_padded = round_up(hidden, 256);
  if (bias) {
    const std::uint64_t bias_bytes = flashinfer ? 4 : 2;
    // One copy of the whole bias (Headroom holds rows == 1 tensors on every GPU).
    return experts * (down ? hidden_padded : width_padded * n) * bias_bytes;
  }
  const std::uint64_t rows = down ? hidden_padded : (fused ? 2 * width_padded : width_padded);
  const std::uint64_t cols = down ? width_padded : hidden_padded;
  return n * experts * rows * cols / 32 * 17;
}

}  // namespace headroom
