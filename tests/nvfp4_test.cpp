// NVFP4 (NVIDIA ModelOpt) checkpoints: the config.json reader picks the format from
// quantization_config, the weights come out at 4.5 bits where the recipe quantizes and 16 bits
// where its ignore list keeps them, and runtimes / cards without an NVFP4 path are refused.
// Configs: tests/data/configs (SOURCES.md), verbatim from ai-dynamo/aiconfigurator.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "headroom/compare.h"
#include "headroom/request.h"
#include "headroom/weight_format.h"
#include "config_fixtures.h"
#include "sizing_fixtures.h"

namespace headroom {
namespace {

using fixtures::parse;
using fixtures::read_config;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool has_note(const ModelArch& arch, const std::string& part) {
  for (const auto& note : arch.notes)
    if (contains(note, part)) return true;
  return false;
}

SizingRequest on(const ModelArch& arch, RuntimeId runtime, const char* card) {
  SizingRequest r;
  r.model = arch;
  r.weight_format = "native";
  r.runtime = runtime;
  r.card = *test::catalog().find_card(card).value();
  r.workload = {1000, 200, 1};
  return r;
}

std::vector<TensorSpec> stored(const ModelArch& arch) {
  auto format = find_weight_format("native");
  REQUIRE(format);
  auto tensors = apply_weight_format(arch, model_tensors(arch), *format.value());
  REQUIRE(tensors);
  return tensors.value();
}

}  // namespace

TEST_CASE("NVFP4 is 4.5 bits a weight: 16 fp4 values and one fp8 scale", "[nvfp4]") {
  // NVIDIA blog "Introducing NVFP4": E2M1 values, one E4M3 scale per 16 (+ fp32 per tensor).
  CHECK(bits_per_element(DType::nvfp4) == Approx(4.5));
  // One row of 3072 inputs: 192 blocks of 8 bytes of nibbles + 1 scale byte.
  CHECK(tensor_bytes(DType::nvfp4, 1, 3072) == 192 * 9);
  for (const char* id : {"nvfp4", "NVFP4", "modelopt_fp4", "w4a16_nvfp4"}) {
    auto format = find_weight_format(id);
    INFO(id);
    REQUIRE(format);
    CHECK(format.value()->id == "nvfp4");
    CHECK(format.value()->nominal_bits_per_weight == Approx(4.5));
  }
  auto mlp = find_weight_format("nvfp4_mlp_only");
  REQUIRE(mlp);
  CHECK(mlp.value()->id == "nvfp4-mlp");
  CHECK(contains(quality_summary(*find_weight_format("nvfp4").value()), "MMLU-Pro"));
}

TEST_CASE("MiniMax-M2.5-NVFP4: routed experts in NVFP4, attention and router in bf16", "[nvfp4]") {
  const ModelArch a = parse("nvidia--MiniMax-M2.5-NVFP4");
  // quant_method modelopt, quant_algo NVFP4, ignore [lm_head, 62 x self_attn*, 62 x gate].
  CHECK(a.native_quant == "nvfp4-experts");
  CHECK(has_note(a, "ModelOpt NVFP4"));
  CHECK(has_note(a, "125 ignore/exclude_modules entries stay 16-bit, attention among them"));
  // The published 229B total (https://huggingface.co/MiniMaxAI/MiniMax-M2.5): quantization keeps
  // the parameter count.
  CHECK(static_cast<double>(total_params(a)) == Approx(229e9).epsilon(0.02));

  // Layer 0 by hand (hidden 3072, 48 heads x 128, 8 KV heads, 256 experts of width 1536):
  // attention q 6144x3072, k and v 1024x3072, o 3072x6144 in bf16 = 88,080,384 bytes;
  // per expert gate and up 1536 rows x (3072 / 16 x 9 bytes) + down 3072 rows x (1536 / 16 x 9)
  // = 5,308,416 + 2,654,208 = 7,962,624 bytes; x 256 experts = 2,038,431,744 bytes;
  // the router 256x3072 in bf16 = 1,572,864 bytes.
  std::uint64_t attention = 0, experts = 0, router = 0;
  for (const auto& t : stored(a)) {
    if (t.layer != 0) continue;
    const std::uint64_t bytes = tensor_bytes(t.dtype, t.rows, t.cols);
    if (is_routed_expert(t.role)) {
      CHECK(t.dtype == DType::nvfp4);
      experts += bytes;
    } else if (t.role == TensorRole::attn_q || t.role == TensorRole::attn_k ||
               t.role == TensorRole::attn_v || t.role == TensorRole::attn_o) {
      CHECK(t.dtype == DType::bf16);
      attention += bytes;
    } else if (t.role == TensorRole::ffn_router) {
      CHECK(t.dtype == DType::bf16);
      router += bytes;
    }
  }
  CHECK(attention == 88080384);
  CHECK(experts == 2038431744);
  CHECK(router == 1572864);

  // The whole checkpoint against bf16: 224.7B expert weights at 9/16 byte and the other ~4.3B
  // at 2 bytes make 134.4 GB against 458 GB, a ratio of 3.4.
  std::uint64_t all = 0;
  for (const auto& t : stored(a)) all += tensor_bytes(t.dtype, t.rows, t.cols);
  const double bf16 = 2.0 * static_cast<double>(total_params(a));
  CHECK(bf16 / static_cast<double>(all) == Approx(3.4).epsilon(0.05));
}

TEST_CASE("NVFP4 recipes: what NVIDIA's ignore lists keep in 16 bits", "[nvfp4]") {
  // Qwen3.5-397B-A17B-NVFP4 ignores self_attn, linear_attn and shared_expert: routed experts only.
  const ModelArch qwen = parse("nvidia--Qwen3.5-397B-A17B-NVFP4");
  CHECK(qwen.native_quant == "nvfp4-experts");
  // Qwen3.5-397B-A17B: 397B total (https://huggingface.co/Qwen/Qwen3.5-397B-A17B model card).
  CHECK(static_cast<double>(total_params(qwen)) == Approx(397e9).epsilon(0.02));
  for (const auto& t : stored(qwen)) {
    if (t.layer < 0) continue;
    INFO(t.name);
    CHECK((t.dtype == DType::nvfp4) == is_routed_expert(t.role));
  }
  // Gemma-4-31B-IT-NVFP4 (dense) ignores every self_attn: the MLP layers alone are NVFP4.
  const ModelArch gemma = parse("nvidia--Gemma-4-31B-IT-NVFP4");
  CHECK(gemma.native_quant == "nvfp4-mlp");
  for (const auto& t : stored(gemma)) {
    INFO(t.name);
    const bool mlp = t.role == TensorRole::ffn_gate || t.role == TensorRole::ffn_up ||
                     t.role == TensorRole::ffn_down;
    CHECK((t.dtype == DType::nvfp4) == mlp);
  }
}

TEST_CASE("config.json: ModelOpt quant_algo picks the format; unknown algorithms are refused",
          "[nvfp4]") {
  const std::string llama = R"({"model_type": "llama", "hidden_size": 4096,
      "num_hidden_layers": 2, "num_attention_heads": 32, "num_key_value_heads": 8,
      "intermediate_size": 14336, "vocab_size": 128256, "torch_dtype": "bfloat16",
      "quantization_config": )";
  auto read = [&](const std::string& quant) {
    auto arch = parse_hf_config(llama + quant + "}", "test");
    REQUIRE(arch);
    return arch.value();
  };
  // Flat (config.json) and nested (hf_quant_config.json) layouts, as vLLM modelopt.py reads them.
  CHECK(read(R"({"quant_method": "modelopt", "quant_algo": "NVFP4", "ignore": ["lm_head"]})")
            .native_quant == "nvfp4");
  CHECK(read(R"({"quant_method": "modelopt", "quantization": {"quant_algo": "nvfp4",
             "group_size": 16, "exclude_modules": ["lm_head"]}})")
            .native_quant == "nvfp4");
  CHECK(read(R"({"quant_method": "modelopt", "quant_algo": "FP8"})").native_quant == "fp8_static");
  CHECK(read(R"({"quant_method": "modelopt", "quant_algo": "FP8_PB_WO"})").native_quant ==
        "fp8-block");
  const ModelArch fp8 = read(R"({"quant_method": "modelopt", "quant_algo": "FP8"})");
  REQUIRE(native_weight_format(fp8) != nullptr);
  CHECK(native_weight_format(fp8)->id == "fp8");

  // A llama NVFP4 checkpoint: every block linear layer 4.5 bits, embeddings and lm_head bf16.
  const ModelArch dense = read(R"({"quant_method": "modelopt", "quant_algo": "NVFP4"})");
  for (const auto& t : stored(dense)) {
    const bool linear = t.layer >= 0 && t.rows > 1 && t.role != TensorRole::ffn_router;
    INFO(t.name);
    CHECK((t.dtype == DType::nvfp4) == linear);
  }

  for (const char* bad :
       {R"({"quant_method": "modelopt", "quant_algo": "MIXED_PRECISION"})",
        R"({"quant_method": "modelopt"})",
        R"({"quant_method": "modelopt", "quant_algo": "NVFP4", "group_size": 32})"}) {
    INFO(bad);
    SizingRequest r = on(read(bad), RuntimeId::vllm, "b200-180gb");
    auto report = size(r);
    REQUIRE_FALSE(report);
    CHECK(report.error().field == "model.native_quant");
    CHECK(contains(report.error().message, "modelopt"));
  }
}

TEST_CASE("NVFP4: runtimes and cards without an NVFP4 path are refused with the reason",
          "[nvfp4]") {
  const ModelArch a = parse("nvidia--MiniMax-M2.5-NVFP4");
  // Blackwell: FP4 tensor cores, every NVFP4 runtime.
  for (RuntimeId runtime : {RuntimeId::vllm, RuntimeId::sglang, RuntimeId::trtllm}) {
    SizingRequest r = on(a, runtime, "b200-180gb");
    r.gpus = 2;
    auto report = size(r);
    INFO(runtime_profile(runtime).key << ": " << (report ? "" : report.error().message));
    REQUIRE(report);
  }
  // Hopper: vLLM's FP4 Marlin fallback serves it; SGLang and TensorRT-LLM need Blackwell.
  SizingRequest hopper = on(a, RuntimeId::vllm, "h200-sxm-141gb");
  hopper.gpus = 2;
  CHECK(size(hopper));
  for (RuntimeId runtime : {RuntimeId::sglang, RuntimeId::trtllm}) {
    SizingRequest r = on(a, runtime, "h200-sxm-141gb");
    r.gpus = 2;
    auto report = size(r);
    REQUIRE_FALSE(report);
    CHECK(report.error().field == "card");
    CHECK(contains(report.error().message, "only on Blackwell"));
    CHECK(contains(report.error().message, "Hopper"));
  }
  // AMD: vLLM's Petit backend has no MoE method; Volta is below vLLM's capability 7.5.
  auto mi300 = size(on(a, RuntimeId::vllm, "mi300x"));
  REQUIRE_FALSE(mi300);
  CHECK(mi300.error().field == "card");
  CHECK(contains(mi300.error().message, "no MoE method"));
  auto volta = size(on(a, RuntimeId::vllm, "v100-sxm2-32gb"));
  REQUIRE_FALSE(volta);
  CHECK(contains(volta.error().message, "compute capability 7.5"));
  // Runtimes with no NVFP4 loader.
  for (RuntimeId runtime :
       {RuntimeId::llamacpp, RuntimeId::ollama, RuntimeId::tgi, RuntimeId::transformers}) {
    auto report = size(on(a, runtime, "b200-180gb"));
    INFO(runtime_profile(runtime).key);
    REQUIRE_FALSE(report);
    CHECK(report.error().field == "quant");
    CHECK(contains(report.error().message, "stored as nvfp4-experts"));
  }
}

TEST_CASE("quant nvfp4 on a catalog model, and a quant contradicting config.json", "[nvfp4]") {
  // Llama-3.1-8B on an RTX 5090 in vLLM: the 32 blocks' linear layers at 4.5 bits,
  // embeddings and lm_head (128256 x 4096 each) in bf16. Per block: q 4096x4096, k and v
  // 1024x4096, o 4096x4096, gate/up 14336x4096, down 4096x14336 = 218,103,808 weights x 9/16 =
  // 122,683,392 bytes; x 32 = 3,925,868,544; + 2 x 128256 x 4096 x 2 = 2,101,346,304; + norms
  // (65 x 4096 x 2 = 532,480).
  SizingRequest r = test::request("llama-3.1-8b-instruct", "nvfp4", RuntimeId::vllm, "rtx-5090");
  r.workload = {1000, 200, 1};
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->memory.weights_bytes == 3925868544ULL + 2101346304ULL + 532480ULL);
  // The same request on an RTX 4090 runs in vLLM (Marlin) and is refused by TensorRT-LLM.
  r.card = *test::catalog().find_card("rtx-4090").value();
  CHECK(size(r));
  r.runtime = RuntimeId::trtllm;
  auto trt = size(r);
  REQUIRE_FALSE(trt);
  CHECK(contains(trt.error().message, "Ada Lovelace"));

  // NVIDIA's repo names: "-FP4" (older releases) and "-NVFP4" read as the base plus nvfp4.
  for (const char* repo : {"nvidia/Llama-3.3-70B-Instruct-FP4", "nvidia/Qwen3-32B-NVFP4"}) {
    auto name = test::catalog().read_model_name(repo);
    INFO(repo);
    REQUIRE(name);
    REQUIRE_FALSE(name->formats.empty());
    CHECK(name->formats.front() == "nvfp4");
  }

  // A config.json that says NVFP4 contradicts --quant awq; --quant nvfp4 agrees with it.
  RequestText text;
  text.model_arch = parse("nvidia--MiniMax-M2.5-NVFP4");
  text.set("runtime", "vllm");
  text.set("card", "b200-180gb");
  text.set("quant", "awq");
  auto built = build_request(text, test::catalog(), RequestKind::size);
  REQUIRE_FALSE(built);
  CHECK(built.error().field == "quant");
  CHECK(contains(built.error().message, "contradicts model"));
  CHECK(contains(built.error().message, "whose config.json says nvfp4-experts"));
  text.fields.back().second = "nvfp4-experts";
  CHECK(build_request(text, test::catalog(), RequestKind::size));
}

TEST_CASE("the reality check lists nvfp4 only where the card runs it", "[nvfp4]") {
  auto rows = [](const char* card) {
    SizingRequest r = test::request("llama-3.1-8b-instruct", "native", RuntimeId::sglang, card);
    r.workload = {1000, 200, 1};
    auto fits = compare_formats(r);
    REQUIRE(fits);
    std::vector<std::string> ids;
    for (const auto& fit : fits.value()) ids.push_back(fit.format);
    return ids;
  };
  const auto has = [](const std::vector<std::string>& ids, const char* id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  const auto hopper = rows("h100-sxm-80gb");  // SGLang: no NVFP4 before Blackwell
  CHECK(has(hopper, "awq"));
  CHECK_FALSE(has(hopper, "nvfp4"));
  const auto blackwell = rows("b200-180gb");
  CHECK(has(blackwell, "nvfp4"));
  CHECK_FALSE(has(blackwell, "nvfp4-experts"));  // a checkpoint recipe, not a choice
}

}  // namespace headroom
