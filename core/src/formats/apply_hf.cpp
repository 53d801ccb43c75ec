// apply_weight_format for Hugging Face formats and native checkpoints; GGUF mixes are delegated
// to weight_format_gguf.cpp.
//
// What HF quantizers touch (each checked in its source):
// - AutoAWQ / AutoGPTQ / llm-compressor (FP8, W8A8, W4A16) quantize the nn.Linear layers inside
//   the decoder blocks; lm_head is left out (llm-compressor recipes: ignore=["lm_head"]; vLLM's
//   Fp8LinearMethod applies to LinearBase only, the lm_head is a ParallelLMHead and stays bf16).
//   The MoE router ("gate") is skipped (AutoAWQ modules_to_not_convert=["gate"] for Mixtral;
//   llm-compressor MoE recipes ignore "re:.*mlp.gate$"). Experts are quantized.
// - bitsandbytes (transformers BitsAndBytesConfig) skips the output embedding via
//   get_keys_to_not_convert; embeddings and norms are not Linear layers.
// - gpt-oss ships MXFP4 for the MoE experts only, everything else bf16 (model card).
// - DeepSeek-V3 ships fp8 e4m3 128x128-block linear layers (experts, shared experts, MLA
//   projections); embed_tokens, lm_head, norms and the router gate stay bf16.
// - ModelOpt NVFP4 quantizes the Linear layers not matched by exclude_modules / ignore; lm_head
//   is always excluded (nvidia/Qwen3-32B-NVFP4 hf_quant_config.json: ["lm_head"]). Recipes that
//   also exclude *self_attn* (NVFP4_MLP_ONLY_CFG, nvidia/MiniMax-M2.5-NVFP4) leave attention
//   16-bit.
#include <algorithm>
#include <cctype>
#include <utility>

#include "base/text_match.h"
#include "formats/internal.h"
#include "headroom/weight_format.h"

namespace headroom {

namespace {

// The FFN side of a block: dense MLP, shared and routed experts (what NVFP4_MLP_ONLY_CFG touches).
bool is_ffn_linear(TensorRole role) {
  switch (role) {
    case TensorRole::ffn_gate:
    case TensorRole::ffn_up:
    case TensorRole::ffn_down:
    case TensorRole::ffn_gate_up:
    case TensorRole::ffn_gate_shexp:
    case TensorRole::ffn_up_shexp:
    case TensorRole::ffn_down_shexp:
    case TensorRole::ffn_latent:
      return true;
    default:
      return is_routed_expert(role);
  }
}

// The nn.Linear weights inside the decoder blocks (the router excluded).
bool is_block_linear(TensorRole role) {
  switch (role) {
    case TensorRole::attn_q:
    case TensorRole::attn_k:
    case TensorRole::attn_v:
    case TensorRole::attn_qkv:
    case TensorRole::attn_o:
    case TensorRole::attn_q_a:
    case TensorRole::attn_q_b:
    case TensorRole::attn_kv_a:
    case TensorRole::attn_kv_b:
    case TensorRole::ssm:
      return true;
    default:
      return is_ffn_linear(role);
  }
}

// What stays unquantized keeps the checkpoint's 16-bit type (bf16 when it was stored wider).
DType kept_dtype(const ModelArch& arch) {
  return (arch.native_dtype == DType::bf16 || arch.native_dtype == DType::f16) ? arch.native_dtype
                                                                               : DType::bf16;
}

Result<std::vector<TensorSpec>> apply_hf(const ModelArch& arch, std::vector<TensorSpec> tensors,
                                         const WeightFormat& format) {
  const std::string& id = format.id;
  if (id == "bf16" || id == "fp16" || id == "fp32") {
    for (auto& tensor : tensors) tensor.dtype = format.main_dtype;
    return tensors;
  }
  const DType kept = kept_dtype(arch);
  const bool experts_only = id == "mxfp4" || id == "nvfp4-experts";
  if (experts_only && std::none_of(tensors.begin(), tensors.end(),
                                   [](const TensorSpec& t) { return is_routed_expert(t.role); })) {
    return refused(ErrorCode::unsupported, "quant",
                   "weight_format '" + id + "' stores MoE experts only, and model '" + arch.id +
                       "' has no expert tensors; choose awq, gptq, fp8 or a GGUF type");
  }
  const bool mlp_only = id == "nvfp4-mlp";
  for (auto& tensor : tensors) {
    const bool quantized = experts_only ? is_routed_expert(tensor.role)
                           : mlp_only   ? is_ffn_linear(tensor.role)
                                        : is_block_linear(tensor.role);
    tensor.dtype = quantized ? format.main_dtype : kept;
  }
  return tensors;
}

Result<std::vector<TensorSpec>> apply_native(const ModelArch& arch,
                                             std::vector<TensorSpec> tensors) {
  // An architecture read from a GGUF file lists its tensors with the file's own types.
  if (!arch.tensors.empty()) return tensors;
  if (arch.native_quant.empty()) {
    for (auto& tensor : tensors) tensor.dtype = arch.native_dtype;
    return tensors;
  }
  const WeightFormat* format = native_weight_format(arch);
  if (format == nullptr) {
    return refused(ErrorCode::unsupported, "model.native_quant",
                   "model.native_quant '" + arch.native_quant + "' of model '" + arch.id +
                       "' is not a known checkpoint quantization (known: mxfp4, fp8, awq, "
                       "gptq, int8, bnb-nf4, nvfp4)");
  }
  return apply_hf(arch, std::move(tensors), *format);
}

}  // namespace

const WeightFormat* native_weight_format(const ModelArch& arch) {
  if (!arch.tensors.empty() || arch.native_quant.empty()) return nullptr;
  const std::string quant = to_lower(arch.native_quant);
  // DeepSeek-style checkpoints say "fp8" with weight_block_size [128, 128].
  const std::string target = (quant == "fp8" || quant == "fp8_block") ? "fp8-block" : quant;
  auto format = find_weight_format(target);
  if (!format || (*format)->family != "hf" || (*format)->id == "bf16" || (*format)->id == "fp16" ||
      (*format)->id == "fp32") {
    return nullptr;
  }
  return format.value();
}

Result<std::vector<TensorSpec>> apply_weight_format(const ModelArch& arch,
                                                    std::vector<TensorSpec> tensors,
                                                    const WeightFormat& format) {
  if (format.family == "gguf") return detail::apply_gguf_mix(arch, std::move(tensors), format);
  if (format.family == "native") return apply_native(arch, std::move(tensors));
  if (format.family == "hf") return apply_hf(arch, std::move(tensors), format);
  return invalid("weight_format.family", "'" + format.family + "' of format '" + format.id +
                                             "' is not one of hf, gguf, native");
}

}  // namespace headroom
