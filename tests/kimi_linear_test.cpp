// Kimi Linear (kimi_linear) from the real Kimi-K3 config.json (tests/data/configs/
// moonshotai--Kimi-K3.json, SOURCES.md): layer kinds, every tensor counted by hand against the
// published totals, MLA KV per token and the KDA state per sequence per runtime.
#include <catch2/catch.hpp>

#include <string>

#include "config_fixtures.h"
#include "headroom/model.h"
#include "headroom/sizing.h"
#include "runtime/kv_layout.h"
#include "runtime/mxfp4_moe.h"
#include "sizing_fixtures.h"

namespace headroom {
namespace {

using namespace fixtures;

std::size_t count_kda(const ModelArch& a) {
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < a.num_layers; ++i)
    if (a.state_of(i) == StateKind::kda) ++n;
  return n;
}

// The K3 text_config with one key's value replaced (the key must be present once).
std::string k3_with(const std::string& key, const std::string& value) {
  std::string text = read_config("moonshotai--Kimi-K3");
  const std::size_t at = text.find(key);
  REQUIRE(at != std::string::npos);
  const std::size_t end = text.find_first_of(",\n}", at + key.size());
  text.replace(at, end - at, key + " " + value);
  return text;
}

}  // namespace

TEST_CASE("Kimi-K3: KDA and MLA layers from 1-based linear_attn_config lists", "[hybrid][kimi]") {
  const ModelArch a = parse("moonshotai--Kimi-K3");
  CHECK(a.family == "kimi_linear");  // text_config.model_type
  CHECK(a.num_layers == 93);
  // kda_layers lists 69 layer numbers, full_attn_layers 24 (4, 8, ..., 92 and 93): vLLM and
  // SGLang make layer i a KDA layer when i + 1 is in kda_layers, so 0-based layers 3, 7, ... and
  // the last two (91, 92) are MLA.
  CHECK(count_kda(a) == 69);
  CHECK(count_attention(a, AttentionKind::mla) == 24);
  CHECK(a.state_of(0) == StateKind::kda);
  CHECK(a.attention_of(3) == AttentionKind::mla);
  CHECK(a.attention_of(91) == AttentionKind::mla);
  CHECK(a.attention_of(92) == AttentionKind::mla);
  CHECK(a.state_of(90) == StateKind::kda);
  // first_k_dense_replace 1: layer 0 dense (intermediate_size 33792), 92 MoE layers.
  CHECK(a.ffn_of(0) == FfnKind::dense);
  CHECK(a.ffn_of(1) == FfnKind::moe);
  CHECK(a.num_experts == 896);
  CHECK(a.experts_per_token == 16);                  // num_experts_per_token
  CHECK(a.shared_expert_intermediate_size == 6144);  // 2 shared x moe_intermediate_size 3072
  CHECK(a.moe_latent_size == 3584);                  // routed_expert_hidden_size
  CHECK(a.native_quant == "mxfp4");                  // compressed-tensors mxfp4-pack-quantized
  CHECK(a.recurrent.full_rank_gate);

  // By hand (h 7168, P = 96 x 128 = 12288, d 128, K 4; see core/src/model/hf_kimi_linear.cpp):
  // KDA layer: q/k/v 3 P h + convs 3 P K + f_a d h + f_b P d + b_proj 96 h + g_proj P h +
  //   A_log 96 + dt_bias P + o_norm d + o_proj h P = 443,740,384.
  const double h = 7168, p = 12288;
  const double kda =
      3 * p * h + 3 * p * 4 + 128 * h + p * 128 + 96 * h + p * h + 96 + p + 128 + h * p;
  CHECK(kda == 443740384.0);
  // MLA layer: q_a 1536 h + norm 1536 + q_b 96 x 192 x 1536 + kv_a 576 h + norm 512 +
  //   kv_b 96 x 256 x 512 + o_proj h x 12288 + g_proj (mla_use_output_gate) 12288 x h.
  const double mla =
      1536 * h + 1536 + 96.0 * 192 * 1536 + 576 * h + 512 + 96.0 * 256 * 512 + h * p + p * h;
  CHECK(mla == 232196096.0);
  // MoE layer: router 896 h + e_score_correction_bias 896 + routed_expert_down/up_proj
  //   2 x 3584 h + routed_expert_norm 3584 + shared 3 x 6144 x h; experts 896 x 3 x 3072 x 3584.
  const double moe = 896 * h + 896 + 2 * 3584 * h + 3584 + 3 * 6144 * h;
  const double experts = 896.0 * 3 * 3072 * 3584;
  const double dense = 3 * 33792 * h;
  // Per layer 2 RMSNorms + attention residuals (self_attention_res, mlp_res: proj 1 x h + norm
  // h); model: embed + lm_head (untied), final norm, output_attn_res proj + norm.
  const double per_layer = 6 * h, model = 2 * 163840 * h + 3 * h;
  // MoonViT3d (vt_hidden 1024, qkv 1536, MLP 4096, 27 layers, RMSNorm, no biases): patch conv
  // 3 x 14 x 14 x 1024 + pos table 64 x 64 x 1024 + 27 x (2 norms + wqkv 1024 x 4608 +
  // wo 1536 x 1024 + 2 x 1024 x 4096) + final norm; PatchMergerMLPV2 4096^2 + 4096 x 7168 + 7168.
  const double vision = 3 * 14 * 14 * 1024 + 64 * 64 * 1024.0 +
                        27 * (2 * 1024 + 1024 * 4608.0 + 1536 * 1024 + 2 * 1024 * 4096.0) + 1024 +
                        4096 * 4096.0 + 4096 * 7168.0 + 7168;
  CHECK(a.vision_params == 447358976ull);
  CHECK(vision == 447358976.0);
  const double total =
      69 * kda + 24 * mla + 92 * (moe + experts) + dense + 93 * per_layer + model + vision;
  CHECK(total_params(a) == 2779931834976ull);
  CHECK(params(a) == total);
  // "2.8 trillion parameters ... 104 billion activated" (Kimi-K3 model card,
  // https://huggingface.co/moonshotai/Kimi-K3, as quoted in ModelEngine-Group/
  // unified-cache-management issue #1357 and xorbitsai/inference PR #5417, which lists
  // model_size_in_billions "2779_93", activated 104).
  CHECK(params(a) == Approx(2.8e12).epsilon(0.02));
  CHECK(params(a) / 1e9 == Approx(2779.93).epsilon(1e-5));
  // Active: all but the embedding lookup, the vision tower and 880 of 896 experts.
  const double act = total - vision - 163840 * h - 92 * experts * (1 - 16.0 / 896);
  CHECK(active_params(a) == 104189612640ull);
  CHECK(active(a) == Approx(act).epsilon(1e-12));
  CHECK(active(a) == Approx(104e9).epsilon(0.02));

  // KV: 24 MLA layers x (kv_lora_rank 512 + qk_rope_head_dim 64) x 2 B = 27,648 B per token
  // (mla_use_nope only skips RoPE; the rope slice is still cached).
  const KvLayout vllm = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, true);
  CHECK(vllm.bytes_per_token() == 27648);
  // State per KDA layer (vLLM kda_state_shape, SGLang KimiLinearStateShape): q/k/v conv windows
  // (4 - 1) x 3 x 12288 = 110,592 elements, recurrent 96 x 128 x 128 = 1,572,864.
  const StateElements e = recurrent_state_elements(a);
  CHECK(e.conv == 69ull * 110592);
  CHECK(e.ssm == 69ull * 1572864);
  // SGLang: bf16 conv + float32 state = 69 x 6,512,640 = 449,372,160 B; over TP 8, an eighth.
  CHECK(make_kv_layout(a, 2.0, RuntimeId::sglang, 1, true).state_bytes_per_sequence ==
        449372160ull);
  CHECK(make_kv_layout(a, 2.0, RuntimeId::sglang, 8, true).state_bytes_per_sequence == 56171520ull);
  // vLLM: conv in the model dtype, the recurrent state always float32 (kda_state_dtype); the
  // 6,512,640 B page sets the block to 16 x cdiv(6,512,640, 16 x 1,152) = 5,664 tokens and pads
  // each layer's page to 5,664 x 1,152 B: 69 x 6,524,928 = 450,220,032 B.
  CHECK(vllm.min_block_tokens == 5664);
  CHECK(vllm.state_bytes_per_sequence == 450220032ull);
}

TEST_CASE("Kimi-K3's MXFP4 experts are padded at the latent width, not the hidden",
          "[hybrid][kimi]") {
  const ModelArch a = parse("moonshotai--Kimi-K3");
  // down_proj of one MoE layer: 896 experts x (latent 3584 rows x 3072 columns). FlashInfer SM100
  // pads each GPU's 3072 / 16 = 192 columns to 256 and the 3584 rows to a multiple of 256 (3584):
  // 16 x 896 x 3584 x 256 values at 17 B per 32.
  const TensorSpec down{"blk.1.ffn_down_exps.weight",
                        TensorRole::ffn_down_exps,
                        1,
                        896ull * 3584,
                        3072,
                        DType::mxfp4};
  CHECK(mxfp4_moe_bytes(down, a, 16, Mxfp4MoeBackend::flashinfer_sm100, 0) ==
        16ull * 896 * 3584 * 256 / 32 * 17);
}

TEST_CASE("Kimi-K3 sizes on vLLM and SGLang, refused elsewhere by name", "[hybrid][kimi]") {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::vllm, "h200-sxm-141gb");
  r.model = parse("moonshotai--Kimi-K3");
  r.gpus = 16;
  r.workload = {8192, 1024, 4};
  for (const RuntimeId runtime : {RuntimeId::vllm, RuntimeId::sglang}) {
    r.runtime = runtime;
    auto report = size(r);
    INFO((report ? std::string() : report.error().message));
    REQUIRE(report);
    CHECK(report->memory.kv_bytes_per_token == 27648);
    CHECK(report->memory.state_bytes_per_sequence > 0);
  }
  // The compressed-tensors MXFP4 checkpoint keeps its stored expert layout on both runtimes (the
  // gpt-oss padding belongs to the mxfp4 quant method), so vLLM and SGLang place the same bytes.
  r.runtime = RuntimeId::vllm;
  auto vllm = size(r);
  r.runtime = RuntimeId::sglang;
  auto sglang = size(r);
  REQUIRE(vllm);
  REQUIRE(sglang);
  CHECK(vllm->memory.weights_bytes == sglang->memory.weights_bytes);
  // gpt-oss (quant_method "mxfp4") keeps its runtime layouts: they differ.
  SizingRequest oss = test::request("gpt-oss-120b", "native", RuntimeId::vllm, "h200-sxm-141gb");
  auto oss_vllm = size(oss);
  oss.runtime = RuntimeId::sglang;
  auto oss_sglang = size(oss);
  REQUIRE(oss_vllm);
  REQUIRE(oss_sglang);
  CHECK(oss_vllm->memory.weights_bytes != oss_sglang->memory.weights_bytes);
  for (const RuntimeId runtime : {RuntimeId::trtllm, RuntimeId::tgi, RuntimeId::llamacpp}) {
    r.runtime = runtime;
    auto refused = size(r);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "runtime");
    CHECK(refused.error().message.find("Kimi Delta Attention") != std::string::npos);
  }
}

TEST_CASE("kimi_linear config errors name the field", "[hybrid][kimi][errors]") {
  // A 0-based layer number is out of the 1-based range.
  auto zero = parse_hf_config(k3_with("\"kda_layers\": [", "0,"), "bad");
  REQUIRE_FALSE(zero);
  CHECK(zero.error().field == "config.linear_attn_config.kda_layers");
  auto heads = parse_hf_config(k3_with("\"num_heads\":", "0"), "bad");
  REQUIRE_FALSE(heads);
  CHECK(heads.error().field == "config.linear_attn_config.num_heads");
  auto latent = parse_hf_config(k3_with("\"routed_expert_hidden_size\":", "8192"), "bad");
  REQUIRE_FALSE(latent);
  CHECK(latent.error().field == "config.routed_expert_hidden_size");
  auto projector = parse_hf_config(k3_with("\"mm_projector_type\":", "\"mlp\""), "bad");
  REQUIRE_FALSE(projector);
  CHECK(projector.error().field == "config.vision_config.mm_projector_type");
  auto vision = parse_hf_config(k3_with("\"vt_hidden_size\":", "0"), "bad");
  REQUIRE_FALSE(vision);
  CHECK(vision.error().field == "config.vision_config.vt_hidden_size");
}

}  // namespace headroom
