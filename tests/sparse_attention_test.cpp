// Sparse-attention and per-layer-width families: DeepSeek-V3.2 and GLM-5 (MLA + the lightning
// indexer), Gemma 4 and MiMo-V2-Flash (sliding and global layers of different KV shapes),
// Nemotron-NAS (per-block widths). Real config.json files in tests/data/configs (vendored from
// ai-dynamo/aiconfigurator, see SOURCES.md), their published parameter counts, and KV / indexer
// bytes per token worked by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "gguf_writer.h"
#include "headroom/gguf.h"
#include "headroom/model.h"
#include "headroom/sizing.h"
#include "runtime/kv_layout.h"
#include "config_fixtures.h"
#include "sizing_fixtures.h"

namespace headroom {
namespace {

using namespace fixtures;

bool has_tensor(const ModelArch& a, const std::string& name) {
  const auto tensors = model_tensors(a);
  return std::any_of(tensors.begin(), tensors.end(),
                     [&](const TensorSpec& t) { return t.name == name; });
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
    text.replace(at, from.size(), to), at += to.size();
  return text;
}

}  // namespace

TEST_CASE("DeepSeek-V3.2: MLA plus the lightning indexer, weights and key cache", "[sparse]") {
  const ModelArch a = parse("deepseek-ai--DeepSeek-V3.2");
  CHECK(a.family == "deepseek_v32");
  CHECK(a.index_n_heads == 64);
  CHECK(a.index_head_dim == 128);
  CHECK(a.index_topk == 2048);
  // "671B main model weights and 14B MTP module weights" (deepseek-ai/DeepSeek-V3 README,
  // README_WEIGHTS.md; the V3.2 card's 685B is the same sum); the MTP block is not counted, the
  // indexer adds ~0.85B. 37B activated per token (same README).
  CHECK(params(a) == Approx(671e9).epsilon(0.02));
  CHECK(active(a) == Approx(37e9).epsilon(0.02));
  // The indexer's weights per layer, hand-counted from inference/model.py Indexer: wq_b
  // 1,536 x 64 x 128 + wk 7,168 x 128 + k_norm 2 x 128 + weights_proj 7,168 x 64 = 13,959,424;
  // the same config read as deepseek_v3 (no indexer) is exactly 61 x that smaller.
  std::string v3 = read_config("deepseek-ai--DeepSeek-V3.2");
  v3 = replace_all(v3, "\"deepseek_v32\"", "\"deepseek_v3\"");
  auto plain = parse_hf_config(v3, "v3");
  REQUIRE(plain);
  CHECK(total_params(a) - total_params(plain.value()) == 61ull * 13959424ull);

  // KV per token, 61 layers, one GPU:
  // vLLM/SGLang bf16: latent (512 + 64) x 2 B + indexer 128 fp8 + 4 B scale = 1,284 B a layer.
  const KvLayout vllm = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, false);
  CHECK(vllm.bytes_per_token() == 61ull * 1284);
  CHECK(vllm.indexer_bytes_per_token == 61ull * 132);
  CHECK(make_kv_layout(a, 2.0, RuntimeId::sglang, 8, false).bytes_per_token() == 61ull * 1284);
  // fp8: vLLM's fp8_ds_mla record 512 fp8 + 4 x 4 B scales + 64 x 2 B rope = 656 B, + 132.
  CHECK(make_kv_layout(a, 1.0, RuntimeId::vllm, 1, false).bytes_per_token() == 61ull * 788);
  CHECK(make_kv_layout(a, 1.0, RuntimeId::sglang, 1, false).bytes_per_token() == 61ull * 788);
  // llama.cpp f16 (llama_kv_cache_dsa): K 576 x 2 B + the indexer key 128 x 2 B, no scale;
  // a build before the V-less cache (PR #19067) kept the latent V (512) as well.
  CHECK(make_kv_layout(a, 2.0, RuntimeId::llamacpp, 1, false).bytes_per_token() ==
        61ull * (1152 + 256));
  CHECK(make_kv_layout(a, 2.0, RuntimeId::llamacpp, 1, true).bytes_per_token() ==
        61ull * (2176 + 256));
}

TEST_CASE("GLM-5 (glm_moe_dsa): MLA with 64 heads of 256 and an indexer of 32 heads", "[sparse]") {
  const ModelArch a = parse("zai-org--GLM-5");
  CHECK(a.has_indexer());
  CHECK(a.index_n_heads == 32);
  CHECK(a.head_dim == 256);  // qk_nope 192 + rope 64; the config's head_dim 64 is not the MLA one
  CHECK(a.v_head_dim == 256);
  // "744B parameters (40B active)" (https://huggingface.co/zai-org/GLM-5 model card).
  CHECK(params(a) == Approx(744e9).epsilon(0.02));
  // Headroom's 40.8B active includes the 0.95B output head (154,880 x 6,144); without it 39.9B.
  CHECK(active(a) == Approx(40e9).epsilon(0.03));
  CHECK(active(a) - 154880.0 * 6144 == Approx(40e9).epsilon(0.01));
  // 78 layers x (576 x 2 B + 132 B).
  CHECK(make_kv_layout(a, 2.0, RuntimeId::vllm, 1, false).bytes_per_token() == 78ull * 1284);
}

TEST_CASE("GLM-5.2 (IndexShare): 21 of 78 layers own an indexer, the rest reuse its top-k",
          "[sparse]") {
  const ModelArch a = parse("zai-org--GLM-5.2");
  // indexer_types: "full" at layers 0, 1, 2 and every fourth from 6 to 74.
  std::vector<std::uint32_t> owners;
  for (std::uint32_t i = 0; i < a.num_layers; ++i)
    if (a.owns_indexer(i)) owners.push_back(i);
  REQUIRE(owners.size() == 21);
  CHECK(owners[3] == 6);
  CHECK(owners.back() == 74);
  CHECK_FALSE(a.owns_indexer(3));
  // GLM-5's shapes: 57 fewer indexers of wq_b 2048 x (32 x 128), wk 6144 x 128, k_norm 2 x 128
  // and weights_proj 6144 x 32.
  const ModelArch glm5 = parse("zai-org--GLM-5");
  const double indexer = 2048.0 * 32 * 128 + 6144.0 * 128 + 2 * 128 + 6144.0 * 32;
  CHECK(params(glm5) - params(a) == Approx(57 * indexer).epsilon(1e-9));
  // "744B total parameters, 40B active" (the GLM-5 line's backbone, unchanged in 5.2).
  CHECK(params(a) == Approx(744e9).epsilon(0.02));
  // KV per token: 78 MLA latents (576 x 2 B) and 21 indexer keys of 132 B; a shared layer
  // still attends sparsely, so every layer's latent is read for index_topk tokens only.
  const KvLayout kv = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, false);
  CHECK(kv.bytes_per_token() == 78ull * 1152 + 21ull * 132);
  CHECK(kv.indexer_bytes_per_token == 21ull * 132);
  CHECK(kv.sparse_bytes_per_token == 78ull * 1152);
  // ModelOpt's NVFP4 export of the same model lists its layers as deepseek_sparse_attention.
  const ModelArch nvfp4 = parse("nvidia--GLM-5.2-NVFP4");
  CHECK(nvfp4.attention_of(5) == AttentionKind::mla);
  CHECK(make_kv_layout(nvfp4, 2.0, RuntimeId::vllm, 1, false).bytes_per_token() ==
        kv.bytes_per_token());
  // A list that starts with a shared layer, or is not "full" / "shared", is refused.
  const std::string text = read_config("zai-org--GLM-5.2");
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"indexer_types\": [\n    \"full\"", "\"indexer_types\": [\n    \"shared\""},
           {"\"indexer_types\": [\n    \"full\"", "\"indexer_types\": [\n    \"dense\""}}) {
    REQUIRE(text.find(from) != std::string::npos);
    auto bad = parse_hf_config(replace_all(text, from, to), "bad");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().field == "config.indexer_types");
  }
}

TEST_CASE("Sparse attention: runtimes without a modelled indexer cache are refused by name",
          "[sparse][errors]") {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::vllm, "h200-sxm-141gb");
  r.model = parse("deepseek-ai--DeepSeek-V3.2");
  r.gpus = 8;
  r.workload = {4096, 512, 4};
  auto vllm = size(r);
  REQUIRE(vllm);
  // TP8 keeps the whole latent and indexer key on every GPU.
  CHECK(vllm->memory.kv_bytes_per_token == 61ull * 1284);
  for (RuntimeId runtime :
       {RuntimeId::trtllm, RuntimeId::tgi, RuntimeId::transformers, RuntimeId::ollama}) {
    r.runtime = runtime;
    auto refusal = size(r);
    REQUIRE_FALSE(refusal);
    CHECK(refusal.error().field == "runtime");
    CHECK(refusal.error().message.find("sparse attention") != std::string::npos);
    CHECK(refusal.error().message.find(runtime_profile(runtime).name) != std::string::npos);
  }
}

TEST_CASE("Sparse attention: decode reads the latent of index_topk tokens, the indexer of all",
          "[sparse][speed]") {
  // The same weights read as DeepSeek-V3 (dense MLA) and V3.2 (MLA + indexer), at 64k tokens:
  // V3.2 holds more KV per token but reads far less of it per step, so it decodes faster.
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::vllm, "h200-sxm-141gb");
  r.gpus = 8;
  r.workload = {65536, 256, 16};
  r.model = parse("deepseek-ai--DeepSeek-V3.2");
  auto sparse = size(r);
  std::string v3 =
      replace_all(read_config("deepseek-ai--DeepSeek-V3.2"), "\"deepseek_v32\"", "\"deepseek_v3\"");
  r.model = parse_hf_config(v3, "v3").value();
  auto dense = size(r);
  REQUIRE(sparse);
  REQUIRE(dense);
  REQUIRE(sparse->speed);
  REQUIRE(dense->speed);
  CHECK(sparse->memory.kv_bytes_per_token > dense->memory.kv_bytes_per_token);
  CHECK(sparse->speed->decode_tokens_per_s_per_user > dense->speed->decode_tokens_per_s_per_user);
}

TEST_CASE("Gemma 4: global layers with their own head size, KV heads and K=V", "[sparse]") {
  const ModelArch a = parse("google--gemma-4-26B-A4B");
  CHECK(a.family == "gemma4_text");
  CHECK(count_attention(a, AttentionKind::full) == 5);
  CHECK(count_attention(a, AttentionKind::sliding) == 25);
  const LayerShape global = a.shape_of(5), local = a.shape_of(0);
  CHECK(global.head_dim == 512);
  CHECK(global.num_kv_heads == 2);
  CHECK(global.k_eq_v);
  CHECK(local.head_dim == 256);
  CHECK(local.num_kv_heads == 8);
  CHECK_FALSE(has_tensor(a, "blk.5.attn_v.weight"));  // V comes from k_proj
  CHECK(has_tensor(a, "blk.0.attn_v.weight"));
  // MoE: 128 experts of 704, 8 routed, beside every layer's dense MLP of 2,112.
  CHECK(a.num_experts == 128);
  CHECK(a.experts_per_token == 8);
  CHECK(a.shared_expert_intermediate_size == 2112);
  // "25.2B total parameters ... 3.8B active" (https://huggingface.co/google/gemma-4-26B-A4B
  // model card); the language model alone is 25.2B, the vision tower is on top.
  CHECK(params(a) - static_cast<double>(a.vision_params) == Approx(25.2e9).epsilon(0.01));
  CHECK(params(a) == Approx(25.2e9).epsilon(0.02));
  CHECK(active(a) == Approx(3.8e9).epsilon(0.02));
  // KV bf16, one GPU: 25 sliding x 8 x (256 + 256) x 2 B = 204,800 B inside the 1,024 window;
  // 5 global x 2 x (512 + 512) x 2 B = 20,480 B growing with the context (V kept, K=V or not).
  const KvLayout kv = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, false);
  REQUIRE(kv.groups.size() == 2);
  CHECK(kv.bytes_per_token() == 204800 + 20480);
  CHECK(kv.bytes_for(100000, 1, 1) == 1024ull * 204800 + 100000ull * 20480);
}

TEST_CASE("MiMo-V2-Flash: sliding layers with 8 KV heads, global layers with 4", "[sparse]") {
  const ModelArch a = parse("XiaomiMiMo--MiMo-V2-Flash");
  CHECK(count_attention(a, AttentionKind::full) == 9);
  CHECK(count_attention(a, AttentionKind::sliding) == 39);
  CHECK(a.shape_of(0).num_kv_heads == 4);
  CHECK(a.shape_of(1).num_kv_heads == 8);
  CHECK(a.shape_of(1).v_head_dim == 128);
  CHECK(a.ffn_of(0) == FfnKind::dense);
  CHECK(a.ffn_of(1) == FfnKind::moe);
  // "309B total parameters and 15B active" (https://huggingface.co/XiaomiMiMo/MiMo-V2-Flash).
  CHECK(params(a) == Approx(309e9).epsilon(0.02));
  CHECK(active(a) == Approx(15e9).epsilon(0.03));
  // KV bf16, one GPU: K 192 + V 128 per head; 9 x 4 heads x 320 x 2 B = 23,040 B (global) and
  // 39 x 8 x 320 x 2 B = 199,680 B held for at most the 128-token window.
  const KvLayout kv = make_kv_layout(a, 2.0, RuntimeId::vllm, 1, false);
  CHECK(kv.bytes_per_token() == 23040 + 199680);
  CHECK(kv.bytes_for(8192, 1, 1) == 8192ull * 23040 + 128ull * 199680);
}

TEST_CASE("Nemotron-NAS: per-block attention and FFN widths, KV on attention blocks only",
          "[sparse]") {
  const ModelArch a = parse("nvidia--Llama-3_3-Nemotron-Super-49B-v1");
  CHECK(a.family == "nemotron-nas");
  CHECK(count_attention(a, AttentionKind::none) == 31);  // attention no_op blocks
  CHECK(a.shape_of(0).ffn_width == 14336);   // ffn_mult 2.625: int(2 x 2.625 x 8192 / 3)
  CHECK(a.shape_of(1).ffn_width == 28672);   // 5.25
  CHECK(a.shape_of(11).ffn_width == 17920);  // 3.28125 -> 17920 (a multiple of 256)
  // "49B" (https://huggingface.co/nvidia/Llama-3_3-Nemotron-Super-49B-v1).
  CHECK(params(a) == Approx(49e9).epsilon(0.02));
  // 49 attention blocks x 8 KV heads (64 / n_heads_in_group 8) x 128 x 2 x 2 B.
  CHECK(make_kv_layout(a, 2.0, RuntimeId::vllm, 1, false).bytes_per_token() == 49ull * 4096);

  // A constructed block list: linear replacements and no-op FFNs.
  const std::string text = R"({"model_type": "nemotron-nas", "hidden_size": 256,
    "num_hidden_layers": 3, "num_attention_heads": 8, "vocab_size": 100,
    "block_configs": [
      {"attention": {"n_heads_in_group": 4, "no_op": false, "replace_with_linear": false},
       "ffn": {"ffn_mult": 1.5, "no_op": false, "replace_with_linear": false}},
      {"attention": {"no_op": false, "replace_with_linear": true},
       "ffn": {"no_op": true}},
      {"attention": {"no_op": true}, "ffn": {"replace_with_linear": true}}]})";
  auto small = parse_hf_config(text, "small");
  REQUIRE(small);
  CHECK(small->num_kv_heads == 2);
  CHECK(small->shape_of(0).ffn_width == 256);  // int(2 x 1.5 x 256 / 3) = 256
  CHECK(has_tensor(*small, "blk.1.attn_linear.weight"));
  CHECK_FALSE(has_tensor(*small, "blk.1.ffn_up.weight"));
  CHECK(has_tensor(*small, "blk.2.ffn_linear.weight"));
  CHECK(make_kv_layout(*small, 2.0, RuntimeId::vllm, 1, false).bytes_per_token() ==
        2ull * 32 * 2 * 2);  // one attention block: 2 KV heads x 32 x (K + V) x 2 B

  auto bad = parse_hf_config(
      R"({"model_type": "nemotron-nas", "hidden_size": 256, "num_hidden_layers": 1,
          "num_attention_heads": 8, "vocab_size": 100, "block_configs": [
          {"attention": {"n_heads_in_group": 3}, "ffn": {"ffn_mult": 1.0}}]})",
      "bad");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "config.block_configs[0].attention.n_heads_in_group");
  // Hostile or malformed block lists: one line naming the field, never a crash.
  const std::pair<const char*, const char*> broken[] = {
      {R"("block_configs": [])", "config.block_configs"},
      {R"("block_configs": [1])", "config.block_configs[0]"},
      {R"("block_configs": [{"attention": {"no_op": true}, "ffn": {"ffn_mult": -1}}])",
       "config.block_configs[0].ffn.ffn_mult"},
      {R"("block_configs": [{"attention": {"no_op": true}, "ffn": {"ffn_mult": "x"}}])",
       "config.block_configs[0].ffn.ffn_mult"},
      {R"("block_configs": [{"attention": {"no_op": true}, "ffn": {"ffn_mult": 1},
          "extra": 0}, {"attention": {"no_op": true}, "ffn": {"no_op": true}}])",
       "config.block_configs"}};
  for (const auto& [blocks, field] : broken) {
    const std::string doc = std::string(R"({"model_type": "nemotron-nas", "hidden_size": 256,
        "num_hidden_layers": 1, "num_attention_heads": 8, "vocab_size": 100, )") +
                            blocks + "}";
    auto refused_blocks = parse_hf_config(doc, "broken");
    INFO(blocks);
    REQUIRE_FALSE(refused_blocks);
    CHECK(refused_blocks.error().field == field);
  }
  // MiMo-V2-Flash's per-layer lists must cover every layer with 0/1 entries.
  std::string mimo = replace_all(read_config("XiaomiMiMo--MiMo-V2-Flash"),
                                 "\"num_hidden_layers\": 48", "\"num_hidden_layers\": 47");
  auto short_list = parse_hf_config(mimo, "mimo");
  REQUIRE_FALSE(short_list);
  CHECK(short_list.error().field == "config.hybrid_layer_pattern");
}

TEST_CASE("gemma3n, deepseek_v4 and Gemma 4 with per-layer embeddings are refused by name",
          "[sparse][errors]") {
  auto v4 = parse_hf_config(read_config("deepseek-ai--DeepSeek-V4-Flash"), "v4");
  REQUIRE_FALSE(v4);
  CHECK(v4.error().field == "config.model_type");
  CHECK(v4.error().message.find("deepseek_v4") != std::string::npos);
  CHECK(v4.error().message.find("compressed sparse attention") != std::string::npos);
  auto gemma3n = parse_hf_config(R"({"model_type": "gemma3n", "text_config": {
      "model_type": "gemma3n_text", "hidden_size": 2048, "num_hidden_layers": 30,
      "num_attention_heads": 8, "vocab_size": 262400, "intermediate_size": 8192}})",
                                 "e4b");
  REQUIRE_FALSE(gemma3n);
  CHECK(gemma3n.error().message.find("gemma3n_text") != std::string::npos);
  CHECK(gemma3n.error().message.find("per-layer embeddings") != std::string::npos);
  std::string e2b = read_config("google--gemma-4-26B-A4B");
  e2b = replace_all(e2b, "\"hidden_size_per_layer_input\": 0",
                    "\"hidden_size_per_layer_input\": 256");
  auto ple = parse_hf_config(e2b, "e2b");
  REQUIRE_FALSE(ple);
  CHECK(ple.error().message.find("gemma4_text") != std::string::npos);
  CHECK(ple.error().message.find("hidden_size_per_layer_input") != std::string::npos);
  // A DSA config whose indexers are shared across layers (GLM-5.2's index_topk_freq).
  std::string shared = replace_all(read_config("zai-org--GLM-5"), "\"index_topk\": 2048,",
                                   "\"index_topk\": 2048, \"index_topk_freq\": 4,");
  auto freq = parse_hf_config(shared, "glm52");
  REQUIRE_FALSE(freq);
  CHECK(freq.error().message.find("index_topk_freq") != std::string::npos);
}

namespace {

test::GgufWriter dsa_header(bool with_key_length) {
  test::GgufWriter w;
  w.str("general.architecture", "deepseek32")
      .u32("deepseek32.block_count", 4)  // 3 layers + 1 NextN block
      .u32("deepseek32.nextn_predict_layers", 1)
      .u32("deepseek32.embedding_length", 7168)
      .u32("deepseek32.feed_forward_length", 18432)
      .u32("deepseek32.attention.head_count", 128)
      .u32("deepseek32.attention.head_count_kv", 1)
      .u32("deepseek32.attention.key_length", 576)
      .u32("deepseek32.attention.value_length", 512)
      .u32("deepseek32.attention.key_length_mla", 192)
      .u32("deepseek32.attention.value_length_mla", 128)
      .u32("deepseek32.attention.kv_lora_rank", 512)
      .u32("deepseek32.attention.q_lora_rank", 1536)
      .u32("deepseek32.rope.dimension_count", 64)
      .u32("deepseek32.attention.indexer.head_count", 64)
      .u32("deepseek32.attention.indexer.top_k", 2048);
  if (with_key_length) w.u32("deepseek32.attention.indexer.key_length", 128);
  w.str_array("tokenizer.ggml.tokens", 1000);
  w.tensor("blk.0.indexer.attn_k.weight", {7168, 128}, test::kGgmlF16)
      .tensor("blk.0.attn_kv_a_mqa.weight", {7168, 576}, test::kGgmlQ8_0);
  return w;
}

Result<ModelArch> arch_of(const test::GgufWriter& w, const char* id) {
  const std::string bytes = w.file();
  MemoryByteSource source(bytes);
  auto header = read_gguf_header(source);
  REQUIRE(header);
  return arch_from_gguf(*header, id, nullptr);
}

}  // namespace

TEST_CASE("GGUF: deepseek32 keeps the indexer key per layer, none for the NextN block",
          "[sparse][gguf]") {
  auto arch = arch_of(dsa_header(true), "dsv32.gguf");
  REQUIRE(arch);
  CHECK(arch->index_head_dim == 128);
  CHECK(arch->index_n_heads == 64);
  CHECK(arch->attention_of(3) == AttentionKind::none);
  // llama.cpp f16, a current build: 3 layers x (576 x 2 B + 128 x 2 B).
  CHECK(make_kv_layout(*arch, 2.0, RuntimeId::llamacpp, 1, false).bytes_per_token() == 3ull * 1408);
  // Broken: the indexer key length is missing.
  auto broken = arch_of(dsa_header(false), "broken.gguf");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().field == "gguf.metadata['deepseek32.attention.indexer.key_length']");
}

TEST_CASE("GGUF: gemma4 sizes global and sliding layers with their own widths", "[sparse][gguf]") {
  auto header = [](std::uint32_t shared_kv_layers) {
    test::GgufWriter w;
    w.str("general.architecture", "gemma4")
        .u32("gemma4.block_count", 6)
        .u32("gemma4.embedding_length", 2816)
        .u32("gemma4.feed_forward_length", 2112)
        .u32("gemma4.attention.head_count", 16)
        .u32_array("gemma4.attention.head_count_kv", {8, 8, 8, 8, 8, 2})
        .u32("gemma4.attention.key_length", 512)
        .u32("gemma4.attention.value_length", 512)
        .u32("gemma4.attention.key_length_swa", 256)
        .u32("gemma4.attention.value_length_swa", 256)
        .u32("gemma4.attention.sliding_window", 1024)
        .u32_array("gemma4.attention.sliding_window_pattern", {1, 1, 1, 1, 1, 0})
        .u32("gemma4.attention.shared_kv_layers", shared_kv_layers)
        .str_array("tokenizer.ggml.tokens", 1000);
    w.tensor("token_embd.weight", {2816, 1000}, test::kGgmlQ8_0);
    return w;
  };
  auto arch = arch_of(header(0), "gemma4.gguf");
  REQUIRE(arch);
  // f16: 5 sliding x 8 x (256 + 256) x 2 B = 40,960; 1 global x 2 x (512 + 512) x 2 B = 4,096.
  const KvLayout kv = make_kv_layout(*arch, 2.0, RuntimeId::llamacpp, 1, true);
  CHECK(kv.bytes_per_token() == 40960 + 4096);

  // KV shared across the last layers (Gemma 4 E2B/E4B) is refused by name.
  auto shared = arch_of(header(2), "e2b.gguf");
  REQUIRE_FALSE(shared);
  CHECK(shared.error().message.find("gemma4") != std::string::npos);
  CHECK(shared.error().message.find("shared_kv_layers") != std::string::npos);
}

TEST_CASE("GGUF: deci (Nemotron-NAS) blocks without attention hold no KV", "[sparse][gguf]") {
  // llama.cpp LLM_ARCH_DECI writes per-layer head_count / head_count_kv / feed_forward_length;
  // a block with head_count_kv 0 has no attention (no-op or a linear replacement).
  test::GgufWriter w;
  w.str("general.architecture", "deci")
      .u32("deci.block_count", 4)
      .u32("deci.embedding_length", 8192)
      .u32_array("deci.attention.head_count", {64, 64, 0, 64})
      .u32_array("deci.attention.head_count_kv", {8, 0, 0, 8})
      .u32_array("deci.feed_forward_length", {28672, 14336, 0, 28672})
      .str_array("tokenizer.ggml.tokens", 1000);
  w.tensor("token_embd.weight", {8192, 1000}, test::kGgmlQ8_0);
  auto arch = arch_of(w, "super.gguf");
  REQUIRE(arch);
  CHECK(arch->attention_of(1) == AttentionKind::none);
  CHECK(arch->attention_of(2) == AttentionKind::none);
  // f16: 2 attention blocks x 8 KV heads x 128 x (K + V) x 2 B.
  CHECK(make_kv_layout(*arch, 2.0, RuntimeId::llamacpp, 1, true).bytes_per_token() ==
        2ull * 8 * 128 * 2 * 2);
}

TEST_CASE("GGUF: gemma3n, deepseek4 and mimo2 files are refused by name", "[sparse][gguf]") {
  for (const char* family : {"gemma3n", "deepseek4", "mimo2"}) {
    test::GgufWriter w;
    const std::string p = family;
    w.str("general.architecture", family)
        .u32(p + ".block_count", 2)
        .u32(p + ".embedding_length", 256)
        .u32(p + ".attention.head_count", 4)
        .str_array("tokenizer.ggml.tokens", 10);
    auto arch = arch_of(w, family);
    REQUIRE_FALSE(arch);
    CHECK(arch.error().field == "gguf.metadata['general.architecture']");
    CHECK(arch.error().message.find(std::string("'") + family + "' is not supported") !=
          std::string::npos);
  }
}

}  // namespace headroom
