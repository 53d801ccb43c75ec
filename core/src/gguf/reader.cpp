// read_gguf_header: walks a GGUF v2/v3 header through a small buffered cursor, validating every
// count, length and offset against the bytes the file can still hold before trusting it.
// Layout (ggml docs/gguf.md): magic "GGUF", u32 version, u64 tensor_count, u64 kv_count,
// kv pairs (string key, u32 type, value), tensor infos (string name, u32 n_dims, u64 ne[n_dims],
// u32 ggml type, u64 offset), padding to general.alignment, tensor data.
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "gguf/cursor.h"
#include "headroom/gguf.h"

namespace headroom {
namespace {

using namespace gguf;

constexpr std::uint64_t kMinKvBytes = 8 + 4 + 1;  // empty key, type, one u8
// 1-byte name, n_dims, one dim, type, offset.
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;
constexpr std::uint32_t kMaxDims = 4;  // GGML_MAX_DIMS

struct RawTensor {
  std::uint64_t offset_bytes = 0;
  std::uint64_t data_bytes = 0;
};

class Parser {
 public:
  explicit Parser(const ByteSource& source) : cursor_(source) {}

  Result<GgufHeader> run() {
    std::uint64_t tensor_count = 0;
    std::uint64_t kv_count = 0;
    if (auto err = read_preamble(tensor_count, kv_count)) return *err;
    for (std::uint64_t i = 0; i < kv_count; ++i) {
      if (auto err = read_kv(i)) return *err;
    }
    if (auto err = read_alignment()) return *err;
    std::vector<RawTensor> raw;
    raw.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(tensor_count, 4096)));
    header_.tensors.reserve(raw.capacity());
    std::set<std::string, std::less<>> names;
    for (std::uint64_t i = 0; i < tensor_count; ++i) {
      RawTensor tensor;
      if (auto err = read_tensor_info(i, tensor, names)) return *err;
      raw.push_back(tensor);
    }
    if (auto err = place_data(raw)) return *err;
    header_.bytes_read = cursor_.bytes_read();
    return std::move(header_);
  }

 private:
  std::optional<Error> read_preamble(std::uint64_t& tensor_count, std::uint64_t& kv_count) {
    header_.file_size_bytes = cursor_.file_size();
    std::array<char, 4> magic{};
    if (!cursor_.read(magic.data(), magic.size())) return cursor_.error("gguf.magic");
    if (std::string_view(magic.data(), magic.size()) != "GGUF") {
      return parse_failure("gguf.magic",
                           "must be 'GGUF' (got '" +
                               printable(std::string_view(magic.data(), magic.size())) +
                               "'): not a GGUF file");
    }
    std::uint32_t version = 0;
    if (!cursor_.read_le(version)) return cursor_.error("gguf.version");
    if (version == 0x02000000u || version == 0x03000000u) {
      return refused(ErrorCode::unsupported, "gguf.version",
                     "gguf.version reads as big-endian; big-endian GGUF files are not "
                     "supported");
    }
    if (version != 2 && version != 3) {
      return refused(ErrorCode::unsupported, "gguf.version",
                     "gguf.version must be 2 or 3 (got " + std::to_string(version) + ")");
    }
    header_.version = version;
    if (!cursor_.read_le(tensor_count)) return cursor_.error("gguf.tensor_count");
    if (!cursor_.read_le(kv_count)) return cursor_.error("gguf.metadata_kv_count");
    if (tensor_count > kGgufMaxTensors) {
      return parse_failure("gguf.tensor_count", "must be at most " +
                                                    std::to_string(kGgufMaxTensors) + " (got " +
                                                    std::to_string(tensor_count) + ")");
    }
    if (kv_count > kGgufMaxMetadataKvs) {
      return parse_failure("gguf.metadata_kv_count", "must be at most " +
                                                         std::to_string(kGgufMaxMetadataKvs) +
                                                         " (got " + std::to_string(kv_count) + ")");
    }
    // Both counts are at most 2^20, so these products cannot overflow.
    const std::uint64_t needed = kv_count * kMinKvBytes + tensor_count * kMinTensorInfoBytes;
    if (needed > cursor_.remaining()) {
      const std::string field = tensor_count * kMinTensorInfoBytes > cursor_.remaining()
                                    ? "gguf.tensor_count"
                                    : "gguf.metadata_kv_count";
      return refused(ErrorCode::parse_error, field,
                     field + ": " + std::to_string(tensor_count) + " tensor infos and " +
                         std::to_string(kv_count) + " metadata pairs need at least " +
                         std::to_string(needed) + " bytes, past " + cursor_.what_remains());
    }
    return std::nullopt;
  }

  // A length-prefixed string that is checked against the remaining bytes before allocating.
  std::optional<Error> read_name(const std::string& field, std::string& out) {
    std::uint64_t length = 0;
    if (!cursor_.read_le(length)) return cursor_.error(field + ".length");
    if (length > kGgufMaxNameBytes) {
      return parse_failure(field, "length must be at most " + std::to_string(kGgufMaxNameBytes) +
                                      " bytes (got " + std::to_string(length) + ")");
    }
    if (length > cursor_.remaining()) return cursor_.length_past_end(field, length);
    out.resize(static_cast<std::size_t>(length));
    if (!cursor_.read(out.data(), length)) return cursor_.error(field);
    return std::nullopt;
  }

  std::optional<Error> read_kv(std::uint64_t index) {
    const std::string slot = "gguf.metadata[" + std::to_string(index) + "]";
    std::string key;
    if (auto err = read_name(slot + ".key", key)) return err;
    if (header_.metadata.contains(key)) {
      return refused(ErrorCode::parse_error, slot + ".key",
                     slot + ".key repeats the key '" + printable(key) + "'");
    }
    const std::string field = "gguf.metadata['" + printable(key) + "']";
    std::uint32_t raw_type = 0;
    if (!cursor_.read_le(raw_type)) return cursor_.error(field + ".type");
    if (!ValueReader::is_known_type(raw_type))
      return ValueReader::unknown_type(field + ".type", raw_type);
    GgufValue value;
    if (auto err = values_.read_value(static_cast<GgufValueType>(raw_type), 1, field, value))
      return err;
    header_.metadata.emplace(std::move(key), std::move(value));
    return std::nullopt;
  }

  std::optional<Error> read_alignment() {
    const GgufValue* value = header_.find("general.alignment");
    if (value == nullptr) return std::nullopt;
    const std::string field = "gguf.metadata['general.alignment']";
    const auto* alignment = std::get_if<std::uint64_t>(value);
    if (alignment == nullptr) {
      return parse_failure(field, "must be an unsigned integer");
    }
    const std::uint64_t a = *alignment;
    if (a == 0 || (a & (a - 1)) != 0 || a > kGgufMaxAlignmentBytes) {
      return parse_failure(field, "must be a power of two from 1 to " +
                                      std::to_string(kGgufMaxAlignmentBytes) + " (got " +
                                      std::to_string(a) + ")");
    }
    header_.alignment_bytes = a;
    return std::nullopt;
  }

  std::optional<Error> read_tensor_info(std::uint64_t index, RawTensor& raw,
                                        std::set<std::string, std::less<>>& names) {
    const std::string slot = "gguf.tensor[" + std::to_string(index) + "]";
    TensorSpec spec;
    if (auto err = read_name(slot + ".name", spec.name)) return err;
    if (spec.name.empty()) {
      return refused(ErrorCode::parse_error, slot + ".name", slot + ".name is empty");
    }
    if (!names.insert(spec.name).second) {
      return refused(ErrorCode::parse_error, slot + ".name",
                     slot + ".name repeats the tensor name '" + printable(spec.name) + "'");
    }
    std::uint32_t n_dims = 0;
    if (!cursor_.read_le(n_dims)) return cursor_.error(slot + ".n_dims");
    if (n_dims < 1 || n_dims > kMaxDims) {
      return refused(ErrorCode::parse_error, slot + ".n_dims",
                     slot + ".n_dims must be 1..4 (got " + std::to_string(n_dims) + ")");
    }
    std::array<std::uint64_t, kMaxDims> ne{1, 1, 1, 1};
    std::uint64_t elements = 1;
    for (std::uint32_t d = 0; d < n_dims; ++d) {
      const std::string dim_field = slot + ".ne[" + std::to_string(d) + "]";
      if (!cursor_.read_le(ne[d])) return cursor_.error(dim_field);
      if (ne[d] == 0) {
        return parse_failure(dim_field, "must be at least 1 (tensor '" + printable(spec.name) +
                                            "' has a zero dimension)");
      }
      if (!checked_mul(elements, ne[d], elements) ||
          elements > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return refused(
            ErrorCode::parse_error, slot + ".ne",
            slot + ".ne: the element count of '" + printable(spec.name) + "' overflows 2^63");
      }
    }
    std::uint32_t ggml_type = 0;
    if (!cursor_.read_le(ggml_type)) return cursor_.error(slot + ".type");
    const auto dtype = dtype_from_ggml_id(ggml_type);
    if (!dtype) {
      return refused(ErrorCode::parse_error, slot + ".type",
                     slot + ".type " + std::to_string(ggml_type) +
                         " is not a known ggml type (tensor '" + printable(spec.name) + "')");
    }
    const DTypeInfo& info = dtype_info(*dtype);
    if (ne[0] % info.block_elems != 0) {
      return refused(ErrorCode::parse_error, slot + ".ne[0]",
                     slot + ".ne[0] " + std::to_string(ne[0]) + " must be a multiple of the " +
                         info.id + " block size " + std::to_string(info.block_elems) +
                         " (tensor '" + printable(spec.name) + "')");
    }
    if (!cursor_.read_le(raw.offset_bytes)) return cursor_.error(slot + ".offset");

    spec.cols = ne[0];
    spec.rows = ne[1] * ne[2] * ne[3];  // <= elements, no overflow
    spec.dtype = *dtype;
    const GgufTensorName parsed = parse_gguf_tensor_name(spec.name);
    spec.role = parsed.role;
    spec.layer = parsed.layer;
    // Bits per row and in all: checked, so tensor_bytes below cannot overflow.
    std::uint64_t row_bits = 0;
    std::uint64_t total_bits = 0;
    if (!checked_mul(ne[0] / info.block_elems, info.block_bits, row_bits) ||
        !checked_mul(spec.rows, row_bits, total_bits)) {
      raw.data_bytes = std::numeric_limits<std::uint64_t>::max();
    } else {
      raw.data_bytes = tensor_bytes(spec.dtype, spec.rows, spec.cols);
    }
    header_.tensors.push_back(std::move(spec));
    return std::nullopt;
  }

  std::optional<Error> place_data(const std::vector<RawTensor>& raw) {
    const std::uint64_t end = cursor_.position();  // <= 512 MiB, so the sum cannot overflow
    const std::uint64_t a = header_.alignment_bytes;
    header_.data_offset_bytes = (end + a - 1) / a * a;
    if (raw.empty()) return std::nullopt;
    const std::uint64_t size = cursor_.file_size();
    if (header_.data_offset_bytes > size) {
      return parse_failure("gguf.data_offset", "" + std::to_string(header_.data_offset_bytes) +
                                                   " is past the end of the file (" +
                                                   std::to_string(size) + " bytes)");
    }
    const std::uint64_t data_region = size - header_.data_offset_bytes;
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const std::string slot = "gguf.tensor[" + std::to_string(i) + "]";
      const std::string& name = header_.tensors[i].name;
      if (raw[i].offset_bytes % a != 0) {
        return refused(ErrorCode::parse_error, slot + ".offset",
                       slot + ".offset " + std::to_string(raw[i].offset_bytes) +
                           " is not aligned to general.alignment " + std::to_string(a) +
                           " (tensor '" + printable(name) + "')");
      }
      if (raw[i].offset_bytes > data_region ||
          raw[i].data_bytes > data_region - raw[i].offset_bytes) {
        return refused(ErrorCode::parse_error, slot + ".offset",
                       slot + ".offset " + std::to_string(raw[i].offset_bytes) +
                           ": the data of tensor '" + printable(name) + "' (" +
                           (raw[i].data_bytes == std::numeric_limits<std::uint64_t>::max()
                                ? std::string("over 2^64")
                                : std::to_string(raw[i].data_bytes)) +
                           " bytes from data offset " + std::to_string(header_.data_offset_bytes) +
                           ") runs past the end of the file (" + std::to_string(size) + " bytes)");
      }
      total = raw[i].data_bytes > std::numeric_limits<std::uint64_t>::max() - total
                  ? std::numeric_limits<std::uint64_t>::max()  // overlapping offsets; saturate
                  : total + raw[i].data_bytes;
    }
    header_.tensor_data_bytes = total;
    return std::nullopt;
  }

  Cursor cursor_;
  ValueReader values_{cursor_};
  GgufHeader header_;
};

}  // namespace

Result<GgufHeader> read_gguf_header(const ByteSource& source) { return Parser(source).run(); }

}  // namespace headroom
