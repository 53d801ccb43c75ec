// WeightFormat: how a checkpoint's weights are stored (bf16, AWQ, FP8, a GGUF mix...), which
// runtimes load it, and what it costs in quality. apply_weight_format() turns an unquantized
// tensor list into the exact per-tensor storage types the format really uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/card.h"
#include "headroom/dtype.h"
#include "headroom/model.h"
#include "headroom/result.h"

namespace headroom {

// Whose layer code runs a format's quantized matmuls: the runtime's own kernels, or a library's
// layers that the runtime calls per linear layer (bitsandbytes Linear8bitLt / Linear4bit), whose
// host ops and kernels the speed model prices on their own (speed/params.cpp).
enum class LinearKernels { runtime, bitsandbytes };

// One published quality measurement of a format against an unquantized baseline.
struct QualityCost {
  // "ppl_delta"      absolute perplexity increase (PPL units)
  // "ppl_delta_pct"  relative perplexity increase, percent of the baseline PPL
  // "recovery_pct"   benchmark score as percent of the baseline score (100 = lossless)
  // "mmlu_delta_pts" absolute MMLU change in accuracy points (negative = worse)
  // "loss_delta_pct" relative training-loss difference, percent (an upper bound)
  std::string metric;
  double value = 0.0;
  std::string baseline;  // "fp16", "bf16", "fp32", or "native" (the released checkpoint)
  std::string model;     // model (family) measured on, with the benchmark
  std::string source;    // paper table, README or model card the number comes from
};

struct WeightFormat {
  std::string id;           // lower-case CLI id: "q4_k_m", "awq", "fp8-block"
  std::string name;         // human name
  std::string family;       // "hf" | "gguf" | "native"
  std::string description;  // one sentence: what is quantized, how
  // HF formats: bits per weight of a quantized linear layer, scales included.
  // GGUF mixes: whole-file bits per weight llama.cpp publishes for Llama-3.1-8B where it does,
  // else the main type's block bits. Display only; sizing uses apply_weight_format.
  double nominal_bits_per_weight = 16.0;
  DType main_dtype = DType::bf16;  // the type most weights get
  std::vector<QualityCost> quality;
  std::vector<std::string> runtimes;  // of: vllm sglang trtllm tgi llama.cpp ollama transformers
  std::string source;                 // where the storage layout / recipe is defined
  LinearKernels kernels = LinearKernels::runtime;
};

// Every known format, in a stable display order (HF formats, native, then GGUF).
const std::vector<WeightFormat>& weight_formats();

// Case-insensitive; '-' and '_' are interchangeable or left out ("q4km"); accepts aliases such as
// "nf4", "w8a8", "Q4_K", "fp8-dynamic", "mxfp4_moe". Unknown ids give an error listing the known
// ones.
Result<const WeightFormat*> find_weight_format(std::string_view id);

// The format of the other ecosystem holding the same weights, for a runtime that does not load
// `format` (`runtime` is a RuntimeProfile key): GGUF f16 for fp16 on llama.cpp, GGUF MXFP4_MOE for
// mxfp4, and back; nullptr where there is none or the runtime loads `format` itself.
const WeightFormat* counterpart_for_runtime(const WeightFormat& format, std::string_view runtime);

// The formats `runtime` serves at the bit width of `format`'s main type, for a refusal:
// "awq, gptq, bnb-nf4 at 4 bits"; the nearest widths when none matches; "" when it serves none.
std::string formats_at_width(const WeightFormat& format, std::string_view runtime);

// Sets each tensor's dtype as the format really stores it; keeps the list order.
// HF formats quantize only the linear layers of the blocks (MoE experts included); token
// embeddings, lm_head, norms, biases and the MoE router stay in the native 16-bit type.
// GGUF mixes follow llama.cpp's llama_tensor_get_type. Errors name "weight_format".
Result<std::vector<TensorSpec>> apply_weight_format(const ModelArch& arch,
                                                    std::vector<TensorSpec> tensors,
                                                    const WeightFormat& format);

// The catalog format a checkpoint's own quantization (ModelArch.native_quant, read from
// config.json) is stored in: fp8-block for DeepSeek's "fp8", nvfp4 for ModelOpt NVFP4; nullptr when
// the checkpoint is unquantized, read from a GGUF file, or its quantization is unknown.
const WeightFormat* native_weight_format(const ModelArch& arch);

// Why `runtime` (a RuntimeProfile key) cannot run `format` on `card`, naming the card and the
// reason, or nothing. Only formats whose kernels need particular hardware answer: NVFP4 needs
// Blackwell FP4 tensor cores in SGLang and TensorRT-LLM; vLLM falls back to FP4 Marlin on NVIDIA
// from compute capability 7.5 and to Petit on AMD CDNA 2/3 (dense layers only).
std::optional<std::string> format_refuses_card(const WeightFormat& format, std::string_view runtime,
                                               const Card& card, bool moe);

// One short line for `headroom formats` and advice, e.g.
// "+0.196 PPL (+2.9%) vs f16 on Llama-3-8B (wikitext-2); llama.cpp tools/perplexity/README.md".
std::string quality_summary(const WeightFormat& format);

}  // namespace headroom
