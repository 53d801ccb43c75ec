// config.json parsing: the fields other calculators get wrong, and every refusal.
#include <catch2/catch.hpp>

#include "headroom/model.h"

using namespace headroom;

namespace {

const char* kLlama8b = R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
  "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
  "vocab_size": 128256, "max_position_embeddings": 131072, "tie_word_embeddings": false,
  "torch_dtype": "bfloat16"})";

}  // namespace

TEST_CASE("config.json: GQA, explicit head_dim and tied embeddings", "[hf_config]") {
  auto llama = parse_hf_config(kLlama8b, "llama");
  REQUIRE(llama);
  CHECK(llama->num_kv_heads == 8);
  CHECK(llama->head_dim == 128);  // 4096 / 32
  // Published parameter count of Llama-3.1-8B: 8,030,261,248.
  CHECK(total_params(llama.value()) == 8030261248ull);
  // Gemma-7B: head_dim 256 is explicit; hidden / heads would give 192.
  auto gemma =
      parse_hf_config(R"({"model_type": "gemma", "hidden_size": 3072, "num_hidden_layers": 28,
    "num_attention_heads": 16, "num_key_value_heads": 16, "head_dim": 256, "intermediate_size": 24576,
    "vocab_size": 256000})",
                      "gemma");
  REQUIRE(gemma);
  CHECK(gemma->head_dim == 256);
  CHECK(gemma->tie_embeddings);  // Gemma ties by default
  // SmolLM3-3B's config.json (huggingface.co/HuggingFaceTB/SmolLM3-3B) has no
  // tie_word_embeddings: SmolLM3Config's default ties them. Its safetensors hold about 3.075B
  // parameters (6.15 GB of bf16); counting a separate output head gave 3.338B.
  auto smol = parse_hf_config(R"({"model_type": "smollm3", "hidden_size": 2048,
    "num_hidden_layers": 36, "num_attention_heads": 16, "num_key_value_heads": 4,
    "intermediate_size": 11008, "vocab_size": 128256, "max_position_embeddings": 65536})",
                              "smollm3");
  REQUIRE(smol);
  CHECK(smol->tie_embeddings);
  // 36 x (2 x 2048^2 + 2 x 2048 x 512 + 3 x 2048 x 11008 + 2 x 2048) + 128256 x 2048 + 2048
  CHECK(total_params(smol.value()) == 36ull * (2 * 2048 * 2048 + 2 * 2048 * 512 +
                                               3 * 2048 * 11008 + 2 * 2048) +
                                          128256ull * 2048 + 2048);
}

TEST_CASE("config.json: sliding windows, MoE and MLA", "[hf_config]") {
  auto gemma2 =
      parse_hf_config(R"({"model_type": "gemma2", "hidden_size": 3584, "num_hidden_layers": 42,
    "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 256, "intermediate_size": 14336,
    "vocab_size": 256000, "sliding_window": 4096})",
                      "gemma2");
  REQUIRE(gemma2);
  CHECK(gemma2->attention_of(0) == AttentionKind::sliding);
  CHECK(gemma2->attention_of(1) == AttentionKind::full);
  auto mixtral =
      parse_hf_config(R"({"model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32,
    "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000,
    "num_local_experts": 8, "num_experts_per_tok": 2})",
                      "mixtral");
  REQUIRE(mixtral);
  // Mixtral-8x7B: 46.7B total, 12.9B active (Mistral AI announcement). Headroom's active count
  // leaves out the embedding table (a row lookup, not a matmul): 12.88e9 - 32000 x 4096.
  CHECK(static_cast<double>(total_params(mixtral.value())) == Approx(46.70e9).epsilon(0.002));
  CHECK(static_cast<double>(active_params(mixtral.value())) ==
        Approx(12.88e9 - 32000.0 * 4096).epsilon(0.002));
  auto deepseek =
      parse_hf_config(R"({"model_type": "deepseek_v3", "hidden_size": 7168, "num_hidden_layers": 61,
    "num_attention_heads": 128, "num_key_value_heads": 128, "intermediate_size": 18432, "vocab_size": 129280,
    "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128,
    "n_routed_experts": 256, "num_experts_per_tok": 8, "moe_intermediate_size": 2048, "n_shared_experts": 1,
    "first_k_dense_replace": 3})",
                      "deepseek");
  REQUIRE(deepseek);
  CHECK(deepseek->is_mla());
  CHECK(deepseek->attention_of(10) == AttentionKind::mla);
  CHECK_FALSE(deepseek->layer_is_moe(2));
  CHECK(deepseek->layer_is_moe(3));
  // DeepSeek-V3: 671B total, 37B active (model card).
  CHECK(static_cast<double>(total_params(deepseek.value())) == Approx(671e9).epsilon(0.01));
  CHECK(static_cast<double>(active_params(deepseek.value())) == Approx(37e9).epsilon(0.03));
}

TEST_CASE("config.json: bad input is refused naming the field", "[hf_config][errors]") {
  struct Case {
    const char* json;
    const char* field;
    const char* text;
  };
  const Case cases[] = {
      {"", "config", "not valid JSON"},
      {"[1, 2]", "config", "not a JSON object"},
      {R"({"hidden_size": 4096})", "config.model_type", "missing"},
      {R"({"model_type": "mamba", "hidden_size": 4096})", "config.model_type", "not supported"},
      {R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32})",
       "config.num_attention_heads", "missing"},
      {R"({"model_type": "llama", "hidden_size": "4096", "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 10, "intermediate_size": 10})",
       "config.hidden_size", "missing or not a non-negative integer"},
      {R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": -8, "vocab_size": 10, "intermediate_size": 10})",
       "config.num_key_value_heads", "not a non-negative integer"},
      {R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 64, "vocab_size": 10, "intermediate_size": 10})",
       "model.num_kv_heads", "1..num_heads"},
      {R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 10})",
       "config.intermediate_size", "missing"},
      {R"({"model_type": "gpt_oss", "hidden_size": 2880, "num_hidden_layers": 2, "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 64, "intermediate_size": 2880, "vocab_size": 201088, "layer_types": ["sliding_attention"]})",
       "config.layer_types", "one entry per layer"},
      {R"({"model_type": "mixtral", "hidden_size": 1048576, "num_hidden_layers": 4096, "num_attention_heads": 4096, "intermediate_size": 4194304, "vocab_size": 16777216, "num_local_experts": 4096, "num_experts_per_tok": 2})",
       "model.num_layers", "trillion parameters"},
      {R"({"model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 14336, "vocab_size": 32000, "num_local_experts": 8, "num_experts_per_tok": 9})",
       "model.experts_per_token", "1..num_experts"},
      {R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 0, "vocab_size": 10, "intermediate_size": 10})",
       "config.num_attention_heads", "must be a positive integer (got 0)"},
      {R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 10, "intermediate_size": 10, "max_position_embeddings": 0})",
       "config.max_position_embeddings", "at least 1"},
      {R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 10, "intermediate_size": 10, "torch_dtype": "bfloat17"})",
       "config.torch_dtype", "'bfloat17' is not a dtype"},
  };
  for (const auto& c : cases) {
    INFO(c.json);
    auto arch = parse_hf_config(c.json, "test");
    REQUIRE_FALSE(arch);
    CHECK(arch.error().field == c.field);
    CHECK(arch.error().message.find(c.text) != std::string::npos);
  }
}

TEST_CASE("config.json: checkpoint quantization maps to a weight format", "[hf_config]") {
  const std::string base = R"("model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
    "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256)";
  struct Case {
    const char* quantization_config;
    const char* native;
  };
  const Case cases[] = {
      // RedHatAI *-FP8-dynamic (llm-compressor): fp8 weights with per-channel scales.
      {R"({"quant_method": "compressed-tensors", "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "float", "strategy": "channel"}}}})",
       "fp8-channel"},
      // RedHatAI *-quantized.w4a16: int4 weights, group 128 (GPTQ-style).
      {R"({"quant_method": "compressed-tensors", "config_groups": {"group_0": {"weights": {"num_bits": 4, "type": "int", "strategy": "group", "group_size": 128}}}})",
       "gptq"},
      {R"({"quant_method": "compressed-tensors", "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "int", "strategy": "channel"}}}})",
       "int8"},
      {R"({"quant_method": "awq", "bits": 4, "group_size": 128})", "awq"},
      {R"({"quant_method": "fp8", "weight_block_size": [128, 128]})", "fp8-block"},
      {R"({"quant_method": "bitsandbytes", "load_in_4bit": true})", "bnb-nf4"},
  };
  for (const auto& c : cases) {
    INFO(c.quantization_config);
    auto arch = parse_hf_config(
        "{" + base + R"(, "quantization_config": )" + c.quantization_config + "}", "q");
    REQUIRE(arch);
    CHECK(arch->native_quant == c.native);
  }
}

TEST_CASE("config.json: the trained context under other names, or none stated", "[hf_config]") {
  const std::string shape = R"("model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
    "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
    "vocab_size": 128256, "torch_dtype": "bfloat16")";
  auto gpt2_style = parse_hf_config("{" + shape + R"(, "n_positions": 2048})", "x");
  REQUIRE(gpt2_style);
  CHECK(gpt2_style->max_context_tokens == 2048u);
  auto unstated = parse_hf_config("{" + shape + "}", "x");
  REQUIRE(unstated);
  CHECK(unstated->max_context_tokens == 0u);
  bool noted = false;
  for (const auto& note : unstated->notes) noted |= note.find("no context length") != std::string::npos;
  CHECK(noted);
}
