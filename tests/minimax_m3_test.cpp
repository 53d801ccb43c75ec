// MiniMax-M3 (minimax_m3): GQA with per-head q/k norms, MiniMax sparse attention (an indexer with
// its own 16-bit key cache on 57 of 60 layers), 3 dense + 57 MoE layers; and the families refused
// by name beside it (minimax_m3_vl, Step-3.x-Flash). The config is ai-dynamo/aiconfigurator's
// (tests/data/configs/SOURCES.md); every count below is worked by hand from its fields.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "base/json_util.h"
#include "config_fixtures.h"
#include "headroom/model.h"
#include "headroom/sizing.h"
#include "runtime/kv_layout.h"
#include "sizing_fixtures.h"

namespace headroom {
namespace {

using namespace fixtures;

bool has_tensor(const ModelArch& a, const std::string& name) {
  const auto tensors = model_tensors(a);
  return std::any_of(tensors.begin(), tensors.end(),
                     [&](const TensorSpec& t) { return t.name == name; });
}

// The M3 config with one field under sparse_attention_config (or the top level) changed.
std::string m3_with(const char* key, const json_util::Json& value, bool sparse = false) {
  auto config = json_util::parse(read_config("MiniMaxAI--MiniMax-M3"));
  REQUIRE(config);
  json_util::Json& target = sparse ? (*config)["sparse_attention_config"] : *config;
  target[key] = value;
  return config->dump();
}

}  // namespace

TEST_CASE("MiniMax-M3: weights counted tensor by tensor against the published ~428B",
          "[sparse][minimax]") {
  const ModelArch a = parse("MiniMaxAI--MiniMax-M3");
  CHECK(a.family == "minimax_m3");
  CHECK(a.is_block_sparse());
  CHECK_FALSE(a.is_mla());
  CHECK(a.index_n_heads == 4);
  CHECK(a.index_head_dim == 128);
  CHECK(a.index_block_tokens == 128);
  CHECK(a.index_topk == 16u * 128u);  // sparse_topk_blocks x sparse_block_size
  for (std::uint32_t i = 0; i < a.num_layers; ++i) {
    INFO("layer " << i);
    CHECK(a.owns_indexer(i) == (i >= 3));                            // sparse_attention_freq
    CHECK(a.ffn_of(i) == (i >= 3 ? FfnKind::moe : FfnKind::dense));  // moe_layer_freq
  }
  CHECK(has_tensor(a, "blk.3.indexer.attn_q.weight"));
  CHECK(has_tensor(a, "blk.3.indexer.attn_k.weight"));
  CHECK_FALSE(has_tensor(a, "blk.2.indexer.attn_q.weight"));
  CHECK(has_tensor(a, "blk.0.attn_q_norm.weight"));

  // Hand count (hidden 6,144, vocab 200,064, untied head):
  //   embedding + lm_head 2 x 200,064 x 6,144             =   2,458,386,432 (+ final norm 6,144)
  //   attention per layer: q, o 8,192 x 6,144 each, k, v 512 x 6,144 each, q/k norms 2 x 128,
  //     two layer norms 2 x 6,144                          =     106,967,296 x 60
  //   indexer on 57 layers: index_q 512 x 6,144 + index_k 128 x 6,144 + 2 x 128 norms
  //                                                        =       3,932,416 x 57
  //   dense FFN on layers 0-2: 3 x 12,288 x 6,144          =     226,492,416 x 3
  //   MoE on 57 layers: 128 experts x 3 x 3,072 x 6,144 + shared 3 x 3,072 x 6,144
  //     + router 128 x 6,144                               =   7,305,166,848 x 57
  //   total                                                = 426,174,565,632
  // The model card (https://huggingface.co/MiniMaxAI/MiniMax-M3, "~428B parameters and ~23B
  // activated") also counts the vision tower this text config lacks (the NVFP4 export's
  // vision_config: a 32-layer ViT of width 1,280) and leaves MTP out or in unsaid; -0.43%.
  CHECK(total_params(a) == 426174565632ull);
  CHECK(params(a) == Approx(428e9).epsilon(0.02));
  // Active per token: attention and indexer, dense FFNs, 4 routed + the shared expert and the
  // router on MoE layers, lm_head: 24,733,273,344 (23,504,080,128 without lm_head, +2.2%
  // against the card's rounded ~23B, whose counting is not stated).
  CHECK(active_params(a) == 24733273344ull);
}

TEST_CASE("MiniMax-M3: K/V on every layer plus a 16-bit index key on the 57 sparse ones",
          "[sparse][minimax]") {
  const ModelArch a = parse("MiniMaxAI--MiniMax-M3");
  // One GPU, bf16: K + V 60 x 2 x 4 x 128 x 2 B = 122,880; index keys 57 x 128 x 2 B = 14,592,
  // bf16 whatever the KV dtype (vLLM MiniMaxM3IndexerCache indexer_kv_dtype "bf16", SGLang's
  // index pool in the model dtype).
  for (RuntimeId runtime : {RuntimeId::vllm, RuntimeId::sglang}) {
    const KvLayout bf16 = make_kv_layout(a, 2.0, runtime, 1, true);
    CHECK(bf16.bytes_per_token() == 122880 + 14592);
    CHECK(bf16.indexer_bytes_per_token == 14592);
    // The sparse layers' K/V, which a decode step reads for index_topk tokens only.
    CHECK(bf16.sparse_bytes_per_token == 57 * 2 * 4 * 128 * 2);
    CHECK(make_kv_layout(a, 1.0, runtime, 1, true).bytes_per_token() == 61440 + 14592);
    // TP8: one of the 4 KV heads per GPU (replicated pairs), the index key on every GPU.
    CHECK(make_kv_layout(a, 2.0, runtime, 8, true).bytes_per_token() == 60 * 2 * 128 * 2 + 14592);
  }
}

TEST_CASE("MiniMax-M3: runtimes without a modelled index-key cache are refused by name",
          "[sparse][minimax][errors]") {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::vllm, "h200-sxm-141gb");
  r.model = parse("MiniMaxAI--MiniMax-M3");
  r.gpus = 8;
  r.workload = {8192, 512, 4};
  auto vllm = size(r);
  INFO((vllm ? std::string() : vllm.error().message));
  REQUIRE(vllm);
  CHECK(vllm->memory.kv_bytes_per_token == 60 * 2 * 128 * 2 + 14592);
  r.runtime = RuntimeId::sglang;
  CHECK(size(r));
  for (RuntimeId runtime : {RuntimeId::trtllm, RuntimeId::tgi, RuntimeId::transformers,
                            RuntimeId::llamacpp, RuntimeId::ollama}) {
    r.runtime = runtime;
    auto refusal = size(r);
    REQUIRE_FALSE(refusal);
    CHECK(refusal.error().field == "runtime");
    CHECK(refusal.error().message.find("MiniMax sparse attention") != std::string::npos);
    CHECK(refusal.error().message.find(runtime_profile(runtime).name) != std::string::npos);
  }
}

TEST_CASE("MiniMax-M3: decode reads top-k blocks of the sparse layers' K/V", "[sparse][minimax]") {
  // The same weights with use_sparse_attention false (dense GQA on every layer, no indexer) at
  // 128k tokens: the sparse model holds more KV per token but reads far less of it per step.
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::vllm, "h200-sxm-141gb");
  r.gpus = 8;
  r.workload = {131072, 256, 4};
  r.model = parse("MiniMaxAI--MiniMax-M3");
  auto sparse = size(r);
  auto dense_config = json_util::parse(read_config("MiniMaxAI--MiniMax-M3"));
  REQUIRE(dense_config);
  (*dense_config)["sparse_attention_config"]["use_sparse_attention"] = false;
  auto dense_arch = parse_hf_config(dense_config->dump(), "m3-dense");
  REQUIRE(dense_arch);
  CHECK_FALSE(dense_arch->has_indexer());
  CHECK(total_params(r.model) - total_params(dense_arch.value()) == 57ull * 3932416ull);
  r.model = dense_arch.value();
  auto dense = size(r);
  REQUIRE(sparse);
  REQUIRE(dense);
  REQUIRE(sparse->speed);
  REQUIRE(dense->speed);
  CHECK(sparse->memory.kv_bytes_per_token > dense->memory.kv_bytes_per_token);
  CHECK(sparse->speed->decode_tokens_per_s_per_user > dense->speed->decode_tokens_per_s_per_user);
}

TEST_CASE("MiniMax-M3: shapes that are not modelled are refused, naming the field",
          "[sparse][minimax][errors]") {
  auto refusal_of = [](const std::string& text) {
    auto arch = parse_hf_config(text, "m3");
    REQUIRE_FALSE(arch);
    return arch.error();
  };
  // A sparse layer with the index value path (index_v_proj, index_o_proj, an index V cache).
  json_util::Json with_value = json_util::Json::array();
  for (int i = 0; i < 60; ++i) with_value.push_back(i == 7 ? 0 : 1);
  Error e = refusal_of(m3_with("sparse_disable_index_value", with_value, true));
  CHECK(e.field == "config.sparse_attention_config.sparse_disable_index_value");
  CHECK(e.message.find("sparse layer 7") != std::string::npos);
  e = refusal_of(m3_with("qk_norm_type", "per_layer"));
  CHECK(e.field == "config.qk_norm_type");
  e = refusal_of(m3_with("attention_output_gate", true));
  CHECK(e.field == "config.attention_output_gate");
  e = refusal_of(m3_with("sparse_attention_freq", json_util::Json::array({1, 0}), true));
  CHECK(e.field == "config.sparse_attention_config.sparse_attention_freq");
  e = refusal_of(m3_with("sparse_topk_blocks", 0, true));
  CHECK(e.field == "config.sparse_attention_config.sparse_topk_blocks");
  e = refusal_of(m3_with("shared_intermediate_size", 4096));
  CHECK(e.field == "config.shared_intermediate_size");
}

TEST_CASE("minimax_m3_vl and Step-3.x-Flash are refused by name with the reason",
          "[sparse][minimax][errors]") {
  // nvidia/MiniMax-M3-NVFP4's wrapper (its text_config has no model_type of its own).
  auto vl = parse_hf_config(R"({"model_type": "minimax_m3_vl", "text_config": {
      "hidden_size": 6144, "num_hidden_layers": 60, "num_attention_heads": 64,
      "vocab_size": 200064, "intermediate_size": 3072}, "vision_config": {"hidden_size": 1280}})",
                            "m3-vl");
  REQUIRE_FALSE(vl);
  CHECK(vl.error().field == "config.model_type");
  CHECK(vl.error().message.find("minimax_m3_vl") != std::string::npos);
  CHECK(vl.error().message.find("vision tower") != std::string::npos);
  // The aiconfigurator copy of stepfun-ai/Step-3.7-Flash lacks attention_other_setting (96
  // query heads on its sliding layers): counted as it stands it would be 195.83B total / 10.34B
  // active instead of ~196.96B / ~11.46B, so the family is refused rather than miscounted.
  auto step = parse_hf_config(read_config("stepfun-ai--Step-3.7-Flash"), "step");
  REQUIRE_FALSE(step);
  CHECK(step.error().field == "config.model_type");
  CHECK(step.error().message.find("step3p7") != std::string::npos);
  CHECK(step.error().message.find("attention_other_setting") != std::string::npos);
  // The Hub layout nests the trunk as text_config model_type step3p5.
  auto trunk = parse_hf_config(R"({"model_type": "step3p7", "text_config": {
      "model_type": "step3p5", "hidden_size": 4096, "num_hidden_layers": 45,
      "num_attention_heads": 64, "vocab_size": 128896, "intermediate_size": 11264}})",
                               "step-hub");
  REQUIRE_FALSE(trunk);
  CHECK(trunk.error().message.find("step3p5") != std::string::npos);
}

}  // namespace headroom
