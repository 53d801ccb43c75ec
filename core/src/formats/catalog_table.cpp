// The weight format catalog: layouts, runtimes and published quality costs, each with its source.
#include <utility>

#include "headroom/weight_format.h"

namespace headroom {
namespace {

using Runtimes = std::vector<std::string>;

// ---- sources ---------------------------------------------------------------------------------
constexpr const char* kScoreboard =
    "llama.cpp tools/perplexity/README.md, LLaMA 3 8b scoreboard (f16 PPL 6.7684)";
constexpr double kScoreboardF16Ppl = 6.7684;  // same README, f16 row
constexpr const char* kQuantizeCpp = "llama.cpp tools/quantize/quantize.cpp QUANT_OPTIONS";
constexpr const char* kRecipe = "mix: llama.cpp src/llama-quant.cpp llama_tensor_get_type";
constexpr const char* kReadmeBpw = "; bpw: llama.cpp tools/quantize/README.md (Llama-3.1-8B)";
constexpr const char* kBlockBpw = "; bpw: main type's block bits (ggml-common.h)";
constexpr const char* kDerivedBpw = "; bpw: derived from this recipe on Llama-3.1-8B shapes";
constexpr const char* kAwqTable = "AWQ paper arXiv 2306.00978 Table 4 (WikiText-2 PPL)";
constexpr const char* kFp8Card =
    "RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic model card (OpenLLM v1 recovery)";
constexpr const char* kQlora = "QLoRA paper arXiv 2305.14314 Table 3 (mean 5-shot MMLU)";
constexpr const char* kGptOss =
    "OpenAI gpt-oss model card arXiv 2508.10925: MoE weights post-trained in MXFP4, the release "
    "is the reference";

constexpr const char* kNvfp4Blog =
    "NVIDIA Technical Blog 'Introducing NVFP4 for Efficient and Accurate Low-Precision Inference' "
    "(2025-06-24, developer.nvidia.com/blog/introducing-nvfp4-for-efficient-and-accurate-low-"
    "precision-inference): fp4 e2m1 values, one fp8 e4m3 scale per 16, one fp32 scale per tensor";
// NVIDIA's Nemotron 3 Nano card, as quoted at https://www.fleek.sh/blog/nvfp4-quantization:
// MMLU-Pro 78.3 (BF16) -> 77.4 (NVFP4).
constexpr const char* kNvfp4Quality =
    "NVIDIA-Nemotron-3-Nano-30B-A3B BF16 vs NVFP4 results (MMLU-Pro 78.3 -> 77.4) as quoted at "
    "https://www.fleek.sh/blog/nvfp4-quantization";

const Runtimes kHfRuntimes = {"vllm", "sglang", "trtllm", "tgi", "transformers"};
const Runtimes kGgufRuntimes = {"llama.cpp", "ollama"};

// Two costs from one scoreboard row: absolute PPL delta and the derived percent of f16 PPL.
std::vector<QualityCost> scoreboard(double ppl_delta, bool imatrix) {
  const std::string model =
      imatrix ? "Llama-3-8B (wikitext-2, imatrix WT 2.7m)" : "Llama-3-8B (wikitext-2)";
  return {{"ppl_delta", ppl_delta, "f16", model, kScoreboard},
          {"ppl_delta_pct", ppl_delta / kScoreboardF16Ppl * 100.0, "f16", model,
           std::string(kScoreboard) + " (percent derived)"}};
}

// AWQ paper Table 4, Llama-2-7B: FP16 5.47; INT4-g128 AWQ 5.60, GPTQ 5.69.
std::vector<QualityCost> awq_paper(double quantized_ppl, const std::string& note) {
  constexpr double kFp16Ppl = 5.47;
  const std::string model = "Llama-2-7B (WikiText-2" + note + ")";
  return {{"ppl_delta", quantized_ppl - kFp16Ppl, "fp16", model, kAwqTable},
          {"ppl_delta_pct", (quantized_ppl - kFp16Ppl) / kFp16Ppl * 100.0, "fp16", model,
           std::string(kAwqTable) + " (percent derived)"}};
}

WeightFormat gguf(const char* id, const char* name, const char* description, double bpw,
                  const char* bpw_source, DType main, std::vector<QualityCost> quality) {
  return WeightFormat{id,
                      name,
                      "gguf",
                      description,
                      bpw,
                      main,
                      std::move(quality),
                      kGgufRuntimes,
                      std::string(kRecipe) + bpw_source};
}

std::vector<WeightFormat> hf_formats() {
  std::vector<WeightFormat> out;
  out.push_back({"bf16",
                 "BF16",
                 "hf",
                 "Unquantized bfloat16 weights, 2 bytes each.",
                 16.0,
                 DType::bf16,
                 {},
                 kHfRuntimes,
                 "bfloat16: 1 sign, 8 exponent, 7 mantissa bits"});
  out.push_back({"fp16",
                 "FP16",
                 "hf",
                 "Unquantized IEEE half-precision weights, 2 bytes each.",
                 16.0,
                 DType::f16,
                 {},
                 kHfRuntimes,
                 "IEEE 754 binary16"});
  out.push_back({"fp32",
                 "FP32",
                 "hf",
                 "Unquantized single-precision weights, 4 bytes each.",
                 32.0,
                 DType::f32,
                 {},
                 {"vllm", "transformers"},
                 "IEEE 754 binary32"});
  const QualityCost fp8_recovery{"recovery_pct", 99.7, "bf16",
                                 "Llama-3.1-8B-Instruct (OpenLLM v1, per-channel FP8-dynamic)",
                                 kFp8Card};
  out.push_back({"fp8",
                 "FP8 E4M3, per-tensor scale",
                 "hf",
                 "Block linear layers in fp8 e4m3 with one fp32 scale per tensor; embeddings, "
                 "lm_head, norms and router stay 16-bit.",
                 8.0,
                 DType::fp8_e4m3,
                 {fp8_recovery},
                 {"vllm", "sglang", "trtllm", "tgi"},
                 "vLLM model_executor/layers/quantization/fp8.py Fp8LinearMethod (LinearBase "
                 "only, lm_head is ParallelLMHead); llm-compressor FP8 ignore=['lm_head']"});
  out.push_back({"fp8-channel",
                 "FP8 E4M3, per-channel scales",
                 "hf",
                 "Block linear layers in fp8 e4m3 with one fp32 scale per output row "
                 "(compressed-tensors FP8_DYNAMIC); the rest stays 16-bit.",
                 8.0,
                 DType::fp8_e4m3_rowwise,
                 {fp8_recovery},
                 {"vllm", "sglang", "trtllm", "tgi"},
                 "compressed-tensors FP8_DYNAMIC preset (channel weight scales, dynamic "
                 "per-token activations); per-row fp32 scales counted"});
  out.push_back(
      {"fp8-block",
       "FP8 E4M3, 128x128 block scales",
       "hf",
       "DeepSeek-style fp8 e4m3 linear layers (experts included) with one fp32 scale "
       "per 128x128 block; embeddings, lm_head, norms and router stay bf16.",
       8.0,
       DType::fp8_e4m3_block128,
       {{"loss_delta_pct", 0.25, "bf16", "DeepSeek-V2-Lite/V2-scale MoE, FP8 training (~1T tokens)",
         "DeepSeek-V3 Technical Report arXiv 2412.19437 sec 3.3 (relative loss error "
         "below 0.25%)"}},
       {"vllm", "sglang", "trtllm", "transformers"},
       "DeepSeek-V3 config.json quantization_config {fmt: e4m3, weight_block_size: "
       "[128, 128]}, weight_scale_inv fp32 per block (0.02% extra, counted)"});
  out.push_back({"int8",
                 "INT8 W8A8, per-channel",
                 "hf",
                 "Block linear layers in int8 with one fp32 scale per output row, int8 "
                 "activations (SmoothQuant/GPTQ W8A8); the rest stays 16-bit.",
                 8.0,
                 DType::int8_rowwise,
                 {{"recovery_pct", 100.3, "bf16", "Llama-3.1-8B-Instruct (OpenLLM v1)",
                   "RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8 model card"}},
                 {"vllm", "sglang", "trtllm"},
                 "compressed-tensors W8A8 int8 (channel-wise weight scales); vLLM "
                 "CompressedTensorsW8A8Int8"});
  out.push_back({"awq",
                 "AWQ INT4, group 128",
                 "hf",
                 "Block linear layers in int4 with an fp16 scale and int4 zero per 128 inputs "
                 "(AutoAWQ GEMM); the rest stays 16-bit.",
                 532.0 / 128.0,
                 DType::int4_awq_g128,
                 awq_paper(5.60, ""),
                 {"vllm", "sglang", "tgi", "transformers"},
                 "AutoAWQ WQLinear_GEMM qweight/qzeros/scales (casper-hansen/AutoAWQ)"});
  out.push_back({"awq-g64",
                 "AWQ INT4, group 64",
                 "hf",
                 "AWQ int4 with an fp16 scale and int4 zero per 64 inputs; the rest stays 16-bit.",
                 276.0 / 64.0,
                 DType::int4_awq_g64,
                 awq_paper(5.60, ", measured at group 128"),
                 {"vllm", "sglang", "tgi", "transformers"},
                 "AutoAWQ WQLinear_GEMM qweight/qzeros/scales, q_group_size=64"});
  std::vector<QualityCost> gptq_quality = awq_paper(5.69, ", GPTQ without act-order");
  gptq_quality.push_back({"recovery_pct", 98.9, "bf16",
                          "Llama-3.1-8B-Instruct (OpenLLM v1, symmetric int4 g128 via GPTQ)",
                          "RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16 model card"});
  out.push_back({"gptq",
                 "GPTQ INT4, group 128",
                 "hf",
                 "Block linear layers in int4 with an fp16 scale and int4 zero per 128 inputs "
                 "(AutoGPTQ); the rest stays 16-bit.",
                 532.0 / 128.0,
                 DType::int4_gptq_g128,
                 gptq_quality,
                 {"vllm", "sglang", "tgi", "transformers"},
                 "AutoGPTQ QuantLinear qweight/qzeros/scales/g_idx (AutoGPTQ/AutoGPTQ)"});
  out.push_back({"gptq-g32",
                 "GPTQ INT4, group 32",
                 "hf",
                 "GPTQ int4 with an fp16 scale and int4 zero per 32 inputs; the rest stays 16-bit.",
                 148.0 / 32.0,
                 DType::int4_gptq_g32,
                 awq_paper(5.69, ", GPTQ measured at group 128"),
                 {"vllm", "sglang", "tgi", "transformers"},
                 "AutoGPTQ QuantLinear qweight/qzeros/scales/g_idx, group_size=32"});
  const QualityCost nf4_mmlu{"mmlu_delta_pts", 53.1 - 53.0, "bf16",
                             "LLaMA 7B-65B QLoRA-finetuned on Alpaca/FLAN v2 (NF4 + DQ)", kQlora};
  out.push_back({"bnb-nf4",
                 "bitsandbytes NF4, double quant",
                 "hf",
                 "bitsandbytes 4-bit NormalFloat, blocks of 64 with 8-bit absmax and one fp32 per "
                 "256 absmax (bnb_4bit_use_double_quant=True); lm_head, embeddings, norms stay "
                 "16-bit.",
                 67616.0 / 16384.0,
                 DType::nf4_dq,
                 {nf4_mmlu},
                 {"transformers", "vllm", "tgi"},
                 "bitsandbytes functional.quantize_4bit(compress_statistics=True); transformers "
                 "BitsAndBytesConfig, get_keys_to_not_convert skips lm_head"});
  out.back().kernels = LinearKernels::bitsandbytes;
  out.push_back({"bnb-nf4-nodq",
                 "bitsandbytes NF4, no double quant",
                 "hf",
                 "bitsandbytes 4-bit NormalFloat, blocks of 64 with an fp32 absmax; lm_head, "
                 "embeddings, norms stay 16-bit.",
                 288.0 / 64.0,
                 DType::nf4,
                 {nf4_mmlu},
                 {"transformers", "vllm", "tgi"},
                 "bitsandbytes functional.quantize_4bit(blocksize=64, compress_statistics=False)"});
  out.back().kernels = LinearKernels::bitsandbytes;
  out.push_back({"bnb-int8",
                 "bitsandbytes LLM.int8()",
                 "hf",
                 "bitsandbytes int8 linear layers with one fp32 scale per row and fp16 outlier "
                 "columns at run time; lm_head, embeddings, norms stay 16-bit.",
                 8.0,
                 DType::int8_rowwise,
                 {{"ppl_delta", 12.45 - 12.45, "fp32", "OPT-13B (C4)",
                   "LLM.int8() paper arXiv 2208.07339 Table 1 (12.45 -> 12.45)"}},
                 {"transformers", "vllm", "tgi"},
                 "bitsandbytes Linear8bitLt / Int8Params (CB int8 + SCB fp32 per row)"});
  out.back().kernels = LinearKernels::bitsandbytes;
  out.push_back({"mxfp4",
                 "MXFP4 (MoE experts)",
                 "hf",
                 "MoE expert weights in OCP MXFP4 (32 fp4 e2m1 + one e8m0 scale); attention, "
                 "router, embeddings and lm_head stay bf16, as gpt-oss ships.",
                 4.25,
                 DType::mxfp4,
                 {{"ppl_delta_pct", 0.0, "native", "gpt-oss-20b / gpt-oss-120b", kGptOss}},
                 {"vllm", "sglang", "trtllm", "transformers"},
                 "OCP Microscaling Formats v1.0; gpt-oss safetensors *_blocks (uint8) + *_scales "
                 "(e8m0) per 32 values"});
  // vLLM: ModelOptNvFp4Config (modelopt.py, get_min_capability 75): FP4 tensor cores on
  // Blackwell, the FP4 Marlin weight-only kernel elsewhere. SGLang ModelOptFp4Config and
  // TensorRT-LLM need Blackwell (format_refuses_card). llama.cpp/Ollama have no NVFP4 GGUF type,
  // TGI and transformers no ModelOpt loader.
  const QualityCost nvfp4_cost{"recovery_pct", 77.4 / 78.3 * 100.0, "bf16",
                               "Nemotron-3-Nano-30B-A3B (MMLU-Pro)", kNvfp4Quality};
  out.push_back({"nvfp4",
                 "NVFP4 (ModelOpt)",
                 "hf",
                 "Block linear layers in NVFP4: fp4 e2m1 with one fp8 e4m3 scale per 16 inputs and "
                 "an fp32 scale per tensor; embeddings, lm_head, norms and router stay 16-bit.",
                 4.5,
                 DType::nvfp4,
                 {nvfp4_cost},
                 {"vllm", "sglang", "trtllm"},
                 std::string(kNvfp4Blog) +
                     "; ModelOpt hf_quant_config.json quant_algo NVFP4, group_size 16"});
  out.push_back({"nvfp4-mlp",
                 "NVFP4 (ModelOpt, MLP/experts only)",
                 "hf",
                 "MLP and MoE expert linear layers in NVFP4 (fp4 e2m1, fp8 e4m3 scale per 16); "
                 "attention, router, embeddings and lm_head stay 16-bit (ignore *self_attn*).",
                 4.5,
                 DType::nvfp4,
                 {nvfp4_cost},
                 {"vllm", "sglang", "trtllm"},
                 std::string(kNvfp4Blog) +
                     "; ModelOpt NVFP4_MLP_ONLY_CFG; nvidia/MiniMax-M2.5-NVFP4 config.json ignore "
                     "[lm_head, *.self_attn*, *.block_sparse_moe.gate]"});
  out.push_back({"nvfp4-experts",
                 "NVFP4 (ModelOpt, routed experts only)",
                 "hf",
                 "Routed MoE expert weights in NVFP4 (fp4 e2m1, fp8 e4m3 scale per 16); attention, "
                 "shared experts, dense layers, router, embeddings and lm_head stay 16-bit.",
                 4.5,
                 DType::nvfp4,
                 {nvfp4_cost},
                 {"vllm", "sglang", "trtllm"},
                 std::string(kNvfp4Blog) +
                     "; nvidia MoE NVFP4 checkpoints (Qwen3.5-122B-A10B, Kimi-K2.6, GLM-5.1) "
                     "config.json ignore *self_attn*, *shared_expert*, dense layers"});
  out.push_back({"native",
                 "Native checkpoint",
                 "native",
                 "The checkpoint as published: its 16-bit dtype, gpt-oss's MXFP4 experts, "
                 "DeepSeek's FP8 block-scaled linear layers, or a GGUF file's own tensor types.",
                 16.0,
                 DType::bf16,
                 {{"ppl_delta_pct", 0.0, "native", "any model",
                   "by definition: no quantization beyond the release"}},
                 {"vllm", "sglang", "trtllm", "tgi", "transformers", "llama.cpp", "ollama"},
                 "ModelArch.native_dtype and native_quant (config.json), or the GGUF tensor "
                 "table"});
  return out;
}

std::vector<WeightFormat> gguf_formats() {
  std::vector<WeightFormat> out;
  out.push_back(gguf("f16", "GGUF F16", "2-D weights in f16; norms, biases and router in f32.",
                     16.0005, kReadmeBpw, DType::f16,
                     {{"ppl_delta", 0.0020, "fp32", "Mistral-7B", kQuantizeCpp}}));
  out.push_back(gguf("bf16-gguf", "GGUF BF16",
                     "2-D weights in bf16; norms, biases and router in f32.", 16.0005, kDerivedBpw,
                     DType::bf16, {{"ppl_delta", -0.0050, "fp32", "Mistral-7B", kQuantizeCpp}}));
  out.push_back(gguf("q8_0", "GGUF Q8_0", "Every 2-D weight in Q8_0 (8.5 bpw), output included.",
                     8.5008, kReadmeBpw, DType::q8_0, scoreboard(0.005872, false)));
  out.push_back(gguf("q6_k", "GGUF Q6_K", "Every 2-D weight in Q6_K.", 6.5633, kReadmeBpw,
                     DType::q6_k, scoreboard(0.037777, false)));
  out.push_back(gguf("q5_k_m", "GGUF Q5_K_M",
                     "Q5_K with attn_v/ffn_down in Q6_K on about half the layers; output Q6_K.",
                     5.7036, kReadmeBpw, DType::q5_k, scoreboard(0.067952, false)));
  out.push_back(gguf("q5_k_s", "GGUF Q5_K_S", "Q5_K everywhere; output Q6_K.", 5.5704, kReadmeBpw,
                     DType::q5_k, scoreboard(0.124777, false)));
  out.push_back(gguf("q5_1", "GGUF Q5_1", "Q5_1 (legacy, 32-blocks with min); output Q6_K.", 6.0377,
                     kDerivedBpw, DType::q5_1, scoreboard(0.125879, false)));
  out.push_back(gguf("q5_0", "GGUF Q5_0", "Q5_0 (legacy, 32-blocks); output Q6_K.", 5.5704,
                     kDerivedBpw, DType::q5_0, scoreboard(0.135923, false)));
  out.push_back(gguf("q4_k_m", "GGUF Q4_K_M",
                     "Q4_K with attn_v/ffn_down in Q6_K on about half the layers; output Q6_K.",
                     4.8944, kReadmeBpw, DType::q4_k, scoreboard(0.196383, false)));
  out.push_back(gguf("q4_k_s", "GGUF Q4_K_S",
                     "Q4_K with the first attn_v/ffn_down layers in Q5_K; output Q6_K.", 4.6672,
                     kReadmeBpw, DType::q4_k, scoreboard(0.291578, false)));
  out.push_back(gguf("q4_1", "GGUF Q4_1", "Q4_1 (legacy, 32-blocks with min); output Q6_K.", 5.1031,
                     kDerivedBpw, DType::q4_1, scoreboard(0.494238, false)));
  out.push_back(gguf("q4_0", "GGUF Q4_0", "Q4_0 (legacy, 32-blocks); output Q6_K.", 4.6358,
                     kDerivedBpw, DType::q4_0, scoreboard(0.529800, false)));
  out.push_back(gguf("q3_k_l", "GGUF Q3_K_L",
                     "Q3_K with attn_v, attn_output, ffn_down in Q5_K; output Q6_K.", 4.2979,
                     kReadmeBpw, DType::q3_k, scoreboard(0.585400, false)));
  out.push_back(gguf("q3_k_m", "GGUF Q3_K_M",
                     "Q3_K with attn_v/attn_output/ffn_down in Q4_K-Q5_K; output Q6_K.", 3.9960,
                     kDerivedBpw, DType::q3_k, scoreboard(0.689517, false)));
  out.push_back(gguf("q3_k_s", "GGUF Q3_K_S", "Q3_K everywhere; output Q6_K.", 3.6429, kReadmeBpw,
                     DType::q3_k, scoreboard(1.907244, false)));
  out.push_back(gguf("q2_k", "GGUF Q2_K",
                     "Q2_K with attn_v Q4_K (GQA) or Q3_K, ffn_down and attn_output Q3_K; output "
                     "Q6_K.",
                     3.1593, kReadmeBpw, DType::q2_k, scoreboard(3.882171, false)));
  out.push_back(gguf("q2_k_s", "GGUF Q2_K_S",
                     "Q2_K with the first ffn_down layers Q4_K (imatrix required); output Q6_K.",
                     2.9697, kReadmeBpw, DType::q2_k,
                     {{"ppl_delta", 3.1836, "f16", "Llama-3-8B", kQuantizeCpp}}));
  out.push_back(gguf("iq4_xs", "GGUF IQ4_XS",
                     "IQ4_XS (4.25 bpw non-linear) with attn_v Q5_K on GQA models; output Q6_K.",
                     4.4597, kReadmeBpw, DType::iq4_xs, scoreboard(0.246254, true)));
  out.push_back(gguf("iq4_nl", "GGUF IQ4_NL",
                     "IQ4_NL (4.5 bpw non-linear, 32-blocks) with attn_v Q5_K on GQA models; "
                     "output Q6_K.",
                     4.6818, kReadmeBpw, DType::iq4_nl, scoreboard(0.248562, true)));
  out.push_back(gguf("iq3_m", "GGUF IQ3_M",
                     "IQ3_S with attn_v Q4_K and the first ffn_down layers Q4_K; output Q6_K.",
                     3.7628, kReadmeBpw, DType::iq3_s, scoreboard(0.742584, true)));
  out.push_back(gguf("iq3_s", "GGUF IQ3_S", "IQ3_S (3.44 bpw); output Q6_K.", 3.6606, kReadmeBpw,
                     DType::iq3_s, scoreboard(0.806473, true)));
  out.push_back(gguf("iq3_xs", "GGUF IQ3_XS",
                     "IQ3_S with middle ffn_gate/up and attn_q/k in IQ3_XXS; output Q6_K.", 3.4977,
                     kReadmeBpw, DType::iq3_s, scoreboard(1.042930, true)));
  out.push_back(gguf("iq3_xxs", "GGUF IQ3_XXS",
                     "IQ3_XXS (3.06 bpw) with attn_q/k IQ2_S, attn_output IQ3_S (imatrix "
                     "required); output Q6_K.",
                     3.2548, kReadmeBpw, DType::iq3_xxs, scoreboard(1.290849, true)));
  out.push_back(
      gguf("iq2_m", "GGUF IQ2_M",
           "IQ2_S with attn_v Q4_K on GQA models and token_embd IQ3_S (imatrix required); "
           "output Q5_K.",
           2.9294, kReadmeBpw, DType::iq2_s, scoreboard(2.663082, true)));
  out.push_back(gguf("iq2_s", "GGUF IQ2_S",
                     "IQ2_XS with attn_v Q4_K on GQA models and token_embd IQ3_S (imatrix "
                     "required); output Q5_K.",
                     2.7403, kReadmeBpw, DType::iq2_xs, scoreboard(3.867287, true)));
  out.push_back(gguf("iq2_xs", "GGUF IQ2_XS",
                     "IQ2_XS (2.31 bpw) with token_embd Q2_K (imatrix required); output Q5_K.",
                     2.5882, kReadmeBpw, DType::iq2_xs, scoreboard(5.043388, true)));
  out.push_back(gguf("iq2_xxs", "GGUF IQ2_XXS",
                     "IQ2_XXS (2.06 bpw) with token_embd Q2_K (imatrix required); output Q5_K.",
                     2.3824, kReadmeBpw, DType::iq2_xxs, scoreboard(8.843541, true)));
  out.push_back(gguf("iq1_m", "GGUF IQ1_M",
                     "IQ1_M (1.75 bpw) with attn_output IQ2_XXS (imatrix required); output Q5_K.",
                     2.1460, kReadmeBpw, DType::iq1_m, scoreboard(21.893176, true)));
  out.push_back(gguf("iq1_s", "GGUF IQ1_S",
                     "IQ1_S (1.56 bpw) with attn_output IQ2_XXS (imatrix required); output Q5_K.",
                     2.0042, kReadmeBpw, DType::iq1_s, scoreboard(62.867391, true)));
  out.push_back(gguf("mxfp4-gguf", "GGUF MXFP4_MOE",
                     "MoE expert tensors in MXFP4, every other 2-D weight (output included) Q8_0.",
                     4.25, kBlockBpw, DType::mxfp4,
                     {{"ppl_delta_pct", 0.0, "native", "gpt-oss-20b / gpt-oss-120b", kGptOss}}));
  return out;
}

}  // namespace

const std::vector<WeightFormat>& weight_formats() {
  static const std::vector<WeightFormat> kFormats = [] {
    std::vector<WeightFormat> all = hf_formats();
    for (auto& format : gguf_formats()) all.push_back(std::move(format));
    return all;
  }();
  return kFormats;
}

}  // namespace headroom
