// GGUF header reader and GGUF -> ModelArch mapping, on files built by tests/gguf_writer.h.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gguf_writer.h"
#include "headroom/gguf.h"
#include "runtime/kv_layout.h"

namespace headroom {
namespace {

using test::GgufWriter;

// Records every read so tests can check that tensor data is never asked for.
class RecordingSource final : public ByteSource {
 public:
  explicit RecordingSource(const ByteSource& inner) : inner_(inner) {}
  std::uint64_t size() const override { return inner_.size(); }
  bool read_at(std::uint64_t offset, void* out, std::size_t bytes) const override {
    max_start = std::max(max_start, offset);
    total_bytes += bytes;
    return inner_.read_at(offset, out, bytes);
  }
  mutable std::uint64_t max_start = 0;
  mutable std::uint64_t total_bytes = 0;

 private:
  const ByteSource& inner_;
};

bool mentions(const Error& error, std::string_view text) {
  return error.message.find(text) != std::string::npos;
}

// A header-only source for `writer`: reports the full file size, holds only the header bytes.
struct HeaderFile {
  explicit HeaderFile(const GgufWriter& writer)
      : bytes(writer.header()), source(bytes, bytes.size() + writer.data_bytes()) {}
  std::string bytes;
  MemoryByteSource source;
};

Result<GgufHeader> read(const GgufWriter& writer) {
  const HeaderFile file(writer);
  return read_gguf_header(file.source);
}

// The message of a header that must be refused.
std::string refusal(const GgufWriter& writer) {
  const auto result = read(writer);
  REQUIRE_FALSE(result.has_value());
  return result.error().message;
}

std::string refusal_of_bytes(const std::string& bytes, std::uint64_t size = 0) {
  const MemoryByteSource source(bytes, size);
  const auto result = read_gguf_header(source);
  REQUIRE_FALSE(result.has_value());
  return result.error().message;
}

// One llama layer at Llama-2-7B / Llama-3-8B widths, Q4_K_M-style mix of types.
GgufWriter llama_like() {
  GgufWriter w;
  w.str("general.architecture", "llama")
      .str("general.name", "Llama-like 1L")
      .u32("general.file_type", 15)
      .u32("llama.block_count", 1)
      .u32("llama.context_length", 8192)
      .u32("llama.embedding_length", 4096)
      .u32("llama.feed_forward_length", 14336)
      .u32("llama.attention.head_count", 32)
      .u32("llama.attention.head_count_kv", 8)
      .u32("llama.rope.dimension_count", 128)
      .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
      .u64("llama.some_u64", 1ull << 40)
      .i32("llama.some_i32", -7)
      .boolean("tokenizer.ggml.add_bos_token", true)
      .str("tokenizer.ggml.model", "gpt2")
      .str_array("tokenizer.ggml.tokens", 32000)
      .f32_array("tokenizer.ggml.scores", 32000)
      .i32_array("tokenizer.ggml.token_type", std::vector<std::int32_t>(32000, 1));
  w.tensor("token_embd.weight", {4096, 32000}, test::kGgmlQ4K)
      .tensor("blk.0.attn_norm.weight", {4096}, test::kGgmlF32)
      .tensor("blk.0.attn_q.weight", {4096, 4096}, test::kGgmlQ4K)
      .tensor("blk.0.attn_k.weight", {4096, 1024}, test::kGgmlQ4K)
      .tensor("blk.0.attn_v.weight", {4096, 1024}, test::kGgmlQ6K)
      .tensor("blk.0.attn_output.weight", {4096, 4096}, test::kGgmlQ4K)
      .tensor("blk.0.ffn_norm.weight", {4096}, test::kGgmlF32)
      .tensor("blk.0.ffn_gate.weight", {4096, 14336}, test::kGgmlQ4K)
      .tensor("blk.0.ffn_up.weight", {4096, 14336}, test::kGgmlQ4K)
      .tensor("blk.0.ffn_down.weight", {14336, 4096}, test::kGgmlQ6K)
      .tensor("output_norm.weight", {4096}, test::kGgmlF32)
      .tensor("output.weight", {4096, 32000}, test::kGgmlQ6K);
  return w;
}

// Small but complete: used for truncation and corruption sweeps.
GgufWriter tiny() {
  GgufWriter w;
  w.str("general.architecture", "llama")
      .u32("llama.block_count", 1)
      .u32("llama.embedding_length", 256)
      .u32("llama.attention.head_count", 4)
      .u32_array("llama.per_layer", {1, 2})
      .str_array("tokenizer.ggml.tokens", 3);
  w.tensor("token_embd.weight", {256, 3}, test::kGgmlQ8_0)
      .tensor("blk.0.attn_q.weight", {256, 256}, test::kGgmlQ4K)
      .tensor("blk.0.attn_norm.weight", {256}, test::kGgmlF32);
  return w;
}

GgufWriter arch_base(std::string_view arch, std::uint32_t layers) {
  const std::string a(arch);
  GgufWriter w;
  w.str("general.architecture", arch)
      .u32(a + ".block_count", layers)
      .u32(a + ".embedding_length", 2048)
      .u32(a + ".feed_forward_length", 8192)
      .u32(a + ".attention.head_count", 16)
      .u32(a + ".attention.head_count_kv", 4)
      .u32(a + ".context_length", 8192)
      .str_array("tokenizer.ggml.tokens", 100);
  return w;
}

ModelArch arch_of(const GgufWriter& writer, std::vector<std::string>* notes = nullptr) {
  const auto header = read(writer);
  REQUIRE(header.has_value());
  auto arch = arch_from_gguf(*header, "test.gguf", notes);
  if (!arch.has_value()) FAIL(arch.error().message);
  return std::move(arch).value();
}

std::vector<AttentionKind> kinds(std::string_view pattern) {
  std::vector<AttentionKind> out;
  for (const char c : pattern) {
    out.push_back(c == 'S'   ? AttentionKind::sliding
                  : c == 'F' ? AttentionKind::full
                             : AttentionKind::none);
  }
  return out;
}

}  // namespace

TEST_CASE("GGUF: a llama-like file gives exact tensor bytes without reading tensor data",
          "[gguf]") {
  const GgufWriter writer = llama_like();
  const HeaderFile file(writer);
  const RecordingSource recorder(file.source);
  const auto header = read_gguf_header(recorder);
  REQUIRE(header.has_value());

  CHECK(header->version == 3);
  CHECK(header->alignment_bytes == 32);
  CHECK(header->data_offset_bytes == file.bytes.size());
  CHECK(header->data_offset_bytes % 32 == 0);
  CHECK(header->file_size_bytes == file.bytes.size() + writer.data_bytes());
  REQUIRE(header->tensors.size() == 12);

  // Hand computation, bytes per row = ne0 / block * block bytes:
  //   q4_k 4096 cols: 16 blocks * 144 B = 2304 B; q6_k 4096 cols: 16 * 210 = 3360 B;
  //   q6_k 14336 cols: 56 * 210 = 11760 B; f32 4096: 16384 B.
  const auto bytes_of = [&](std::size_t i) {
    const TensorSpec& t = header->tensors[i];
    return tensor_bytes(t.dtype, t.rows, t.cols);
  };
  CHECK(bytes_of(0) == 73'728'000);    // token_embd q4_k: 32000 * 2304
  CHECK(bytes_of(1) == 16'384);        // attn_norm f32: 4096 * 4
  CHECK(bytes_of(2) == 9'437'184);     // attn_q q4_k: 4096*4096/256*144
  CHECK(bytes_of(3) == 2'359'296);     // attn_k q4_k: 1024 * 2304
  CHECK(bytes_of(4) == 3'440'640);     // attn_v q6_k: 1024 * 3360
  CHECK(bytes_of(9) == 48'168'960);    // ffn_down q6_k: 4096 * 11760
  CHECK(bytes_of(11) == 107'520'000);  // output q6_k: 32000 * 3360
  // 73728000 + 3*16384 + 2*9437184 + 2359296 + 3440640 + 2*33030144 + 48168960 + 107520000
  CHECK(header->tensor_data_bytes == 320'200'704);

  const TensorSpec& q = header->tensors[2];
  CHECK(q.name == "blk.0.attn_q.weight");
  CHECK(q.role == TensorRole::attn_q);
  CHECK(q.layer == 0);
  CHECK(q.rows == 4096);
  CHECK(q.cols == 4096);
  CHECK(q.dtype == DType::q4_k);
  const TensorSpec& down = header->tensors[9];
  CHECK(down.role == TensorRole::ffn_down);
  CHECK(down.rows == 4096);
  CHECK(down.cols == 14336);
  CHECK(down.dtype == DType::q6_k);
  CHECK(header->tensors[0].role == TensorRole::token_embd);
  CHECK(header->tensors[0].layer == -1);
  CHECK(header->tensors[0].rows == 32000);
  CHECK(header->tensors[1].dtype == DType::f32);
  CHECK(header->tensors[1].role == TensorRole::attn_norm);
  CHECK(header->tensors[10].role == TensorRole::output_norm);
  CHECK(header->tensors[11].role == TensorRole::output);

  // Typed metadata.
  CHECK(header->get_string("general.architecture") == "llama");
  CHECK(header->get_uint("llama.block_count") == 1u);
  CHECK(header->get_uint("llama.some_u64") == (1ull << 40));
  CHECK(std::get<std::int64_t>(*header->find("llama.some_i32")) == -7);
  CHECK(std::get<double>(*header->find("llama.attention.layer_norm_rms_epsilon")) == Approx(1e-5));
  CHECK(std::get<bool>(*header->find("tokenizer.ggml.add_bos_token")));
  CHECK(header->array_length("tokenizer.ggml.tokens") == 32000u);
  const auto& scores = std::get<GgufArray>(*header->find("tokenizer.ggml.scores"));
  CHECK(scores.element_type == GgufValueType::float32);
  CHECK(scores.ints.empty());
  const auto& token_type = std::get<GgufArray>(*header->find("tokenizer.ggml.token_type"));
  REQUIRE(token_type.has_ints());
  CHECK(token_type.ints[31999] == 1);
  CHECK_FALSE(header->get_uint("missing.key").has_value());

  // Only header bytes are fetched: no read starts in the data region, and the total is the
  // header plus at most one 64 KiB buffer.
  CHECK(recorder.max_start < header->data_offset_bytes);
  CHECK(header->bytes_read == recorder.total_bytes);
  CHECK(header->bytes_read <= file.bytes.size() + 64 * 1024);
  CHECK(header->bytes_read < header->file_size_bytes / 100);
}

TEST_CASE("GGUF: llama-like header maps to ModelArch", "[gguf]") {
  const ModelArch arch = arch_of(llama_like());
  CHECK(arch.id == "test.gguf");
  CHECK(arch.name == "Llama-like 1L");
  CHECK(arch.family == "llama");
  CHECK(arch.source == "GGUF header");
  CHECK(arch.num_layers == 1);
  CHECK(arch.hidden_size == 4096);
  CHECK(arch.num_heads == 32);
  CHECK(arch.num_kv_heads == 8);
  CHECK(arch.head_dim == 128);  // no key_length: 4096 / 32
  CHECK(arch.v_head_dim == 128);
  CHECK(arch.intermediate_size == 14336);
  CHECK(arch.vocab_size == 32000);
  CHECK(arch.max_context_tokens == 8192);
  CHECK_FALSE(arch.tie_embeddings);
  CHECK_FALSE(arch.attention_bias);
  CHECK(arch.layer_attention.empty());
  CHECK_FALSE(arch.is_moe());
  CHECK_FALSE(arch.is_mla());
  REQUIRE(arch.tensors.size() == 12);
  CHECK(arch.tensors[4].dtype == DType::q6_k);
}

TEST_CASE("GGUF: gemma-7b-like metadata gives head_dim 256 and the 896 MiB KV at 2048", "[gguf]") {
  GgufWriter w;
  w.str("general.architecture", "gemma")
      .u32("gemma.block_count", 28)
      .u32("gemma.context_length", 8192)
      .u32("gemma.embedding_length", 3072)
      .u32("gemma.feed_forward_length", 24576)
      .u32("gemma.attention.head_count", 16)
      .u32("gemma.attention.head_count_kv", 16)
      .u32("gemma.attention.key_length", 256)
      .u32("gemma.attention.value_length", 256);
  w.tensor("token_embd.weight", {3072, 256000}, test::kGgmlQ4_0)
      .tensor("blk.0.attn_q.weight", {3072, 4096}, test::kGgmlQ4_0);
  const ModelArch arch = arch_of(w);
  CHECK(arch.head_dim == 256);  // not 3072 / 16 = 192
  CHECK(arch.v_head_dim == 256);
  CHECK(arch.vocab_size == 256000);  // from token_embd rows, no tokenizer array
  CHECK(arch.tie_embeddings);        // no output.weight
  // f16 KV at 2048 tokens: 2 (K,V) * 28 layers * 16 heads * 256 * 2 B * 2048 = 896 MiB,
  // matching the Ollama log for gemma-7b (sizing-anchors.md section 6.1 row 2).
  const std::uint64_t kv_bytes =
      2ull * arch.num_layers * arch.num_kv_heads * arch.head_dim * 2 * 2048;
  CHECK(kv_bytes == 896ull * 1024 * 1024);
  // token_embd q4_0: 3072 / 32 * 18 = 1728 B per row * 256000 rows.
  CHECK(tensor_bytes(arch.tensors[0].dtype, arch.tensors[0].rows, arch.tensors[0].cols) ==
        442'368'000);
}

TEST_CASE("GGUF: sliding-window layer patterns follow llama.cpp", "[gguf]") {
  SECTION("gemma2: every other layer slides, layer 0 first") {
    auto w = arch_base("gemma2", 6);
    w.u32("gemma2.attention.sliding_window", 4096);
    const ModelArch arch = arch_of(w);
    CHECK(arch.sliding_window_tokens == 4096);
    CHECK(arch.layer_attention == kinds("SFSFSF"));
  }
  SECTION("gemma3: five sliding then one full") {
    auto w = arch_base("gemma3", 12);
    w.u32("gemma3.attention.sliding_window", 1024);
    CHECK(arch_of(w).layer_attention == kinds("SSSSSFSSSSSF"));
  }
  SECTION("gpt-oss: even layers slide, window from metadata") {
    auto w = arch_base("gpt-oss", 4);
    w.u32("gpt-oss.attention.sliding_window", 128);
    const ModelArch arch = arch_of(w);
    CHECK(arch.layer_attention == kinds("SFSF"));
    CHECK(arch.sliding_window_tokens == 128);
  }
  SECTION("an explicit per-layer bool pattern wins") {
    auto w = arch_base("gemma3", 6);
    w.u32("gemma3.attention.sliding_window", 512)
        .bool_array("gemma3.attention.sliding_window_pattern",
                    {true, true, false, true, true, false});
    CHECK(arch_of(w).layer_attention == kinds("SSFSSF"));
  }
  SECTION("an integer pattern n: layer i slides when i % n < n - 1") {
    auto w = arch_base("cohere2", 8);
    w.u32("cohere2.attention.sliding_window", 4096)
        .u32("cohere2.attention.sliding_window_pattern", 4);
    CHECK(arch_of(w).layer_attention == kinds("SSSFSSSF"));
  }
  SECTION("a pattern array of the wrong length is refused") {
    auto w = arch_base("gemma3", 6);
    w.bool_array("gemma3.attention.sliding_window_pattern", {true, false});
    const auto header = read(w);
    REQUIRE(header.has_value());
    const auto arch = arch_from_gguf(*header, "x", nullptr);
    REQUIRE_FALSE(arch.has_value());
    CHECK(mentions(arch.error(), "gemma3.attention.sliding_window_pattern"));
    CHECK(mentions(arch.error(), "2 entries for 6 layers"));
  }
  SECTION("gemma2 without a window: all full, with a note") {
    std::vector<std::string> notes;
    const ModelArch arch = arch_of(arch_base("gemma2", 4), &notes);
    CHECK(arch.layer_attention.empty());
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("sliding_window") != std::string::npos);
  }
  SECTION("a pattern without a window is sized as full attention, with a note") {
    auto w = arch_base("gemma3", 2);
    w.bool_array("gemma3.attention.sliding_window_pattern", {true, false});
    std::vector<std::string> notes;
    CHECK(arch_of(w, &notes).layer_attention == kinds("FF"));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("sized as full attention") != std::string::npos);
  }
  SECTION("llama ignores a sliding_window key") {
    auto w = arch_base("llama", 4);
    w.u32("llama.attention.sliding_window", 4096);
    CHECK(arch_of(w).layer_attention.empty());
  }
}

TEST_CASE("GGUF: per-layer head_count_kv sizes each layer's KV, zero-KV layers hold no cache",
          "[gguf]") {
  GgufWriter w;
  w.str("general.architecture", "hybrid")
      .u32("hybrid.block_count", 4)
      .u32("hybrid.embedding_length", 2048)
      .u32("hybrid.attention.head_count", 16)
      .u32_array("hybrid.attention.head_count_kv", {8, 8, 0, 4})
      .u32_array("hybrid.feed_forward_length", {4096, 8192, 8192, 8192})
      .str_array("tokenizer.ggml.tokens", 10);
  std::vector<std::string> notes;
  const ModelArch arch = arch_of(w, &notes);
  CHECK(arch.num_kv_heads == 8);
  CHECK(arch.intermediate_size == 8192);
  CHECK(arch.head_dim == 128);
  CHECK(arch.layer_attention == kinds("FFNF"));
  CHECK(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("head_count_kv varies per layer; each layer's KV is sized with its own count") !=
           std::string::npos;
  }));
  // K + V in f16 per layer: (8 + 8 + 0 + 4) KV heads x 128 x 2 x 2 B = 10,240 B per token, not
  // 4 x 8 heads (16,384 B) as the maximum would give.
  const KvLayout kv = make_kv_layout(arch, 2.0, RuntimeId::llamacpp, 1, false);
  CHECK(kv.bytes_per_token() == 10240);
}

TEST_CASE("GGUF: deepseek2 metadata gives MLA layers and MoE fields", "[gguf]") {
  GgufWriter w;
  w.str("general.architecture", "deepseek2")
      .u32("deepseek2.block_count", 4)
      .u32("deepseek2.embedding_length", 7168)
      .u32("deepseek2.feed_forward_length", 18432)
      .u32("deepseek2.attention.head_count", 128)
      .u32("deepseek2.attention.head_count_kv", 1)
      .u32("deepseek2.attention.key_length", 576)
      .u32("deepseek2.attention.value_length", 512)
      .u32("deepseek2.attention.key_length_mla", 192)
      .u32("deepseek2.attention.value_length_mla", 128)
      .u32("deepseek2.attention.kv_lora_rank", 512)
      .u32("deepseek2.attention.q_lora_rank", 1536)
      .u32("deepseek2.rope.dimension_count", 64)
      .u32("deepseek2.expert_count", 256)
      .u32("deepseek2.expert_used_count", 8)
      .u32("deepseek2.expert_shared_count", 1)
      .u32("deepseek2.expert_feed_forward_length", 2048)
      .u32("deepseek2.leading_dense_block_count", 3)
      .u32("deepseek2.context_length", 163840)
      .str_array("tokenizer.ggml.tokens", 129280);
  w.tensor("blk.0.attn_kv_a_mqa.weight", {7168, 576}, test::kGgmlQ8_0)
      .tensor("blk.3.ffn_gate_exps.weight", {7168, 2048, 256}, test::kGgmlQ4K)
      .tensor("output.weight", {7168, 129280}, test::kGgmlQ6K);
  const ModelArch arch = arch_of(w);
  CHECK(arch.is_mla());
  CHECK(arch.kv_lora_rank == 512);
  CHECK(arch.q_lora_rank == 1536);
  CHECK(arch.qk_rope_head_dim == 64);
  CHECK(arch.head_dim == 192);
  CHECK(arch.qk_nope_head_dim == 128);
  CHECK(arch.v_head_dim == 128);
  CHECK(arch.num_kv_heads == 128);
  CHECK(arch.layer_attention == std::vector<AttentionKind>(4, AttentionKind::mla));
  CHECK(arch.num_experts == 256);
  CHECK(arch.experts_per_token == 8);
  CHECK(arch.num_shared_experts == 1);
  CHECK(arch.moe_intermediate_size == 2048);
  CHECK(arch.shared_expert_intermediate_size == 2048);
  CHECK(arch.first_dense_layers == 3);
  CHECK(arch.vocab_size == 129280);
  const TensorSpec& exps = arch.tensors[1];
  CHECK(exps.role == TensorRole::ffn_gate_exps);
  CHECK(exps.layer == 3);
  CHECK(exps.rows == 2048ull * 256);  // ne1 * ne2: experts folded into rows
  CHECK(exps.cols == 7168);
  CHECK(arch.tensors[0].role == TensorRole::attn_kv_a);
}

TEST_CASE("GGUF: Mixtral-style files use feed_forward_length as the expert width", "[gguf]") {
  auto w = arch_base("llama", 2);
  w.u32("llama.expert_count", 8).u32("llama.expert_used_count", 2);
  const ModelArch arch = arch_of(w);
  CHECK(arch.num_experts == 8);
  CHECK(arch.moe_intermediate_size == 8192);
}

TEST_CASE("GGUF: tensor names map to roles and layers", "[gguf]") {
  const auto role = [](std::string_view n) { return parse_gguf_tensor_name(n).role; };
  CHECK(role("blk.12.attn_k.weight") == TensorRole::attn_k);
  CHECK(parse_gguf_tensor_name("blk.12.attn_k.weight").layer == 12);
  CHECK(role("blk.0.attn_q.bias") == TensorRole::attn_bias);
  CHECK(role("blk.0.ffn_up_exps.bias") == TensorRole::ffn_bias);
  CHECK(role("blk.0.attn_norm.bias") == TensorRole::attn_norm);
  CHECK(role("blk.0.attn_sinks.weight") == TensorRole::attn_sinks);
  CHECK(role("blk.0.ffn_gate_inp.weight") == TensorRole::ffn_router);
  CHECK(role("blk.0.ffn_down_shexp.weight") == TensorRole::ffn_down_shexp);
  CHECK(role("blk.0.ffn_gate.3.weight") == TensorRole::ffn_gate_exps);
  CHECK(role("blk.0.attn_k_b.weight") == TensorRole::attn_kv_b);
  CHECK(role("blk.0.post_ffw_norm.weight") == TensorRole::ffn_norm);
  CHECK(role("rope_freqs.weight") == TensorRole::other);
  CHECK(parse_gguf_tensor_name("rope_freqs.weight").layer == -1);
  CHECK(parse_gguf_tensor_name("blk.x.attn_q.weight").layer == -1);
  CHECK(parse_gguf_tensor_name("blk.99999999999.attn_q.weight").layer == -1);
}

TEST_CASE("GGUF: version 2 files and a custom alignment are read", "[gguf]") {
  GgufWriter w = tiny();
  w.version(2).alignment(64);
  const auto header = read(w);
  REQUIRE(header.has_value());
  CHECK(header->version == 2);
  CHECK(header->alignment_bytes == 64);
  CHECK(header->data_offset_bytes % 64 == 0);
  // q8_0 256 x 3: 8 blocks * 34 B * 3 = 816; q4_k 256 x 256: 144 * 256 = 36864; f32 256: 1024.
  CHECK(header->tensor_data_bytes == 816 + 36864 + 1024);
}

TEST_CASE("GGUF: an array of arrays is read, a third level is refused", "[gguf]") {
  std::string inner;  // array<u8>[2] = {1, 2}
  test::put_u32(inner, test::kTypeU8);
  test::put_u64(inner, 2);
  test::put_u8(inner, 1);
  test::put_u8(inner, 2);
  std::string two_level;  // array<array>[1]
  test::put_u32(two_level, test::kTypeArray);
  test::put_u64(two_level, 1);
  two_level += inner;
  GgufWriter ok = tiny();
  ok.kv("x.nested", test::kTypeArray, two_level);
  const auto header = read(ok);
  REQUIRE(header.has_value());
  CHECK(header->array_length("x.nested") == 1u);

  std::string three_level;
  test::put_u32(three_level, test::kTypeArray);
  test::put_u64(three_level, 1);
  three_level += two_level;
  GgufWriter bad = tiny();
  bad.kv("x.nested", test::kTypeArray, three_level);
  CHECK_THAT(refusal(bad), Catch::Contains("deeper than 2"));
}

TEST_CASE("GGUF: broken headers are refused with a message naming the problem", "[gguf]") {
  SECTION("bad magic") {
    CHECK_THAT(refusal(tiny().magic("GGML")), Catch::Contains("gguf.magic must be 'GGUF'"));
  }
  SECTION("unsupported versions") {
    CHECK_THAT(refusal(tiny().version(1)), Catch::Contains("gguf.version must be 2 or 3 (got 1)"));
    CHECK_THAT(refusal(tiny().version(4)), Catch::Contains("(got 4)"));
    CHECK_THAT(refusal(tiny().version(0x03000000)), Catch::Contains("big-endian"));
  }
  SECTION("tensor count larger than the file could hold") {
    CHECK_THAT(refusal(tiny().tensor_count(100000)), Catch::Contains("gguf.tensor_count"));
    CHECK_THAT(refusal(tiny().tensor_count(1ull << 40)),
               Catch::Contains("gguf.tensor_count must be at most 1048576"));
  }
  SECTION("metadata count larger than the file could hold") {
    CHECK_THAT(refusal(tiny().kv_count(10000)), Catch::Contains("gguf.metadata_kv_count"));
    CHECK_THAT(refusal(tiny().kv_count(~0ull)), Catch::Contains("at most"));
  }
  SECTION("a string length beyond the file") {
    std::string value;
    test::put_u64(value, 1ull << 50);
    GgufWriter w = tiny();
    w.kv("general.name", test::kTypeString, value);
    CHECK_THAT(refusal(w), Catch::Contains("gguf.metadata['general.name'] length 1125899906842624 "
                                           "runs past the end of the file"));
  }
  SECTION("a key length beyond the limit") {
    std::string bytes = tiny().header().substr(0, 24);
    test::put_u64(bytes, 1ull << 40);
    CHECK_THAT(refusal_of_bytes(bytes, 1 << 20),
               Catch::Contains("gguf.metadata[0].key length must be at most"));
  }
  SECTION("an array length beyond the file") {
    std::string value;
    test::put_u32(value, test::kTypeU32);
    test::put_u64(value, 1ull << 40);
    GgufWriter w = tiny();
    w.kv("x.array", test::kTypeArray, value);
    CHECK_THAT(refusal(w), Catch::Contains("gguf.metadata['x.array'] length 1099511627776"));
  }
  SECTION("n_dims 0 or above 4") {
    CHECK_THAT(refusal(tiny().tensor("bad", {}, test::kGgmlF32)),
               Catch::Contains("gguf.tensor[3].n_dims must be 1..4 (got 0)"));
    CHECK_THAT(refusal(tiny().tensor("bad", {1, 1, 1, 1, 1}, test::kGgmlF32)),
               Catch::Contains("gguf.tensor[3].n_dims must be 1..4 (got 5)"));
  }
  SECTION("a zero dimension") {
    CHECK_THAT(refusal(tiny().tensor("bad", {32, 0}, test::kGgmlF32)),
               Catch::Contains("gguf.tensor[3].ne[1] must be at least 1"));
  }
  SECTION("dimensions whose product overflows") {
    CHECK_THAT(refusal(tiny().tensor("bad", {1ull << 32, 1ull << 32}, test::kGgmlF32, 0)),
               Catch::Contains("overflows"));
  }
  SECTION("an unknown ggml type") {
    CHECK_THAT(refusal(tiny().tensor("bad", {32}, 99, 0)),
               Catch::Contains("gguf.tensor[3].type 99 is not a known ggml type"));
    CHECK_THAT(refusal(tiny().tensor("bad", {32}, 4, 0)),  // Q4_2, removed from ggml
               Catch::Contains("type 4 is not a known ggml type"));
  }
  SECTION("a row that is not a whole number of quant blocks") {
    CHECK_THAT(refusal(tiny().tensor("bad", {100, 2}, test::kGgmlQ4K, 0)),
               Catch::Contains("must be a multiple of the q4_k block size 256"));
  }
  SECTION("an unknown metadata value type") {
    GgufWriter w = tiny();
    w.kv("x.weird", 13, "");
    CHECK_THAT(refusal(w), Catch::Contains("gguf.metadata['x.weird'].type must be a GGUF value "
                                           "type 0..12 (got 13)"));
  }
  SECTION("an unknown array element type") {
    std::string value;
    test::put_u32(value, 77);
    test::put_u64(value, 0);
    GgufWriter w = tiny();
    w.kv("x.weird", test::kTypeArray, value);
    CHECK_THAT(refusal(w), Catch::Contains("element_type must be a GGUF value type"));
  }
  SECTION("a tensor offset that is not aligned") {
    CHECK_THAT(refusal(tiny().tensor("late", {32}, test::kGgmlF32, 16)),
               Catch::Contains("gguf.tensor[3].offset 16 is not aligned to general.alignment 32"));
  }
  SECTION("tensor data past the end of the file") {
    const GgufWriter w = tiny();
    const std::string header = w.header();
    // The file stops one byte short of the last tensor's data.
    const std::string message = refusal_of_bytes(header, header.size() + w.data_bytes() - 1);
    CHECK_THAT(message, Catch::Contains("gguf.tensor[2].offset"));
    CHECK_THAT(message, Catch::Contains("runs past the end of the file"));
  }
  SECTION("a tensor whose offset is far past the end") {
    const GgufWriter w = tiny().tensor("far", {32}, test::kGgmlF32, 1ull << 40);
    const std::string header = w.header();
    const std::string message = refusal_of_bytes(header, header.size() + tiny().data_bytes());
    CHECK_THAT(message,
               Catch::Contains("gguf.tensor[3].offset 1099511627776: the data of tensor 'far'"));
  }
  SECTION("duplicate tensor names") {
    CHECK_THAT(refusal(tiny().tensor("blk.0.attn_q.weight", {256}, test::kGgmlF32)),
               Catch::Contains("repeats the tensor name 'blk.0.attn_q.weight'"));
  }
  SECTION("duplicate metadata keys") {
    CHECK_THAT(refusal(tiny().u32("llama.block_count", 2)),
               Catch::Contains("repeats the key 'llama.block_count'"));
  }
  SECTION("an empty tensor name") {
    CHECK_THAT(refusal(tiny().tensor("", {32}, test::kGgmlF32)), Catch::Contains("name is empty"));
  }
  SECTION("an alignment that is not a power of two") {
    CHECK_THAT(refusal(tiny().alignment(48)), Catch::Contains("must be a power of two"));
    GgufWriter w = tiny();
    w.str("general.alignment", "32");
    CHECK_THAT(refusal(w), Catch::Contains("general.alignment'] must be an unsigned integer"));
  }
  SECTION("a header over 512 MiB") {
    // A 600 MiB string in a (virtual) 1 GiB file: within the file, past the header limit.
    std::string value;
    test::put_u64(value, 600ull << 20);
    GgufWriter w = tiny();
    w.kv("x.huge", test::kTypeString, value);
    const std::string bytes = w.header();
    CHECK_THAT(refusal_of_bytes(bytes, 1ull << 30), Catch::Contains("512 MiB header limit"));
    // An array of 600 Mi bytes: skipped, then refused at the limit.
    std::string array;
    test::put_u32(array, test::kTypeU8);
    test::put_u64(array, 600ull << 20);
    GgufWriter a = tiny();
    a.kv("x.huge", test::kTypeArray, array);
    CHECK_THAT(refusal_of_bytes(a.header(), 1ull << 30), Catch::Contains("512 MiB header limit"));
  }
  SECTION("a source that fails to read") {
    class FailingSource final : public ByteSource {
     public:
      std::uint64_t size() const override { return 1000; }
      bool read_at(std::uint64_t, void*, std::size_t) const override { return false; }
    };
    const auto result = read_gguf_header(FailingSource{});
    REQUIRE_FALSE(result.has_value());
    CHECK_THAT(result.error().message, Catch::Contains("gguf.magic could not be read"));
  }
  SECTION("an empty file") {
    CHECK_THAT(refusal_of_bytes(""), Catch::Contains("gguf.magic is truncated"));
  }
}

TEST_CASE("GGUF: arch_from_gguf names missing keys", "[gguf]") {
  SECTION("no architecture") {
    const auto header = read(GgufWriter{}.u32("x", 1));
    REQUIRE(header.has_value());
    const auto arch = arch_from_gguf(*header, "x", nullptr);
    REQUIRE_FALSE(arch.has_value());
    CHECK(mentions(arch.error(), "gguf.metadata['general.architecture'] is missing"));
  }
  SECTION("no block_count") {
    const auto header = read(GgufWriter{}.str("general.architecture", "llama"));
    REQUIRE(header.has_value());
    const auto arch = arch_from_gguf(*header, "x", nullptr);
    REQUIRE_FALSE(arch.has_value());
    CHECK(mentions(arch.error(), "gguf.metadata['llama.block_count'] is missing"));
  }
  SECTION("a count of the wrong type") {
    auto w = arch_base("llama", 2);
    w.str("llama.expert_count", "eight");
    const auto header = read(w);
    REQUIRE(header.has_value());
    const auto arch = arch_from_gguf(*header, "x", nullptr);
    REQUIRE_FALSE(arch.has_value());
    CHECK(mentions(arch.error(),
                   "gguf.metadata['llama.expert_count'] must be a non-negative integer"));
  }
  SECTION("an absurd block_count") {
    auto w = GgufWriter{}.str("general.architecture", "llama");
    w.u32("llama.block_count", 4000000000u).u32("llama.embedding_length", 64);
    const auto header = read(w);
    REQUIRE(header.has_value());
    const auto arch = arch_from_gguf(*header, "x", nullptr);
    REQUIRE_FALSE(arch.has_value());
    CHECK(mentions(arch.error(), "block_count'] must be 1..4096"));
  }
}

TEST_CASE("GGUF: truncation at every byte offset of a small valid file is refused cleanly",
          "[gguf]") {
  const std::string file = tiny().file();
  {
    const MemoryByteSource whole(file);
    REQUIRE(read_gguf_header(whole).has_value());
  }
  for (std::size_t cut = 0; cut < file.size(); ++cut) {
    const MemoryByteSource source(std::string_view(file).substr(0, cut));
    const auto result = read_gguf_header(source);
    INFO("cut at byte " << cut);
    REQUIRE_FALSE(result.has_value());
    CHECK_FALSE(result.error().message.empty());
  }
}

TEST_CASE("GGUF: random corruption of a small valid file never crashes", "[gguf]") {
  const std::string original = tiny().file();
  const std::size_t header_bytes = tiny().header().size();
  std::mt19937 rng(12345);
  int refused = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = rng() % header_bytes;
      bytes[at] = static_cast<char>(rng() & 0xff);
    }
    const MemoryByteSource source(bytes, rng() % 2 ? 0 : (1ull << 36));
    const auto result = read_gguf_header(source);
    if (!result.has_value()) {
      ++refused;
      CHECK_FALSE(result.error().message.empty());
    } else {
      (void)arch_from_gguf(*result, "fuzz", nullptr);  // must not crash either
    }
  }
  CHECK(refused > 0);
}

TEST_CASE("GGUF: recurrent (state-space) architectures are refused by name", "[gguf]") {
  test::GgufWriter w;
  w.str("general.architecture", "mamba")
      .u32("mamba.block_count", 2)
      .u32("mamba.embedding_length", 256)
      .u32("mamba.ssm.state_size", 16);
  w.tensor("token_embd.weight", {256, 32}, test::kGgmlF32);
  const std::string bytes = w.file();
  MemoryByteSource source(bytes);
  auto header = read_gguf_header(source);
  REQUIRE(header);
  auto arch = arch_from_gguf(*header, "mamba.gguf", nullptr);
  REQUIRE_FALSE(arch);
  CHECK(arch.error().message.find("recurrent state") != std::string::npos);
  CHECK(arch.error().message.find("mamba.ssm.state_size") != std::string::npos);
}

}  // namespace headroom
