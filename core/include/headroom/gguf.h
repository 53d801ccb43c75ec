// GGUF (v2, v3, little-endian) header reading: metadata and tensor infos, never tensor data.
// Format: ggml-org/ggml docs/gguf.md; key and tensor names: llama.cpp gguf-py/gguf/constants.py.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "headroom/model.h"
#include "headroom/result.h"

namespace headroom {

// Random-access bytes. The reader asks only for header bytes (through a small buffer), so a
// file-backed source (pread) costs the metadata, not the 40 GB of weights behind it.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Copies `bytes` bytes at `offset` into `out`; false if they cannot all be read.
  virtual bool read_at(std::uint64_t offset, void* out, std::size_t bytes) const = 0;
};

// Bytes in memory (not owned). `reported_size_bytes` larger than the buffer makes the source
// pretend to be that long, reading zeros past the buffer: a header without its data region.
class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::span<const std::byte> bytes,
                            std::uint64_t reported_size_bytes = 0);
  explicit MemoryByteSource(std::string_view bytes, std::uint64_t reported_size_bytes = 0);
  std::uint64_t size() const override { return size_bytes_; }
  bool read_at(std::uint64_t offset, void* out, std::size_t bytes) const override;

 private:
  const std::byte* data_ = nullptr;
  std::uint64_t data_bytes_ = 0;
  std::uint64_t size_bytes_ = 0;
};

// GGUF metadata value types (gguf_type in ggml's gguf.h).
enum class GgufValueType : std::uint32_t {
  uint8 = 0,
  int8 = 1,
  uint16 = 2,
  int16 = 3,
  uint32 = 4,
  int32 = 5,
  float32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  uint64 = 10,
  int64 = 11,
  float64 = 12,
};

inline constexpr std::uint64_t kGgufDefaultAlignmentBytes = 32;
// An array value: its element type and length; the elements themselves only for integer and
// bool arrays of at most 65536 elements (bools as 0/1, uint64 cast to int64).
struct GgufArray {
  GgufValueType element_type = GgufValueType::uint8;
  std::uint64_t length = 0;
  std::vector<std::int64_t> ints;
  bool has_ints() const { return ints.size() == length; }
};

// A string over 1 MiB (e.g. tokenizer.huggingface.json): skipped, not read.
struct GgufLongString {
  std::uint64_t length_bytes = 0;
};

// Unsigned integers -> uint64, signed -> int64, floats -> double.
using GgufValue =
    std::variant<std::uint64_t, std::int64_t, double, bool, std::string, GgufArray, GgufLongString>;

struct GgufHeader {
  std::uint32_t version = 0;
  std::uint64_t alignment_bytes = kGgufDefaultAlignmentBytes;  // general.alignment
  std::uint64_t data_offset_bytes = 0;                         // start of the tensor data region
  std::uint64_t file_size_bytes = 0;
  std::uint64_t tensor_data_bytes = 0;  // sum of exact tensor bytes (no padding)
  std::map<std::string, GgufValue, std::less<>> metadata;
  std::vector<TensorSpec> tensors;  // in file order; rows = ne1*ne2*ne3, cols = ne0
  std::uint64_t bytes_read = 0;     // bytes fetched from the source, buffering included

  const GgufValue* find(std::string_view key) const;
  // A non-negative integer value (any integer type); nullopt if absent or not one.
  std::optional<std::uint64_t> get_uint(std::string_view key) const;
  std::optional<std::string> get_string(std::string_view key) const;
  std::optional<std::uint64_t> array_length(std::string_view key) const;
  const TensorSpec* find_tensor(std::string_view name) const;
};

// Reads and validates the header; hostile input gives an error naming the field, e.g.
// "gguf.tensor[12].n_dims must be 1..4 (got 9)".
Result<GgufHeader> read_gguf_header(const ByteSource& source);

// Role and layer from a GGUF tensor name: "blk.3.attn_q.weight" -> {attn_q, 3}.
struct GgufTensorName {
  TensorRole role = TensorRole::other;
  int layer = -1;
};
GgufTensorName parse_gguf_tensor_name(std::string_view name);

// The architecture from general.architecture and the <arch>.* keys; tensors are the header's
// exact list. `notes`, when given, receives one line per assumption made (e.g. a per-layer
// head_count_kv reduced to its maximum).
Result<ModelArch> arch_from_gguf(const GgufHeader& header, std::string_view id,
                                 std::vector<std::string>* notes = nullptr);

// read_gguf_header + arch_from_gguf, the assumptions appended to the model's notes.
Result<ModelArch> read_gguf_model(const ByteSource& source, std::string_view id);

}  // namespace headroom
