// Test-only GGUF v3 writer: builds small valid (or deliberately broken) GGUF headers in memory.
// Tensor data sizes come from its own small table, independent of the code under test.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::test {

// ggml type ids used by the tests (ggml.h enum ggml_type).
inline constexpr std::uint32_t kGgmlF32 = 0;
inline constexpr std::uint32_t kGgmlF16 = 1;
inline constexpr std::uint32_t kGgmlQ4_0 = 2;
inline constexpr std::uint32_t kGgmlQ8_0 = 8;
inline constexpr std::uint32_t kGgmlQ4K = 12;
inline constexpr std::uint32_t kGgmlQ6K = 14;
inline constexpr std::uint32_t kGgmlBf16 = 30;

// GGUF value type ids.
inline constexpr std::uint32_t kTypeU8 = 0, kTypeI8 = 1, kTypeU16 = 2, kTypeI16 = 3, kTypeU32 = 4,
                               kTypeI32 = 5, kTypeF32 = 6, kTypeBool = 7, kTypeString = 8,
                               kTypeArray = 9, kTypeU64 = 10, kTypeI64 = 11, kTypeF64 = 12;

inline void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void put_u16(std::string& out, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) put_u8(out, static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) put_u8(out, static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) put_u8(out, static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put_f32(std::string& out, float v) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  put_u32(out, bits);
}
inline void put_string(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

// Bytes of a tensor with ne0 x rest elements, from ggml's block sizes (0 for unknown types).
inline std::uint64_t test_tensor_bytes(std::uint32_t ggml_type, std::uint64_t ne0,
                                       std::uint64_t rest) {
  switch (ggml_type) {
    case kGgmlF32:
      return ne0 * rest * 4;
    case kGgmlF16:
    case kGgmlBf16:
      return ne0 * rest * 2;
    case kGgmlQ4_0:
      return ne0 / 32 * 18 * rest;
    case kGgmlQ8_0:
      return ne0 / 32 * 34 * rest;
    case kGgmlQ4K:
      return ne0 / 256 * 144 * rest;
    case kGgmlQ6K:
      return ne0 / 256 * 210 * rest;
    default:
      return 0;
  }
}

class GgufWriter {
 public:
  GgufWriter& version(std::uint32_t v) {
    version_ = v;
    return *this;
  }
  GgufWriter& magic(std::string_view m) {
    magic_ = std::string(m);
    return *this;
  }
  // Override the counts written in the preamble (to lie about them).
  GgufWriter& tensor_count(std::uint64_t n) {
    tensor_count_ = n;
    return *this;
  }
  GgufWriter& kv_count(std::uint64_t n) {
    kv_count_ = n;
    return *this;
  }

  GgufWriter& u32(std::string_view key, std::uint32_t v) { return kv(key, kTypeU32, le32(v)); }
  GgufWriter& u64(std::string_view key, std::uint64_t v) { return kv(key, kTypeU64, le64(v)); }
  GgufWriter& i32(std::string_view key, std::int32_t v) {
    return kv(key, kTypeI32, le32(static_cast<std::uint32_t>(v)));
  }
  GgufWriter& f32(std::string_view key, float v) {
    std::string b;
    put_f32(b, v);
    return kv(key, kTypeF32, b);
  }
  GgufWriter& boolean(std::string_view key, bool v) {
    return kv(key, kTypeBool, std::string(1, v ? '\1' : '\0'));
  }
  GgufWriter& str(std::string_view key, std::string_view v) {
    std::string b;
    put_string(b, v);
    return kv(key, kTypeString, b);
  }
  GgufWriter& u32_array(std::string_view key, const std::vector<std::uint32_t>& v) {
    std::string b = array_prefix(kTypeU32, v.size());
    for (auto x : v) put_u32(b, x);
    return kv(key, kTypeArray, b);
  }
  GgufWriter& i32_array(std::string_view key, const std::vector<std::int32_t>& v) {
    std::string b = array_prefix(kTypeI32, v.size());
    for (auto x : v) put_u32(b, static_cast<std::uint32_t>(x));
    return kv(key, kTypeArray, b);
  }
  GgufWriter& bool_array(std::string_view key, const std::vector<bool>& v) {
    std::string b = array_prefix(kTypeBool, v.size());
    for (bool x : v) put_u8(b, x ? 1 : 0);
    return kv(key, kTypeArray, b);
  }
  GgufWriter& f32_array(std::string_view key, std::size_t n) {
    std::string b = array_prefix(kTypeF32, n);
    for (std::size_t i = 0; i < n; ++i) put_f32(b, 0.5f);
    return kv(key, kTypeArray, b);
  }
  // n one-character strings ("a"), as a tokenizer.ggml.tokens stand-in.
  GgufWriter& str_array(std::string_view key, std::size_t n) {
    std::string b = array_prefix(kTypeString, n);
    for (std::size_t i = 0; i < n; ++i) put_string(b, "a");
    return kv(key, kTypeArray, b);
  }
  // general.alignment: written as a u32 kv and used for padding and automatic offsets.
  GgufWriter& alignment(std::uint32_t a) {
    alignment_ = a;
    return u32("general.alignment", a);
  }
  // Any kv with hand-made value bytes (type id written as given).
  GgufWriter& kv(std::string_view key, std::uint32_t type, std::string_view value_bytes) {
    put_string(kvs_, key);
    put_u32(kvs_, type);
    kvs_.append(value_bytes);
    ++kvs_written_;
    return *this;
  }

  // A tensor info; offset defaults to the next aligned offset after the previous tensor.
  GgufWriter& tensor(std::string_view name, const std::vector<std::uint64_t>& ne,
                     std::uint32_t ggml_type, std::optional<std::uint64_t> offset = std::nullopt) {
    std::uint64_t rest = 1;
    for (std::size_t i = 1; i < ne.size(); ++i) rest *= ne[i];
    const std::uint64_t bytes = ne.empty() ? 0 : test_tensor_bytes(ggml_type, ne[0], rest);
    const std::uint64_t at = offset.value_or(align(next_offset_));
    put_string(infos_, name);
    put_u32(infos_, static_cast<std::uint32_t>(ne.size()));
    for (auto d : ne) put_u64(infos_, d);
    put_u32(infos_, ggml_type);
    put_u64(infos_, at);
    next_offset_ = std::max(next_offset_, at + bytes);
    ++tensors_written_;
    return *this;
  }

  // Everything before the data region, padded to the alignment.
  std::string header() const {
    std::string out = magic_;
    put_u32(out, version_);
    put_u64(out, tensor_count_.value_or(tensors_written_));
    put_u64(out, kv_count_.value_or(kvs_written_));
    out += kvs_;
    out += infos_;
    out.resize(align(out.size()), '\0');
    return out;
  }
  // Bytes the data region needs (end of the last tensor).
  std::uint64_t data_bytes() const { return next_offset_; }
  // Header followed by a zero-filled data region: a complete, valid file.
  std::string file() const {
    std::string out = header();
    out.resize(out.size() + data_bytes(), '\0');
    return out;
  }

 private:
  static std::string le32(std::uint32_t v) {
    std::string b;
    put_u32(b, v);
    return b;
  }
  static std::string le64(std::uint64_t v) {
    std::string b;
    put_u64(b, v);
    return b;
  }
  static std::string array_prefix(std::uint32_t type, std::uint64_t n) {
    std::string b;
    put_u32(b, type);
    put_u64(b, n);
    return b;
  }
  std::uint64_t align(std::uint64_t n) const {
    return (n + alignment_ - 1) / alignment_ * alignment_;
  }

  std::string magic_ = "GGUF";
  std::uint32_t version_ = 3;
  std::optional<std::uint64_t> tensor_count_;
  std::optional<std::uint64_t> kv_count_;
  std::string kvs_;
  std::string infos_;
  std::uint64_t kvs_written_ = 0;
  std::uint64_t tensors_written_ = 0;
  std::uint64_t alignment_ = 32;
  std::uint64_t next_offset_ = 0;
};

}  // namespace headroom::test
