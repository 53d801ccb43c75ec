// Hybrid, linear-attention and newer attention families: real config.json files (tests/data/
// configs, vendored verbatim from ai-dynamo/aiconfigurator model_configs/, which copies them from
// the Hugging Face repos named in each file name), their published parameter counts, and the
// KV-per-token and state-per-sequence arithmetic worked by hand.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "gguf_writer.h"
#include "headroom/documents.h"
#include "headroom/gguf.h"
#include "headroom/model.h"
#include "headroom/sizing.h"
#include "runtime/kv_layout.h"
#include "config_fixtures.h"
#include "sizing_fixtures.h"

namespace headroom {
namespace {

using namespace fixtures;

std::size_t count_state(const ModelArch& a, StateKind kind) {
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < a.num_layers; ++i)
    if (a.state_of(i) == kind) ++n;
  return n;
}

}  // namespace

TEST_CASE("Qwen3-Next: Gated DeltaNet layers keep a state, 1 in 4 layers keep KV", "[hybrid]") {
  const ModelArch a = parse("Qwen--Qwen3-Next-80B-A3B-Thinking");
  CHECK(count_attention(a, AttentionKind::full) == 12);  // (i + 1) % 4 == 0 of 48
  CHECK(count_state(a, StateKind::gated_deltanet) == 36);
  CHECK(a.attention_of(3) == AttentionKind::full);
  CHECK(a.attention_of(0) == AttentionKind::none);
  // "80B in total and 3B activated" (https://huggingface.co/Qwen/Qwen3-Next-80B-A3B-Thinking
  // model card). The active share is published rounded to 1B, so it is held to a band.
  CHECK(params(a) == Approx(80e9).epsilon(0.02));
  CHECK(active(a) > 3.0e9);
  CHECK(active(a) < 4.0e9);

  // KV: 12 attention layers x (K + V) x 2 KV heads x 256 x 2 B (bf16) = 24,576 B/token.
  const KvLayout vllm = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, true);
  CHECK(vllm.bytes_per_token() == 24576);
  // State per GDN layer: conv (4 - 1) x (2 x 16 x 128 + 32 x 128) = 24,576 elements, delta-rule
  // matrix 32 x 128 x 128 = 524,288; 36 layers = 19,759,104 elements.
  const StateElements e = recurrent_state_elements(a);
  CHECK(e.conv == 36ull * 24576);
  CHECK(e.ssm == 36ull * 524288);
  // vLLM: model dtype (bf16) for both = 36 x 1,097,728 B page; the attention block becomes
  // 16 x cdiv(1,097,728, 16 x 2,048) = 544 tokens and each page is padded to 544 x 2,048 =
  // 1,114,112 B (+1.49%): 36 x 1,114,112 = 40,108,032 B. llama.cpp f32 = 79,036,416 B
  // (75.4 MiB); SGLang bf16 conv + f32 state = 36 x (24,576 x 2 + 524,288 x 4) = 77,266,944 B.
  CHECK(vllm.min_block_tokens == 544);
  CHECK(vllm.state_bytes_per_sequence == 40108032ull);
  CHECK(make_kv_layout(a, 2.0, RuntimeId::llamacpp, 1, true).state_bytes_per_sequence ==
        79036416ull);
  CHECK(make_kv_layout(a, 2.0, RuntimeId::sglang, 1, true).state_bytes_per_sequence == 77266944ull);
  // Tensor parallelism shards the heads: a 548,864 B page per GPU at TP2, 1 KV head (1,024 B
  // per token and layer), block 16 x cdiv(548,864, 16,384) = 544: 36 x 544 x 1,024 B.
  CHECK(make_kv_layout(a, 2.0, RuntimeId::vllm, 2, true).state_bytes_per_sequence == 20054016ull);
  // A sequence costs its state once, whatever its length: 2 sequences of 1000 tokens in
  // 544-token blocks (1088 cells each) = 2 x (1088 x 24,576 + 40,108,032).
  CHECK(vllm.bytes_for(1000, 2, 544) == 2ull * (1088ull * 24576 + 40108032ull));
}

TEST_CASE("Qwen3.5-MoE: text_config with layer_types linear/full attention", "[hybrid]") {
  const ModelArch a = parse("Qwen--Qwen3.5-35B-A3B");
  CHECK(a.family == "qwen3_5_moe_text");
  CHECK(count_attention(a, AttentionKind::full) == 10);
  CHECK(count_state(a, StateKind::gated_deltanet) == 30);
  // "35B total, 3B activated" (https://huggingface.co/Qwen/Qwen3.5-35B-A3B model card; the
  // checkpoint includes its vision encoder).
  CHECK(params(a) == Approx(35e9).epsilon(0.02));
  // KV: 10 layers x 2 x 2 heads x 256 x 2 B = 20,480 B/token.
  CHECK(make_kv_layout(a, 2.0, RuntimeId::vllm, 1, true).bytes_per_token() == 20480);
}

TEST_CASE("Nemotron-H: Mamba-2, attention and MoE layers from hybrid_override_pattern",
          "[hybrid]") {
  const ModelArch a = parse("nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16");
  CHECK(count_attention(a, AttentionKind::full) == 6);  // '*'
  CHECK(count_state(a, StateKind::mamba2) == 23);       // 'M'
  std::size_t moe = 0;
  for (std::uint32_t i = 0; i < a.num_layers; ++i)
    if (a.ffn_of(i) == FfnKind::moe) ++moe;
  CHECK(moe == 23);                                  // 'E'
  CHECK(a.ffn_of(0) == FfnKind::none);               // a Mamba layer has no FFN
  CHECK_FALSE(a.gated_ffn);                          // relu2 experts: up + down only
  CHECK(a.shared_expert_intermediate_size == 3712);  // moe_shared_expert_intermediate_size
  // "31.6 billion total parameters ... about 3.6 billion at a time" (NVIDIA model card,
  // https://huggingface.co/nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16, as quoted at
  // https://replicate.com/nvidia/nemotron-3-nano-30b-a3b/readme).
  CHECK(params(a) == Approx(31.6e9).epsilon(0.02));
  // Headroom's active count leaves out the input embedding (a row lookup): add it back for
  // the card's "including embeddings" figure (131,072 x 2,688).
  CHECK(active(a) + 131072.0 * 2688 == Approx(3.6e9).epsilon(0.02));
  // KV: 6 layers x 2 x 2 heads x 128 x 2 B = 6,144 B/token.
  const KvLayout vllm = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, true);
  CHECK(vllm.bytes_per_token() == 6144);
  // Mamba-2 layer: d_inner = 64 heads x 64 = 4096, G = 8, N = 128, K = 4:
  // conv (4 - 1) x (4096 + 2 x 8 x 128) = 18,432; SSM 4096 x 128 = 524,288 elements.
  const StateElements e = recurrent_state_elements(a);
  CHECK(e.conv == 23ull * 18432);
  CHECK(e.ssm == 23ull * 524288);
  // llama.cpp f32: 23 x 542,720 x 4 = 49,930,240 B. vLLM: conv bf16, SSM f32
  // (mamba_ssm_cache_dtype "float32"): a 18,432 x 2 + 524,288 x 4 = 2,134,016 B page; block
  // 16 x cdiv(2,134,016, 16 x 1,024) = 2,096 tokens; padded 23 x 2,096 x 1,024 = 49,364,992 B.
  CHECK(make_kv_layout(a, 2.0, RuntimeId::llamacpp, 1, true).state_bytes_per_sequence ==
        49930240ull);
  CHECK(vllm.min_block_tokens == 2096);
  CHECK(vllm.state_bytes_per_sequence == 49364992ull);
  // Prefix caching (vLLM mamba_cache_mode "align") keeps the same block: only mode "all" rounds
  // it to the config's chunk_size 128 (128 x cdiv(cdiv(2,134,016, 1,024), 128) = 2,176 tokens;
  // vllm/model_executor/models/config.py HybridAttentionMambaModelConfig), and holds two state
  // blocks per request instead of one.
  const KvLayout cached = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, true, true);
  CHECK(cached.min_block_tokens == 2096);
  CHECK(cached.state_bytes_per_sequence == vllm.state_bytes_per_sequence);
  CHECK(cached.state_copies == 2);
  CHECK(cached.bytes_for(1000, 1, 2096) - vllm.bytes_for(1000, 1, 2096) == 49364992ull);
}

TEST_CASE("Nemotron-H: Python's bare Infinity in config.json is read as absent", "[hybrid]") {
  // "time_step_limit": [0.0, Infinity] in the real 56B config.
  REQUIRE(read_config("nvidia--Nemotron-H-56B-Base-8K").find("Infinity") != std::string::npos);
  const ModelArch a = parse("nvidia--Nemotron-H-56B-Base-8K");
  CHECK(count_attention(a, AttentionKind::full) == 10);
  CHECK(count_state(a, StateKind::mamba2) == 54);
  std::size_t mlp = 0;
  for (std::uint32_t i = 0; i < a.num_layers; ++i)
    if (a.ffn_of(i) == FfnKind::dense) ++mlp;
  CHECK(mlp == 54);  // '-'
  // 56B (Nemotron-H-56B-Base-8K, https://huggingface.co/nvidia/Nemotron-H-56B-Base-8K; "Nemotron-H:
  // A Family of Accurate and Efficient Hybrid Mamba-Transformer Models", arXiv 2504.03624).
  CHECK(params(a) == Approx(56e9).epsilon(0.02));
  // Literals inside strings are kept; NaN and -Infinity become null as well.
  auto odd = parse_hf_config(
      R"({"model_type": "llama", "name": "NaN Infinity", "x": [NaN, -Infinity],
    "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128,
    "vocab_size": 100})",
      "odd");
  CHECK(odd);
}

TEST_CASE("Nemotron 3 Super / Ultra: LatentMoE experts run at the latent width", "[hybrid]") {
  // NemotronHMoE (vLLM's and SGLang's nemotron_h.py): the router reads the hidden state,
  // fc1_latent_proj (hidden -> moe_latent_size) and fc2_latent_proj (back) are ReplicatedLinear,
  // the 512 routed relu2 experts are latent -> moe_intermediate_size -> latent, and the shared
  // expert stays at the hidden width.
  const ModelArch a = parse("nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8");
  CHECK(a.moe_latent_size == 1024);
  std::size_t moe = 0, mamba = 0;
  for (std::uint32_t i = 0; i < a.num_layers; ++i) {
    if (a.ffn_of(i) == FfnKind::moe) ++moe;
    if (a.state_of(i) == StateKind::mamba2) ++mamba;
  }
  CHECK(moe == 40);  // 'E' in hybrid_override_pattern
  CHECK(mamba == 40);
  CHECK(count_attention(a, AttentionKind::full) == 8);
  // By hand from config.json: h 4096, E 512 (top 22), f 2688, latent 1024, shared 5376.
  // MoE layer: router 4096 x 512 + 512 (e_score_correction_bias) + latent projections
  // 2 x 4096 x 1024 + experts 512 x 2 x 1024 x 2688 + shared 2 x 4096 x 5376.
  const double h = 4096, lat = 1024, f = 2688;
  const double router = h * 512 + 512, proj = 2 * h * lat, shared = 2 * h * 5376;
  const double experts = 512 * 2 * lat * f;
  // Mamba-2 layer: 128 heads x 64 = 8192 inner, G 8, N 128, conv 4: in_proj h x (2 x 8192 +
  // 2 x 8 x 128 + 128), conv (8192 + 2048) x 5, A / D / dt_bias 3 x 128, gated norm 8192,
  // out_proj 8192 x h.
  const double conv = 8192 + 2 * 8 * 128;
  const double mamba_layer = h * (2 * 8192 + 2 * 8 * 128 + 128) + conv * 5 + 3 * 128 + 8192 +
                             8192 * h;
  // Attention layer: 32 query heads, 2 KV heads of 128.
  const double attention = h * 32 * 128 * 2 + 2 * h * 2 * 128;
  const double norms = 88 * h + h, embeddings = 2 * 131072 * h;  // untied embedding and head
  const double total = 40 * (router + proj + experts + shared) + 40 * mamba_layer +
                       8 * attention + norms + embeddings;
  CHECK(params(a) == Approx(total).epsilon(1e-3));
  // "120B total, 12B active" (the model card, as published summaries quote it); Headroom's
  // active count leaves out the embedding row lookup.
  CHECK(params(a) == Approx(120e9).epsilon(0.01));
  const double active_by_hand =
      total - 40 * experts * (1 - 22.0 / 512) - 131072 * h;  // 22 of 512 experts, no lookup
  CHECK(active(a) == Approx(active_by_hand).epsilon(1e-3));
  CHECK(active(a) + 131072 * h == Approx(12e9).epsilon(0.07));
  // The Ultra config (layers_block_type, no num_hidden_layers): "550B (55B active)".
  const ModelArch u = parse("nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16");
  CHECK(u.moe_latent_size == 2048);
  CHECK(params(u) == Approx(550e9).epsilon(0.01));
  CHECK(active(u) + 131072.0 * 8192 == Approx(55e9).epsilon(0.03));
  // A latent width that is not a width is refused with the field named.
  std::string bad = read_config("nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8");
  const std::string key = "\"moe_latent_size\": 1024";
  REQUIRE(bad.find(key) != std::string::npos);
  for (const char* value : {"0", "8192", "-4", "\"1024\""}) {
    std::string text = bad;
    text.replace(text.find(key), key.size(), std::string("\"moe_latent_size\": ") + value);
    auto refused = parse_hf_config(text, "bad");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "config.moe_latent_size");
  }
}

TEST_CASE("LatentMoE projections are replicated under tensor parallelism", "[hybrid][tp]") {
  const auto& arch = test::catalog().find_model("nemotron-3-super-120b-a12b-fp8").value()->arch;
  auto run = [&](std::uint32_t gpus) {
    auto r = test::request("nemotron-3-super-120b-a12b-fp8", "native", RuntimeId::vllm,
                           "h200-sxm-141gb");
    r.gpus = gpus;
    return size(r);
  };
  auto one = run(1);
  auto two = run(2);
  REQUIRE(one);
  REQUIRE(two);
  // Each GPU of two holds half of what is split plus all of the 40 layers' two FP8 latent
  // projections (2 x 4096 x 1024 elements, 1 B each): 335.5 MB more than an even half.
  const double latent_bytes = 40.0 * 2 * 4096 * 1024;
  CHECK(arch.moe_latent_size == 1024);
  CHECK(static_cast<double>(two->memory.weights_bytes) -
            static_cast<double>(one->memory.weights_bytes) / 2 >=
        latent_bytes / 2);
}

TEST_CASE("Hybrid refusals name the family and the reason", "[hybrid][errors]") {
  for (const char* family : {"hunyuan_v1_moe", "falcon", "lfm2_moe"}) {
    const std::string json = std::string(R"({"model_type": ")") + family +
                             R"(", "hidden_size": 64, "num_hidden_layers": 2,
      "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})";
    auto refused_family = parse_hf_config(json, family);
    REQUIRE_FALSE(refused_family);
    CHECK(refused_family.error().field == "config.model_type");
    CHECK(refused_family.error().message.find(family) != std::string::npos);
    CHECK(refused_family.error().message.find("not supported: ") != std::string::npos);
  }
}

TEST_CASE("Mamba-1 (Jamba), Falcon-H1 and short-conv (LFM2) state arithmetic", "[hybrid]") {
  // Constructed configs (not published models): only the layer rules and the state formulas
  // are under test here.
  auto jamba = parse_hf_config(R"({"model_type": "jamba", "hidden_size": 256,
    "num_hidden_layers": 8, "num_attention_heads": 8, "num_key_value_heads": 2,
    "intermediate_size": 512, "vocab_size": 1000, "num_experts": 4, "num_experts_per_tok": 2,
    "mamba_d_state": 16, "mamba_d_conv": 4, "mamba_expand": 2})",
                               "jamba");
  REQUIRE(jamba);
  // attn_layer_period 8 / offset 4: layer 4 attends, the other 7 are Mamba-1.
  CHECK(jamba->attention_of(4) == AttentionKind::full);
  CHECK(count_state(jamba.value(), StateKind::mamba1) == 7);
  CHECK(jamba->ffn_of(1) == FfnKind::moe);  // expert_layer_period 2 / offset 1
  CHECK(jamba->ffn_of(2) == FfnKind::dense);
  // d_inner = 2 x 256 = 512: conv 3 x 512 = 1,536, SSM 512 x 16 = 8,192 per layer.
  CHECK(recurrent_state_elements(jamba.value()).conv == 7ull * 1536);
  CHECK(recurrent_state_elements(jamba.value()).ssm == 7ull * 8192);

  auto falcon = parse_hf_config(R"({"model_type": "falcon_h1", "hidden_size": 256,
    "num_hidden_layers": 4, "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 32,
    "intermediate_size": 512, "vocab_size": 1000, "mamba_d_ssm": 384, "mamba_n_heads": 12,
    "mamba_d_head": 32, "mamba_n_groups": 1, "mamba_d_state": 64, "mamba_d_conv": 4})",
                                "falcon_h1");
  REQUIRE(falcon);
  // Both on every layer: KV 4 x 2 x 2 x 32 x 2 B = 1,024 B/token; state per layer conv
  // 3 x (384 + 2 x 64) = 1,536, SSM 384 x 64 = 24,576.
  CHECK(make_kv_layout(falcon.value(), 2.0, RuntimeId::vllm, 1, true).bytes_per_token() == 1024);
  CHECK(recurrent_state_elements(falcon.value()).conv == 4ull * 1536);
  CHECK(recurrent_state_elements(falcon.value()).ssm == 4ull * 24576);

  auto lfm2 = parse_hf_config(R"({"model_type": "lfm2", "hidden_size": 256,
    "num_hidden_layers": 4, "num_attention_heads": 8, "num_key_value_heads": 2,
    "intermediate_size": 768, "vocab_size": 1000, "conv_L_cache": 3,
    "layer_types": ["conv", "conv", "full_attention", "conv"]})",
                              "lfm2");
  REQUIRE(lfm2);
  CHECK(count_state(lfm2.value(), StateKind::short_conv) == 3);
  // conv (3 - 1) x 256 = 512 per layer, no SSM; llama.cpp f32: 3 x 512 x 4 = 6,144 B.
  CHECK(recurrent_state_elements(lfm2.value()).conv == 3ull * 512);
  CHECK(make_kv_layout(lfm2.value(), 2.0, RuntimeId::llamacpp, 1, true).state_bytes_per_sequence ==
        6144);
  // Lfm2MLP width: int(2 x 768 / 3) = 512, rounded up to block_multiple_of 256 = 512.
  CHECK(lfm2->intermediate_size == 512);
  CHECK(lfm2->tie_embeddings);  // Lfm2Config's tie_embedding defaults to true
}

TEST_CASE("Name-level families size from their real configs", "[hybrid]") {
  // Kimi-K2: "1 trillion total parameters, 32 billion activated"
  // (https://huggingface.co/moonshotai/Kimi-K2-Instruct model card; 1.04T in its table).
  const ModelArch kimi = parse("moonshotai--Kimi-K2-Instruct");
  CHECK(kimi.is_mla());
  CHECK(params(kimi) == Approx(1.04e12).epsilon(0.02));
  // MiniMax-M2.5: "229B total / 10B active" per the MiniMax-M2 family cards
  // (https://huggingface.co/MiniMaxAI/MiniMax-M2.5); 62 layers x 2 x 8 heads x 128 x 2 B KV.
  const ModelArch minimax = parse("MiniMaxAI--MiniMax-M2.5");
  CHECK(params(minimax) == Approx(229e9).epsilon(0.02));
  CHECK(make_kv_layout(minimax, 2.0, RuntimeId::vllm, 1, true).bytes_per_token() == 253952);
  // Qwen3-VL: the text model under text_config plus the vision tower.
  const ModelArch vl = parse("Qwen--Qwen3-VL-30B-A3B-Instruct");
  CHECK(vl.family == "qwen3_vl_moe_text");
  CHECK(vl.is_moe());
  // Llama 4 Scout: 109B total, 17B active (https://huggingface.co/meta-llama/
  // Llama-4-Scout-17B-16E-Instruct model card); the vendored config is text-only.
  const ModelArch scout = parse("meta-llama--Llama-4-Scout-17B-16E-Instruct");
  CHECK(count_attention(scout, AttentionKind::chunked) == 36);  // 3 of 4 layers
  CHECK(params(scout) == Approx(109e9).epsilon(0.02));
  CHECK(active(scout) + 202048.0 * 5120 == Approx(17e9).epsilon(0.02));  // + input embedding
  // Llama 4 Maverick: 400B total, 17B active (same model card family); MoE on every 2nd layer.
  const ModelArch maverick = parse("meta-llama--Llama-4-Maverick-17B-128E-Instruct");
  CHECK(maverick.ffn_of(0) == FfnKind::dense);
  CHECK(maverick.ffn_of(1) == FfnKind::moe);
  CHECK(params(maverick) == Approx(400e9).epsilon(0.02));
  CHECK(active(maverick) + 202048.0 * 5120 == Approx(17e9).epsilon(0.02));
  // Qwen3.5-397B-A17B: 397B total (https://huggingface.co/Qwen/Qwen3.5-397B-A17B model card).
  const ModelArch qwen35 = parse("Qwen--Qwen3.5-397B-A17B");
  CHECK(count_state(qwen35, StateKind::gated_deltanet) == 45);
  CHECK(params(qwen35) == Approx(397e9).epsilon(0.02));
}

TEST_CASE("GLM-4.7-Flash (glm4_moe_lite) is an MLA model", "[hybrid]") {
  const ModelArch a = parse("zai-org--GLM-4.7-Flash");
  CHECK(a.is_mla());
  CHECK_FALSE(a.layer_is_moe(0));  // first_k_dense_replace 1
  CHECK(a.layer_is_moe(1));
  // "about 30B total parameters and 3B active" (NVIDIA Megatron Bridge docs,
  // https://docs.nvidia.com/nemo/megatron-bridge/nightly/models/glm/glm47.html).
  CHECK(params(a) == Approx(30e9).epsilon(0.02));
  // MLA latent: 47 layers x (512 + 64) x 2 B = 54,144 B/token (vLLM).
  CHECK(make_kv_layout(a, 2.0, RuntimeId::vllm, 1, false).bytes_per_token() == 54144);
  // llama.cpp since its V-less cache (PR #19067, 2026-01-24) stores the same latent as K only,
  // with flash attention or without; builds before it kept the latent again as V (512 more).
  CHECK(make_kv_layout(a, 2.0, RuntimeId::llamacpp, 1, false).bytes_per_token() == 54144);
  CHECK(make_kv_layout(a, 2.0, RuntimeId::llamacpp, 1, true).bytes_per_token() ==
        47ull * (576 + 512) * 2);
}

TEST_CASE("llama.cpp's MLA cache follows the build, not flash attention", "[hybrid]") {
  auto kv_of = [](const char* flash, const char* month) {
    SizingRequest r = test::request("glm-4.7-flash", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
    r.knobs.flash_attention = std::string(flash) == "on";
    if (month[0] != '\0') r.knobs.llama_build_month = month;
    auto sized = size(r);
    REQUIRE(sized);
    return sized->memory.kv_bytes_per_token;
  };
  CHECK(kv_of("on", "") == 54144);
  CHECK(kv_of("off", "") == 54144);
  CHECK(kv_of("on", "2026-03") == 54144);
  CHECK(kv_of("on", "2025-06") == 47ull * 1088 * 2);
  CHECK(kv_of("off", "2026-01") == 47ull * 1088 * 2);
}

TEST_CASE("Phi-2: non-gated GELU MLP with biases", "[hybrid]") {
  // microsoft/phi-2 config.json (https://huggingface.co/microsoft/phi-2/blob/main/config.json),
  // the fields that size it.
  auto phi = parse_hf_config(R"({"architectures": ["PhiForCausalLM"], "hidden_act": "gelu_new",
    "hidden_size": 2560, "intermediate_size": 10240, "max_position_embeddings": 2048,
    "model_type": "phi", "num_attention_heads": 32, "num_hidden_layers": 32,
    "num_key_value_heads": 32, "partial_rotary_factor": 0.4, "tie_word_embeddings": false,
    "torch_dtype": "float16", "vocab_size": 51200})",
                             "phi-2");
  REQUIRE(phi);
  CHECK_FALSE(phi->gated_ffn);
  // Per layer: q, k, v, dense 4 x 2560^2 + 4 x 2560 biases; fc1 + fc2 2 x 2560 x 10240 +
  // 10240 + 2560 biases; LayerNorm 2 x 2560 = 78,671,360. 32 layers + embedding and head
  // 2 x 51200 x 2560 + final norm 2560 = 2,779,630,080 (the checkpoint adds lm_head's bias
  // and the final LayerNorm's bias, 53,760 more). Model card: "2.7 billion parameters".
  CHECK(total_params(phi.value()) == 2779630080ull);
  CHECK(params(phi.value()) == Approx(2.7e9).epsilon(0.03));
}

TEST_CASE("Sizing a hybrid: the state enters memory, users and the JSON", "[hybrid][sizing]") {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::vllm, "h100-sxm-80gb");
  r.model = parse("nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16");
  r.workload = {1024, 256, 4};
  auto report = size(r);
  REQUIRE(report);
  const MemoryBreakdown& m = report->memory;
  CHECK(m.kv_bytes_per_token == 6144);
  CHECK(m.state_bytes_per_sequence == 49364992ull);
  // 4 users x (one 2,096-token block of 6,144 B per token + 49,364,992 B of state).
  const std::uint64_t per_user = 2096ull * 6144 + 49364992ull;
  CHECK(m.kv_cache_bytes == 4 * per_user);
  // Max users: each one costs its KV plus one state slot.
  CHECK(report->max_users == m.kv_cache_capacity_bytes / per_user);
  const std::string json = size_json_text(report.value(), -1);
  CHECK(json.find("\"state_bytes_per_sequence\":49364992") != std::string::npos);

  // llama.cpp: one state cell per slot.
  r.runtime = RuntimeId::llamacpp;
  r.knobs.parallel_slots = 2;
  auto llama = size(r);
  REQUIRE(llama);
  CHECK(llama->memory.state_bytes_per_sequence == 49930240ull);
  // n_ctx = 2 slots x 1,280 = 2,560 (a multiple of 256): 2,560 x 6,144 B of KV + 2 state cells.
  CHECK(llama->inputs.ctx_size_tokens == 2560);
  CHECK(llama->memory.kv_cache_capacity_bytes == 2560ull * 6144 + 2ull * 49930240ull);
}

TEST_CASE("GGUF: a qwen3next file is sized with its recurrent state", "[hybrid][gguf]") {
  test::GgufWriter w;
  w.str("general.architecture", "qwen3next")
      .u32("qwen3next.block_count", 4)
      .u32("qwen3next.embedding_length", 256)
      .u32("qwen3next.feed_forward_length", 512)
      .u32("qwen3next.attention.head_count", 4)
      .u32("qwen3next.attention.head_count_kv", 2)
      .u32("qwen3next.attention.key_length", 64)
      .u32("qwen3next.ssm.conv_kernel", 4)
      .u32("qwen3next.ssm.inner_size", 512)  // nv x dv = 4 x 128
      .u32("qwen3next.ssm.state_size", 64)   // dk
      .u32("qwen3next.ssm.group_count", 2)   // nk
      .u32("qwen3next.ssm.time_step_rank", 4)
      .u32("qwen3next.full_attention_interval", 4);
  w.tensor("token_embd.weight", {256, 32}, test::kGgmlF32);
  const std::string bytes = w.file();
  MemoryByteSource source(bytes);
  auto header = read_gguf_header(source);
  REQUIRE(header);
  auto arch = arch_from_gguf(*header, "q.gguf", nullptr);
  INFO((arch ? std::string() : arch.error().message));
  REQUIRE(arch);
  CHECK(arch->attention_of(3) == AttentionKind::full);
  CHECK(count_state(arch.value(), StateKind::gated_deltanet) == 3);
  // n_embd_r = 3 x (512 + 2 x 2 x 64) = 2,304; n_embd_s = 64 x 512 = 32,768; f32, 3 layers.
  CHECK(make_kv_layout(arch.value(), 2.0, RuntimeId::llamacpp, 1, true).state_bytes_per_sequence ==
        3ull * (2304 + 32768) * 4);
  // KV on the one attention layer: 2 x 2 heads x 64 x 2 B.
  CHECK(make_kv_layout(arch.value(), 2.0, RuntimeId::llamacpp, 1, true).bytes_per_token() == 512);
}

}  // namespace headroom

namespace headroom {

TEST_CASE("GGUF: nemotron_h MLP layers hold neither KV nor state", "[hybrid][gguf]") {
  // Layers M * - M: per-layer head_count_kv and feed_forward_length as llama.cpp writes them.
  test::GgufWriter w;
  w.str("general.architecture", "nemotron_h")
      .u32("nemotron_h.block_count", 4)
      .u32("nemotron_h.embedding_length", 256)
      .u32_array("nemotron_h.feed_forward_length", {0, 0, 512, 0})
      .u32("nemotron_h.attention.head_count", 4)
      .u32_array("nemotron_h.attention.head_count_kv", {0, 2, 0, 0})
      .u32("nemotron_h.attention.key_length", 64)
      .u32("nemotron_h.ssm.conv_kernel", 4)
      .u32("nemotron_h.ssm.inner_size", 256)
      .u32("nemotron_h.ssm.state_size", 16)
      .u32("nemotron_h.ssm.group_count", 2)
      .u32("nemotron_h.ssm.time_step_rank", 8);
  w.tensor("token_embd.weight", {256, 32}, test::kGgmlF32);
  const std::string bytes = w.file();
  MemoryByteSource source(bytes);
  auto header = read_gguf_header(source);
  REQUIRE(header);
  auto arch = arch_from_gguf(*header, "n.gguf", nullptr);
  INFO((arch ? std::string() : arch.error().message));
  REQUIRE(arch);
  CHECK(arch->state_of(0) == StateKind::mamba2);
  CHECK(arch->attention_of(1) == AttentionKind::full);
  CHECK(arch->state_of(2) == StateKind::none);  // the MLP layer
  CHECK(arch->attention_of(2) == AttentionKind::none);
  CHECK(arch->state_of(3) == StateKind::mamba2);
  // n_embd_r = 3 x (256 + 2 x 2 x 16) = 960, n_embd_s = 16 x 256 = 4,096; f32, 2 layers.
  const KvLayout kv = make_kv_layout(arch.value(), 2.0, RuntimeId::llamacpp, 1, true);
  CHECK(kv.state_bytes_per_sequence == 2ull * (960 + 4096) * 4);
  CHECK(kv.bytes_per_token() == 512);  // 1 layer x 2 x 2 heads x 64 x 2 B
}

TEST_CASE("Hostile hybrid widths are refused, not wrapped", "[hybrid][errors]") {
  auto huge = parse_hf_config(R"({"model_type": "nemotron_h", "hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128,
    "vocab_size": 100, "hybrid_override_pattern": "M*", "mamba_num_heads": 4000000000,
    "mamba_head_dim": 4000000000})",
                              "huge");
  REQUIRE_FALSE(huge);
  CHECK(huge.error().field == "model.recurrent.d_inner");
  auto short_pattern = parse_hf_config(R"({"model_type": "nemotron_h", "hidden_size": 64,
    "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 128,
    "vocab_size": 100, "hybrid_override_pattern": "M*"})",
                                       "short");
  REQUIRE_FALSE(short_pattern);
  CHECK(short_pattern.error().field == "config.hybrid_override_pattern");
}

}  // namespace headroom

namespace headroom {

TEST_CASE("GGUF: llama4 layers chunk at 8192 tokens, 3 of 4", "[hybrid][gguf]") {
  test::GgufWriter w;
  w.str("general.architecture", "llama4")
      .u32("llama4.block_count", 4)
      .u32("llama4.embedding_length", 256)
      .u32("llama4.feed_forward_length", 512)
      .u32("llama4.attention.head_count", 4)
      .u32("llama4.attention.head_count_kv", 2)
      .u32("llama4.attention.key_length", 64);
  w.tensor("token_embd.weight", {256, 32}, test::kGgmlF32);
  const std::string bytes = w.file();
  MemoryByteSource source(bytes);
  auto header = read_gguf_header(source);
  REQUIRE(header);
  auto arch = arch_from_gguf(*header, "l4.gguf", nullptr);
  REQUIRE(arch);
  CHECK(arch->attention_of(0) == AttentionKind::chunked);
  CHECK(arch->attention_of(3) == AttentionKind::full);
  // 20000 tokens: the 3 chunked layers hold 8192 + n_ubatch 512, the global one all 20000;
  // 2 x 2 heads x 64 x 2 B = 512 B per layer and token.
  const KvLayout kv = make_kv_layout(arch.value(), 2.0, RuntimeId::llamacpp, 1, true);
  CHECK(kv.bytes_for(20000, 1, 1, 512) == 3ull * 8704 * 512 + 20000ull * 512);
}

}  // namespace headroom

namespace headroom {

TEST_CASE("Ollama runs Nemotron-H one sequence at a time", "[hybrid][sizing]") {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::ollama, "h100-sxm-80gb");
  r.model = test::catalog().find_model("nemotron-3-nano-30b-a3b").value()->arch;
  r.workload = {1024, 256, 4};
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->inputs.parallel_slots == 1);
  CHECK(report->max_users == 1);
  CHECK(report->verdict == Verdict::does_not_fit);
  // The same workload on llama-server gets its 4 slots.
  r.runtime = RuntimeId::llamacpp;
  auto llama = size(r);
  REQUIRE(llama);
  CHECK(llama->inputs.parallel_slots == 4);
  CHECK(llama->max_users > 4);
}

}  // namespace headroom

namespace headroom {

TEST_CASE("SGLang caps a hybrid's users by its mamba state pool", "[hybrid][sizing]") {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::sglang, "h100-sxm-80gb");
  r.model = test::catalog().find_model("nemotron-3-nano-30b-a3b").value()->arch;
  r.workload = {1024, 256, 4};
  auto report = size(r);
  REQUIRE(report);
  const MemoryBreakdown& m = report->memory;
  // bf16 conv + f32 SSM: 23 x (18,432 x 2 + 524,288 x 4) = 49,082,368 B per slot.
  CHECK(m.state_bytes_per_sequence == 49082368ull);
  // The pool gets 0.9 / 1.9 of the reservation; 5 slots per running request.
  const double pool = static_cast<double>(m.kv_cache_capacity_bytes) * 0.9 / 1.9;
  const auto slots = static_cast<std::uint64_t>(pool / 49082368.0);
  CHECK(report->max_users == slots / 5);
  // The unified figure (reservation / (KV + state) per user) would be about 2x larger.
  CHECK(report->max_users * 2 < m.kv_cache_capacity_bytes / (1280ull * 6144 + 49082368ull));
}

}  // namespace headroom

namespace headroom {

TEST_CASE("Family layer rules: non-gated MLPs, ERNIE's MoE interval, Cohere2's windows",
          "[hybrid]") {
  // Constructed configs: only the per-family rules are under test.
  auto starcoder = parse_hf_config(R"({"model_type": "starcoder2", "hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
    "intermediate_size": 256, "vocab_size": 100, "use_bias": true,
    "tie_word_embeddings": true})",
                                   "sc2");
  REQUIRE(starcoder);
  for (const auto& t : model_tensors(starcoder.value())) CHECK(t.role != TensorRole::ffn_gate);
  // Per layer: q 4096 + k 2048 + v 2048 + o 4096, their biases 64 + 32 + 32 + 64, c_fc and
  // c_proj 2 x 64 x 256 + biases 256 + 64, norms 2 x 64 = 45,696; 2 layers + tied embedding
  // 6,400 + final norm 64 = 97,856.
  CHECK(total_params(starcoder.value()) == 97856);

  auto ernie = parse_hf_config(R"({"model_type": "ernie4_5_moe", "hidden_size": 64,
    "num_hidden_layers": 6, "num_attention_heads": 4, "num_key_value_heads": 2,
    "intermediate_size": 256, "vocab_size": 100, "moe_num_experts": 8, "moe_k": 2,
    "moe_num_shared_experts": 2, "moe_intermediate_size": 32, "moe_layer_start_index": 1,
    "moe_layer_end_index": 4, "moe_layer_interval": 1})",
                               "ernie");
  REQUIRE(ernie);
  CHECK(ernie->num_experts == 8);                       // moe_num_experts
  CHECK(ernie->experts_per_token == 2);                 // moe_k
  CHECK(ernie->shared_expert_intermediate_size == 64);  // 2 shared x 32
  CHECK_FALSE(ernie->layer_is_moe(0));
  CHECK(ernie->layer_is_moe(1));
  CHECK(ernie->layer_is_moe(4));
  CHECK_FALSE(ernie->layer_is_moe(5));

  auto cohere = parse_hf_config(R"({"model_type": "cohere2", "hidden_size": 64,
    "num_hidden_layers": 8, "num_attention_heads": 4, "num_key_value_heads": 2,
    "intermediate_size": 256, "vocab_size": 100, "sliding_window": 4096,
    "sliding_window_pattern": 4})",
                                "cohere2");
  REQUIRE(cohere);
  CHECK(cohere->attention_of(0) == AttentionKind::sliding);
  CHECK(cohere->attention_of(3) == AttentionKind::full);
  CHECK(cohere->attention_of(7) == AttentionKind::full);
  CHECK(count_attention(cohere.value(), AttentionKind::sliding) == 6);
}

}  // namespace headroom

namespace headroom {

TEST_CASE("GLM-4.5-Air (glm4_moe): q/k/v biases, one dense layer, one shared expert",
          "[hybrid]") {
  // The sizing fields of zai-org/GLM-4.5-Air's config.json
  // (https://huggingface.co/zai-org/GLM-4.5-Air/blob/main/config.json).
  auto air = parse_hf_config(R"({"architectures": ["Glm4MoeForCausalLM"], "attention_bias": true,
    "first_k_dense_replace": 1, "head_dim": 128, "hidden_size": 4096, "intermediate_size": 10944,
    "max_position_embeddings": 131072, "model_type": "glm4_moe", "moe_intermediate_size": 1408,
    "n_routed_experts": 128, "n_shared_experts": 1, "num_attention_heads": 96,
    "num_experts_per_tok": 8, "num_hidden_layers": 46, "num_key_value_heads": 8,
    "num_nextn_predict_layers": 1, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
    "use_qk_norm": false, "vocab_size": 151552})",
                             "glm-4.5-air");
  REQUIRE(air);
  CHECK(air->attention_bias);
  CHECK(air->head_dim == 128);  // 96 heads do not divide 4096
  CHECK(air->shared_expert_intermediate_size == 1408);
  // "106B total parameters and 12B active" (GLM-4.5 model card,
  // https://huggingface.co/zai-org/GLM-4.5-Air); the MTP layer is not counted.
  CHECK(params(air.value()) == Approx(106e9).epsilon(0.02));
  // The active figure is published rounded (12B); Headroom's 12.8B (output head included, input
  // embedding not) is held to that rounding.
  CHECK(active(air.value()) == Approx(12.5e9).epsilon(0.04));
  // KV: 46 layers x 2 x 8 heads x 128 x 2 B = 188,416 B/token.
  CHECK(make_kv_layout(air.value(), 2.0, RuntimeId::vllm, 1, true).bytes_per_token() == 188416);
}

}  // namespace headroom

namespace headroom {

TEST_CASE("SGLang hybrids: max context and the KV share count the token pool, not the state pool",
          "[hybrid][sglang]") {
  // SGLang splits a recurrent hybrid's reservation into a KV pool and a mamba state pool
  // (runtime/memory.cpp split_mamba_pool); only the KV pool holds tokens. Nemotron 3 Nano on
  // 2x B200 for 256 users: the max context it reports must run, and 1% more must not.
  namespace t = test;
  SizingRequest r =
      t::request("nemotron-3-nano-30b-a3b", "native", RuntimeId::sglang, "b200-180gb");
  r.gpus = 2;
  r.workload = {30000, 2768, 256};
  r.with_advice = false;
  auto report = size(r);
  REQUIRE(report);
  const std::uint64_t context = report->max_context_tokens;
  REQUIRE(context > 2768);
  r.workload.prompt_tokens = context - 2768;
  auto at = size(r);
  REQUIRE(at);
  CHECK(at->verdict != Verdict::does_not_fit);
  r.workload.prompt_tokens = context + context / 100 - 2768;
  auto past = size(r);
  REQUIRE(past);
  CHECK(past->verdict == Verdict::does_not_fit);
  // One long sequence on one card: the share of the KV pool its tokens fill decides tight (96%),
  // not its share of KV + state pools together (51%).
  SizingRequest one =
      t::request("qwen3.5-27b", "native", RuntimeId::sglang, "rtx-pro-6000-blackwell");
  one.workload = {250000, 1024, 1};
  one.with_advice = false;
  auto long_one = size(one);
  REQUIRE(long_one);
  CHECK(long_one->verdict == Verdict::tight);
  // A sequence longer than the KV pool holds: the reason names that pool (its 100 state slots
  // are not the limit), and nobody runs.
  one.workload = {261120, 1024, 1};
  auto too_long = size(one);
  REQUIRE(too_long);
  CHECK(too_long->verdict == Verdict::does_not_fit);
  CHECK(too_long->verdict_reason.find("KV pool beside the mamba state pool") != std::string::npos);
  CHECK(too_long->max_users == 0);
  CHECK(too_long->max_context_tokens < 262144);
}

}  // namespace headroom

namespace headroom {

TEST_CASE("Ollama's one-sequence families: advice names the queue, not a bigger card",
          "[hybrid][ollama]") {
  // Ollama forces num_parallel 1 for qwen3next / qwen35 / lfm2 / nemotron_h (server/sched.go):
  // 16 users on an H200 queue behind one whatever the card, so "a card with more memory is
  // needed" would be wrong; the advice says why they queue, then what loads one user (the bf16
  // weights need 2 GPUs or q8_0).
  SizingRequest r =
      test::request("qwen3-next-80b-a3b-thinking", "native", RuntimeId::ollama, "h200-sxm-141gb");
  r.workload.users = 16;
  auto report = size(r);
  REQUIRE(report);
  REQUIRE_FALSE(report->advice.empty());
  CHECK(report->advice.front().find("one sequence at a time") != std::string::npos);
  bool bigger_card = false, two_gpus = false;
  for (const auto& line : report->advice) {
    bigger_card |= line.find("a card with more memory is needed") != std::string::npos;
    two_gpus |= line.find("needs 2 GPUs") != std::string::npos;
  }
  CHECK_FALSE(bigger_card);
  CHECK(two_gpus);
  // An explicit --parallel above 1 would be silently replaced: it is refused instead.
  r.knobs.parallel_slots = 4;
  auto refused_slots = size(r);
  REQUIRE_FALSE(refused_slots);
  CHECK(refused_slots.error().field == "parallel");
}

TEST_CASE("SGLang's window pool bounds the max context it reports (Llama 4)", "[sglang]") {
  // SGLang pools Llama 4's chunked layers apart (0.8 of the full-layer tokens); below two chunks
  // a request holds every token there, so that pool caps the context of 256 users too.
  SizingRequest r = test::request("llama-4-scout-17b-16e-instruct", "native", RuntimeId::sglang,
                                  "rtx-pro-6000-blackwell");
  r.gpus = 8;
  r.workload.users = 256;
  r.with_advice = false;
  auto report = size(r);
  REQUIRE(report);
  const std::uint64_t context = report->max_context_tokens;
  r.workload = {context - 1000, 1000, 256};
  auto at = size(r);
  REQUIRE(at);
  CHECK(at->verdict != Verdict::does_not_fit);
  r.workload = {context + context / 100 - 1000, 1000, 256};
  auto past = size(r);
  REQUIRE(past);
  CHECK(past->verdict == Verdict::does_not_fit);
}

TEST_CASE("TGI refuses the recurrent hybrids it does not list", "[hybrid][tgi]") {
  for (const char* id : {"qwen3-next-80b-a3b-thinking", "nemotron-3-nano-30b-a3b", "qwen3.5-27b"}) {
    INFO(id);
    SizingRequest r = test::request(id, "native", RuntimeId::tgi, "h200-sxm-141gb");
    auto refused = size(r);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "runtime");
    CHECK(refused.error().message.find("recurrent layers") != std::string::npos);
  }
  // Attention-only models stay served.
  CHECK(size(test::request("qwen3-8b", "native", RuntimeId::tgi, "h200-sxm-141gb")));
}

}  // namespace headroom

namespace headroom {

TEST_CASE("llama.cpp layer split: the busiest GPU's KV counts the layers it holds",
          "[hybrid][llama]") {
  // Qwen3-Next-80B-A3B Q4_K_M on 8 GPUs: 48 layers, 6 to a GPU (layer i on GPU floor(i x 8 /
  // 48)), attention on every fourth (i + 1 divisible by 4): GPUs 1, 3, 5 and 7 hold 2 attention
  // and 4 Gated DeltaNet layers. Their buffer at n_ctx 241,664 over 4 slots: 241,664 x 2 layers x
  // 2,048 B (2 KV heads x 256 x K and V x 2 B) + 4 layers x 4 slots x 2,195,456 B of f32 state =
  // 1,024,983,040 B. Prorated by the layer share (1/8 of every layer kind) it was 781,910,016 B.
  SizingRequest r = test::request("qwen3-next-80b-a3b-thinking", "q4_k_m", RuntimeId::llamacpp,
                                  "rtx-4060-ti-8gb");
  r.gpus = 8;
  r.workload = {60000, 256, 4};
  r.with_advice = false;
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->memory.kv_cache_capacity_bytes == 1024983040ull);
}

}  // namespace headroom
