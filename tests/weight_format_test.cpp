#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "headroom/kv_dtype.h"
#include "headroom/weight_format.h"

using namespace headroom;

namespace {

TensorSpec tensor(std::string name, TensorRole role, int layer, std::uint64_t rows,
                  std::uint64_t cols) {
  TensorSpec t;
  t.name = std::move(name);
  t.role = role;
  t.layer = layer;
  t.rows = rows;
  t.cols = cols;
  return t;
}

ModelArch llama_arch(std::uint32_t layers, std::uint32_t hidden, std::uint32_t heads,
                     std::uint32_t kv_heads, std::uint32_t head_dim, std::uint32_t ffn,
                     std::uint32_t vocab, bool tied, std::string family = "llama") {
  ModelArch arch;
  arch.id = family + "-test";
  arch.family = std::move(family);
  arch.num_layers = layers;
  arch.hidden_size = hidden;
  arch.num_heads = heads;
  arch.num_kv_heads = kv_heads;
  arch.head_dim = head_dim;
  arch.v_head_dim = head_dim;
  arch.intermediate_size = ffn;
  arch.vocab_size = vocab;
  arch.tie_embeddings = tied;
  return arch;
}

// A llama-shaped tensor list in GGUF order (token_embd, [rope_freqs], blocks, output_norm, output).
std::vector<TensorSpec> llama_tensors(const ModelArch& a, bool rope_freqs) {
  const std::uint64_t q = std::uint64_t{a.num_heads} * a.head_dim;
  const std::uint64_t kv = std::uint64_t{a.num_kv_heads} * a.head_dim;
  std::vector<TensorSpec> out;
  out.push_back(
      tensor("token_embd.weight", TensorRole::token_embd, -1, a.vocab_size, a.hidden_size));
  if (rope_freqs)
    out.push_back(tensor("rope_freqs.weight", TensorRole::other, -1, 1, a.head_dim / 2));
  for (int i = 0; i < static_cast<int>(a.num_layers); ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    out.push_back(tensor(p + "attn_norm.weight", TensorRole::attn_norm, i, 1, a.hidden_size));
    out.push_back(tensor(p + "attn_q.weight", TensorRole::attn_q, i, q, a.hidden_size));
    out.push_back(tensor(p + "attn_k.weight", TensorRole::attn_k, i, kv, a.hidden_size));
    out.push_back(tensor(p + "attn_v.weight", TensorRole::attn_v, i, kv, a.hidden_size));
    out.push_back(tensor(p + "attn_output.weight", TensorRole::attn_o, i, a.hidden_size, q));
    out.push_back(tensor(p + "ffn_norm.weight", TensorRole::ffn_norm, i, 1, a.hidden_size));
    out.push_back(
        tensor(p + "ffn_gate.weight", TensorRole::ffn_gate, i, a.intermediate_size, a.hidden_size));
    out.push_back(
        tensor(p + "ffn_up.weight", TensorRole::ffn_up, i, a.intermediate_size, a.hidden_size));
    out.push_back(
        tensor(p + "ffn_down.weight", TensorRole::ffn_down, i, a.hidden_size, a.intermediate_size));
  }
  out.push_back(tensor("output_norm.weight", TensorRole::output_norm, -1, 1, a.hidden_size));
  if (!a.tie_embeddings) {
    out.push_back(tensor("output.weight", TensorRole::output, -1, a.vocab_size, a.hidden_size));
  }
  return out;
}

// Llama-3.1-8B: 32 layers, hidden 4096, 32 heads, 8 KV heads, ffn 14336, vocab 128256.
ModelArch llama31_8b() { return llama_arch(32, 4096, 32, 8, 128, 14336, 128256, false); }

// gpt-oss-20b-like MoE: hidden 2880 (not a multiple of 256), 32 experts of width 2880.
ModelArch gpt_oss_like() {
  ModelArch a = llama_arch(24, 2880, 64, 8, 64, 0, 201088, false, "gpt_oss");
  a.num_experts = 32;
  a.experts_per_token = 4;
  a.moe_intermediate_size = 2880;
  a.native_quant = "mxfp4";
  return a;
}

std::vector<TensorSpec> gpt_oss_tensors(const ModelArch& a) {
  const std::uint64_t e = a.num_experts, h = a.hidden_size, f = a.moe_intermediate_size;
  std::vector<TensorSpec> out;
  out.push_back(tensor("token_embd.weight", TensorRole::token_embd, -1, a.vocab_size, h));
  for (int i = 0; i < static_cast<int>(a.num_layers); ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    out.push_back(tensor(p + "attn_norm.weight", TensorRole::attn_norm, i, 1, h));
    out.push_back(tensor(p + "attn_q.weight", TensorRole::attn_q, i, 4096, h));
    out.push_back(tensor(p + "attn_k.weight", TensorRole::attn_k, i, 512, h));
    out.push_back(tensor(p + "attn_v.weight", TensorRole::attn_v, i, 512, h));
    out.push_back(tensor(p + "attn_output.weight", TensorRole::attn_o, i, h, 4096));
    out.push_back(tensor(p + "attn_sinks.weight", TensorRole::attn_sinks, i, 1, 64));
    out.push_back(tensor(p + "ffn_gate_inp.weight", TensorRole::ffn_router, i, e, h));
    out.push_back(tensor(p + "ffn_gate_exps.weight", TensorRole::ffn_gate_exps, i, e * f, h));
    out.push_back(tensor(p + "ffn_up_exps.weight", TensorRole::ffn_up_exps, i, e * f, h));
    out.push_back(tensor(p + "ffn_down_exps.weight", TensorRole::ffn_down_exps, i, e * h, f));
  }
  out.push_back(tensor("output_norm.weight", TensorRole::output_norm, -1, 1, h));
  out.push_back(tensor("output.weight", TensorRole::output, -1, a.vocab_size, h));
  return out;
}

std::uint64_t total_bytes(const std::vector<TensorSpec>& tensors) {
  std::uint64_t sum = 0;
  for (const auto& t : tensors) sum += tensor_bytes(t.dtype, t.rows, t.cols);
  return sum;
}

std::uint64_t total_elements(const std::vector<TensorSpec>& tensors) {
  std::uint64_t sum = 0;
  for (const auto& t : tensors) sum += t.elements();
  return sum;
}

std::vector<TensorSpec> apply(const ModelArch& arch, const std::vector<TensorSpec>& tensors,
                              const char* format_id) {
  auto format = find_weight_format(format_id);
  REQUIRE(format.has_value());
  auto result = apply_weight_format(arch, tensors, **format);
  REQUIRE(result.has_value());
  return std::move(result).value();
}

const TensorSpec& named(const std::vector<TensorSpec>& tensors, const std::string& name) {
  for (const auto& t : tensors) {
    if (t.name == name) return t;
  }
  FAIL("no tensor " << name);
  return tensors.front();
}

}  // namespace

TEST_CASE("weight formats: ids and aliases resolve case-insensitively", "[formats]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"Q4_K_M", "q4_k_m"},
      {"q4_k_m", "q4_k_m"},
      {"Q4_K", "q4_k_m"},
      {"awq", "awq"},
      {"GPTQ", "gptq"},
      {"fp8", "fp8"},
      {"FP8-Block", "fp8-block"},
      {"bnb-nf4", "bnb-nf4"},
      {"nf4", "bnb-nf4"},
      {"int8", "int8"},
      {"w8a8", "int8"},
      {"mxfp4", "mxfp4"},
      {"MXFP4_MOE", "mxfp4-gguf"},
      {"native", "native"},
      {"bf16", "bf16"},
      {"fp16", "fp16"},
      {"F16", "f16"},
      {"iq4_xs", "iq4_xs"},
      {"fp8-dynamic", "fp8-channel"},
      {"bnb_nf4_nodq", "bnb-nf4-nodq"},
  };
  for (const auto& [input, id] : cases) {
    auto found = find_weight_format(input);
    INFO(input);
    REQUIRE(found.has_value());
    CHECK((*found)->id == id);
  }
  auto unknown = find_weight_format("q9_9");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::unknown_name);
  CHECK(unknown.error().field == "quant");
  CHECK(unknown.error().message.rfind("unknown weight format 'q9_9' (known: bf16, fp16", 0) == 0);
}

TEST_CASE("weight formats: every entry carries sources, runtimes and quality", "[formats]") {
  for (const auto& format : weight_formats()) {
    INFO(format.id);
    CHECK_FALSE(format.source.empty());
    CHECK_FALSE(format.runtimes.empty());
    CHECK((format.family == "hf" || format.family == "gguf" || format.family == "native"));
    const bool reference = format.id == "bf16" || format.id == "fp16" || format.id == "fp32";
    CHECK(format.quality.empty() == reference);
    for (const auto& cost : format.quality) {
      CHECK_FALSE(cost.source.empty());
      CHECK_FALSE(cost.model.empty());
      CHECK_FALSE(cost.baseline.empty());
    }
    CHECK_FALSE(quality_summary(format).empty());
  }
}

TEST_CASE("GGUF Q4_K_M on Llama-3.1-8B matches the published file", "[formats]") {
  const ModelArch arch = llama31_8b();
  const auto base = llama_tensors(arch, true);
  const auto q = apply(arch, base, "q4_k_m");

  REQUIRE(q.size() == base.size());
  for (std::size_t i = 0; i < q.size(); ++i) CHECK(q[i].name == base[i].name);  // order kept

  CHECK(named(q, "token_embd.weight").dtype == DType::q4_k);
  CHECK(named(q, "output.weight").dtype == DType::q6_k);
  CHECK(named(q, "output_norm.weight").dtype == DType::f32);
  CHECK(named(q, "rope_freqs.weight").dtype == DType::f32);
  CHECK(named(q, "blk.0.attn_norm.weight").dtype == DType::f32);
  // use_more_bits(i, 32): i < 4, i >= 28, or (i - 4) % 3 == 2 -> layers 0-3, 6, 9, ..., 27, 28-31.
  CHECK(named(q, "blk.0.attn_v.weight").dtype == DType::q6_k);
  CHECK(named(q, "blk.4.attn_v.weight").dtype == DType::q4_k);
  CHECK(named(q, "blk.6.attn_v.weight").dtype == DType::q6_k);
  CHECK(named(q, "blk.7.ffn_down.weight").dtype == DType::q4_k);
  CHECK(named(q, "blk.27.ffn_down.weight").dtype == DType::q6_k);
  CHECK(named(q, "blk.31.ffn_down.weight").dtype == DType::q6_k);
  CHECK(named(q, "blk.5.attn_q.weight").dtype == DType::q4_k);
  int q6_attn_v = 0, q6_ffn_down = 0;
  for (const auto& t : q) {
    if (t.role == TensorRole::attn_v && t.dtype == DType::q6_k) ++q6_attn_v;
    if (t.role == TensorRole::ffn_down && t.dtype == DType::q6_k) ++q6_ffn_down;
  }
  CHECK(q6_attn_v == 16);
  CHECK(q6_ffn_down == 16);

  // Hand-computed: embd 128256x4096 Q4_K (144 B/256) + output Q6_K (210 B/256) + 32 blocks.
  const std::uint64_t bytes = total_bytes(q);
  CHECK(bytes == 4912898304ULL);
  // bartowski/Meta-Llama-3.1-8B-Instruct-GGUF Q4_K_M file: 4.92 GB; llama.cpp
  // tools/quantize/README.md: 4.58 GiB for Llama-3.1-8B Q4_K_M. The file adds a few MB metadata.
  CHECK(static_cast<double>(bytes) == Approx(4.92e9).epsilon(0.01));
  CHECK(static_cast<double>(bytes) / (1ULL << 30) == Approx(4.58).epsilon(0.01));
  CHECK(total_elements(q) == 8030261312ULL);
}

TEST_CASE("GGUF mixes reproduce llama.cpp's published bits per weight for Llama-3.1-8B",
          "[formats]") {
  // llama.cpp tools/quantize/README.md, meta-llama/Llama-3.1-8B table (bits/weight column).
  const std::vector<std::pair<const char*, double>> readme = {
      {"f16", 16.0005},    {"q8_0", 8.5008},   {"q6_k", 6.5633},   {"q5_k_m", 5.7036},
      {"q5_k_s", 5.5704},  {"q4_k_m", 4.8944}, {"q4_k_s", 4.6672}, {"q3_k_l", 4.2979},
      {"q3_k_s", 3.6429},  {"q2_k", 3.1593},   {"q2_k_s", 2.9697}, {"iq4_nl", 4.6818},
      {"iq4_xs", 4.4597},  {"iq3_m", 3.7628},  {"iq3_s", 3.6606},  {"iq3_xs", 3.4977},
      {"iq3_xxs", 3.2548}, {"iq2_m", 2.9294},  {"iq2_s", 2.7403},  {"iq2_xs", 2.5882},
      {"iq2_xxs", 2.3824}, {"iq1_m", 2.1460},  {"iq1_s", 2.0042},
  };
  const ModelArch arch = llama31_8b();
  const auto base = llama_tensors(arch, true);
  const double params = static_cast<double>(total_elements(base));
  for (const auto& [id, bpw] : readme) {
    INFO(id);
    const auto q = apply(arch, base, id);
    CHECK(static_cast<double>(total_bytes(q)) * 8.0 / params == Approx(bpw).margin(0.0006));
  }
}

TEST_CASE("GGUF Q4_0 on a gemma-7b-like model: tied embedding becomes Q6_K", "[formats]") {
  // gemma-7b: 28 layers, hidden 3072, 16 heads x 256, ffn 24576, vocab 256000, tied embeddings.
  const ModelArch arch = llama_arch(28, 3072, 16, 16, 256, 24576, 256000, true, "gemma");
  const auto q = apply(arch, llama_tensors(arch, false), "q4_0");
  for (const auto& t : q) {
    INFO(t.name);
    if (t.role == TensorRole::token_embd) {
      CHECK(t.dtype == DType::q6_k);  // no output.weight: token_embd quantized as the output
    } else if (t.rows == 1) {
      CHECK(t.dtype == DType::f32);
    } else {
      CHECK(t.dtype == DType::q4_0);
    }
  }
  // 256000x3072 Q6_K = 645,120,000 B; 28 blocks of 276,824,064 weights at 18 B per 32.
  CHECK(total_bytes(q) == 5005799424ULL);
}

TEST_CASE("GGUF fallbacks and MXFP4_MOE on a gpt-oss-like model", "[formats]") {
  const ModelArch arch = gpt_oss_like();
  const auto base = gpt_oss_tensors(arch);

  const auto k = apply(arch, base, "q4_k_m");
  // 2880 is not a multiple of 256: Q4_K falls back to Q5_0, Q6_K to Q8_0, the output to Q8_0.
  CHECK(named(k, "token_embd.weight").dtype == DType::q5_0);
  CHECK(named(k, "output.weight").dtype == DType::q8_0);
  CHECK(named(k, "blk.3.attn_q.weight").dtype == DType::q5_0);
  CHECK(named(k, "blk.3.attn_output.weight").dtype == DType::q4_k);    // 4096 cols divide by 256
  CHECK(named(k, "blk.0.ffn_down_exps.weight").dtype == DType::q8_0);  // use_more_bits -> Q6_K
  CHECK(named(k, "blk.4.ffn_down_exps.weight").dtype == DType::q5_0);
  CHECK(named(k, "blk.0.ffn_gate_inp.weight").dtype == DType::f32);
  CHECK(named(k, "blk.0.attn_sinks.weight").dtype == DType::f32);

  const auto m = apply(arch, base, "mxfp4-gguf");
  CHECK(named(m, "blk.0.ffn_up_exps.weight").dtype == DType::mxfp4);
  CHECK(named(m, "blk.0.ffn_down_exps.weight").dtype == DType::mxfp4);
  CHECK(named(m, "blk.0.attn_q.weight").dtype == DType::q8_0);
  CHECK(named(m, "token_embd.weight").dtype == DType::q8_0);
  CHECK(named(m, "output.weight").dtype == DType::q8_0);
  CHECK(named(m, "blk.0.ffn_gate_inp.weight").dtype == DType::f32);
}

TEST_CASE("HF formats quantize only block linear layers", "[formats]") {
  const ModelArch arch = llama31_8b();
  const auto base = llama_tensors(arch, false);

  const auto awq = apply(arch, base, "awq");
  const auto& q_proj = named(awq, "blk.0.attn_q.weight");
  CHECK(q_proj.dtype == DType::int4_awq_g128);
  // 4096 outputs x 32 groups x (128 x 4-bit + 4-bit zero + fp16 scale) bits.
  CHECK(tensor_bytes(q_proj.dtype, 4096, 4096) == 4096ULL * 4096 * 532 / 128 / 8);
  CHECK(tensor_bytes(q_proj.dtype, 4096, 4096) == 8716288ULL);
  CHECK(named(awq, "token_embd.weight").dtype == DType::bf16);
  CHECK(named(awq, "output.weight").dtype == DType::bf16);
  CHECK(named(awq, "blk.0.attn_norm.weight").dtype == DType::bf16);
  CHECK(named(awq, "blk.9.ffn_down.weight").dtype == DType::int4_awq_g128);

  const auto fp8 = apply(arch, base, "fp8");
  CHECK(named(fp8, "output.weight").dtype == DType::bf16);  // vLLM keeps lm_head in bf16
  CHECK(named(fp8, "blk.3.ffn_up.weight").dtype == DType::fp8_e4m3);

  const auto nf4 = apply(arch, base, "bnb-nf4");
  CHECK(named(nf4, "output.weight").dtype == DType::bf16);
  CHECK(named(nf4, "blk.0.attn_k.weight").dtype == DType::nf4_dq);
  // NF4 + double quant, 4096x4096: 4-bit payload 8,388,608 B + 262,144 absmax bytes +
  // 1,024 fp32 second-level scales (one per 256 absmax) = 8,654,848 B.
  CHECK(tensor_bytes(DType::nf4_dq, 4096, 4096) == 8388608ULL + 262144ULL + 1024ULL * 4);
  // Without double quant: one fp32 absmax per 64 values.
  CHECK(tensor_bytes(DType::nf4, 4096, 4096) == 8388608ULL + 262144ULL * 4);

  const auto bf16 = apply(arch, base, "fp32");
  for (const auto& t : bf16) CHECK(t.dtype == DType::f32);
}

TEST_CASE("HF formats on MoE: experts quantized, router kept, native checkpoints kept",
          "[formats]") {
  const ModelArch arch = gpt_oss_like();
  const auto base = gpt_oss_tensors(arch);

  const auto awq = apply(arch, base, "gptq");
  CHECK(named(awq, "blk.0.ffn_gate_exps.weight").dtype == DType::int4_gptq_g128);
  CHECK(named(awq, "blk.0.ffn_gate_inp.weight").dtype == DType::bf16);

  const auto native = apply(arch, base, "native");
  CHECK(named(native, "blk.0.ffn_down_exps.weight").dtype == DType::mxfp4);
  CHECK(named(native, "blk.0.attn_q.weight").dtype == DType::bf16);
  CHECK(named(native, "token_embd.weight").dtype == DType::bf16);
  CHECK(named(native, "blk.0.ffn_gate_inp.weight").dtype == DType::bf16);

  ModelArch deepseek = llama_arch(4, 7168, 128, 128, 192, 18432, 129280, false, "deepseek_v3");
  deepseek.native_quant = "fp8";
  std::vector<TensorSpec> ds = {
      tensor("token_embd.weight", TensorRole::token_embd, -1, 129280, 7168),
      tensor("blk.0.attn_kv_a_mqa.weight", TensorRole::attn_kv_a, 0, 576, 7168),
      tensor("blk.0.attn_kv_a_norm.weight", TensorRole::attn_kv_a_norm, 0, 1, 512),
      tensor("output.weight", TensorRole::output, -1, 129280, 7168)};
  const auto ds_native = apply(deepseek, ds, "native");
  CHECK(ds_native[0].dtype == DType::bf16);
  CHECK(ds_native[1].dtype == DType::fp8_e4m3_block128);  // one fp32 scale per 128x128 block
  CHECK(ds_native[2].dtype == DType::bf16);
  CHECK(ds_native[3].dtype == DType::bf16);

  // A GGUF-sourced architecture keeps its file's tensor types under "native".
  ModelArch from_gguf = llama31_8b();
  from_gguf.tensors = apply(from_gguf, llama_tensors(from_gguf, false), "q4_k_m");
  const auto kept = apply(from_gguf, from_gguf.tensors, "native");
  CHECK(total_bytes(kept) == total_bytes(from_gguf.tensors));
  CHECK(named(kept, "blk.0.attn_v.weight").dtype == DType::q6_k);

  // A dense model has nothing MXFP4 could store.
  const ModelArch dense = llama31_8b();
  auto mxfp4 = find_weight_format("mxfp4");
  REQUIRE(mxfp4.has_value());
  auto refused = apply_weight_format(dense, llama_tensors(dense, false), **mxfp4);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::unsupported);
  CHECK(refused.error().field == "quant");

  ModelArch odd = dense;
  odd.native_quant = "q9";
  auto bad = apply_weight_format(odd, llama_tensors(odd, false), **find_weight_format("native"));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().field == "model.native_quant");
}

TEST_CASE("quality summaries cite the measurement", "[formats]") {
  auto line = [](const char* id) { return quality_summary(**find_weight_format(id)); };
  CHECK(line("q4_k_m") ==
        "+0.196 PPL (+2.9%) vs f16 on Llama-3-8B (wikitext-2); llama.cpp "
        "tools/perplexity/README.md, LLaMA 3 8b scoreboard (f16 PPL 6.7684)");
  CHECK(line("awq").rfind("+0.130 PPL (+2.4%) vs fp16 on Llama-2-7B (WikiText-2)", 0) == 0);
  CHECK(line("fp8").rfind("99.7% score recovery vs bf16 on Llama-3.1-8B-Instruct", 0) == 0);
  CHECK(line("bnb-nf4").rfind("+0.1 MMLU pts vs bf16", 0) == 0);
  CHECK(line("bf16") == "reference precision (no quantization loss)");
  CHECK(line("mxfp4").rfind("no loss vs the released weights (gpt-oss", 0) == 0);
  CHECK(line("q8_0").rfind("+0.0059 PPL (+0.1%) vs f16", 0) == 0);
}

TEST_CASE("KV cache dtypes: block sizes, flash-attention rule, aliases", "[formats]") {
  auto kv = [](const char* id) {
    auto found = find_kv_dtype(id);
    REQUIRE(found.has_value());
    return *found;
  };
  CHECK(kv("q8_0")->bytes_per_element == Approx(34.0 / 32.0));
  CHECK(kv("q4_0")->bytes_per_element == Approx(18.0 / 32.0));
  CHECK(kv("q5_1")->bytes_per_element == Approx(24.0 / 32.0));
  CHECK(kv("iq4_nl")->bytes_per_element == Approx(18.0 / 32.0));
  CHECK(kv("Q8_0")->needs_flash_attention_for_v);
  CHECK_FALSE(kv("f16")->needs_flash_attention_for_v);
  CHECK(kv("f16")->id == "fp16");
  CHECK(kv("auto")->bytes_per_element == 2.0);
  CHECK(kv("fp8_e4m3")->id == "fp8");
  CHECK(kv("fp8")->bytes_per_element == 1.0);
  CHECK(kv("fp8_e5m2")->dtype == DType::fp8_e5m2);
  CHECK(kv("int8")->runtimes == std::vector<std::string>{"trtllm"});
  CHECK(kv("fp32")->bytes_per_element == 4.0);
  for (const auto& entry : kv_dtypes()) {
    INFO(entry.id);
    CHECK_FALSE(entry.source.empty());
    CHECK_FALSE(entry.runtimes.empty());
  }
  auto unknown = find_kv_dtype("q3_k");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().field == "kv_cache_dtype");
  CHECK(unknown.error().message.rfind("unknown KV cache dtype 'q3_k' (known: auto, fp16", 0) == 0);
}
