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

#include "headroom/gguf.h"

namespace headroom {
namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;
constexpr std::uint64_t kMinKvBytes = 8 + 4 + 1;               // empty key, type, one u8
// 1-byte name, n_dims, one dim, type, offset.
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;
constexpr std::uint64_t kStoredIntsBudget = 1ull << 20;        // all arrays together
constexpr std::uint64_t kStoredStringBytesBudget = 64ull << 20;
constexpr std::uint32_t kMaxDims = 4;                          // GGML_MAX_DIMS

enum class Failure { none, truncated, over_header_limit, io };

// Key or tensor name made safe for a message: printable ASCII, at most 80 characters.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 80) out += "...";
  return out;
}

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
  out = a * b;
  return true;
}

// Sequential reads over a ByteSource; never past the file or the 512 MiB header limit.
class Cursor {
 public:
  explicit Cursor(const ByteSource& source)
      : source_(source),
        size_(source.size()),
        limit_(std::min(source.size(), kGgufMaxHeaderBytes)) {}

  std::uint64_t position() const { return pos_; }
  std::uint64_t file_size() const { return size_; }
  std::uint64_t remaining() const { return limit_ - pos_; }  // before file end and header limit
  bool limited_by_header() const { return limit_ < size_; }
  std::uint64_t bytes_read() const { return bytes_read_; }

  bool read(void* out, std::uint64_t bytes) {
    if (!reserve(bytes)) return false;
    if (bytes == 0) return true;
    if (pos_ >= buffer_start_ && pos_ + bytes <= buffer_start_ + buffer_.size()) {
      std::memcpy(out, buffer_.data() + (pos_ - buffer_start_), static_cast<std::size_t>(bytes));
    } else if (bytes >= kBufferBytes) {
      if (!fetch(pos_, out, bytes)) return false;
    } else {
      const std::uint64_t chunk = std::min<std::uint64_t>(kBufferBytes, size_ - pos_);
      buffer_.resize(static_cast<std::size_t>(chunk));
      if (!fetch(pos_, buffer_.data(), chunk)) {
        buffer_.clear();
        return false;
      }
      buffer_start_ = pos_;
      std::memcpy(out, buffer_.data(), static_cast<std::size_t>(bytes));
    }
    pos_ += bytes;
    return true;
  }

  bool skip(std::uint64_t bytes) {
    if (!reserve(bytes)) return false;
    pos_ += bytes;
    return true;
  }

  template <typename T>
  bool read_le(T& value) {
    std::array<unsigned char, sizeof(T)> raw{};
    if (!read(raw.data(), raw.size())) return false;
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) bits |= std::uint64_t{raw[i]} << (8 * i);
    if constexpr (std::is_same_v<T, float>) {
      const auto narrow = static_cast<std::uint32_t>(bits);
      std::memcpy(&value, &narrow, sizeof value);
    } else if constexpr (std::is_same_v<T, double>) {
      std::memcpy(&value, &bits, sizeof value);
    } else {
      value = static_cast<T>(bits);
    }
    return true;
  }

  // The error for the last failed read of `field`.
  Error error(const std::string& field) const {
    const std::string at = " at offset " + std::to_string(pos_);
    switch (failure_) {
      case Failure::over_header_limit:
        return parse_failure(field,
                          "needs " + std::to_string(failed_bytes_) + " bytes" + at +
                              ", past the 512 MiB header limit (header too large or corrupt)");
      case Failure::io:
        return parse_failure(field,
                          "could not be read (" + std::to_string(failed_bytes_) +
                              " bytes" + at + ")");
      default:
        return parse_failure(field,
                          "is truncated: it needs " + std::to_string(failed_bytes_) +
                              " bytes" + at + " but the file ends at byte " +
                              std::to_string(size_));
    }
  }

 private:
  bool reserve(std::uint64_t bytes) {
    if (bytes <= limit_ - pos_) return true;
    failed_bytes_ = bytes;
    failure_ = bytes > size_ - pos_ ? Failure::truncated : Failure::over_header_limit;
    return false;
  }

  bool fetch(std::uint64_t offset, void* out, std::uint64_t bytes) {
    if (!source_.read_at(offset, out, static_cast<std::size_t>(bytes))) {
      failure_ = Failure::io;
      failed_bytes_ = bytes;
      return false;
    }
    bytes_read_ += bytes;
    return true;
  }

  const ByteSource& source_;
  std::uint64_t size_;
  std::uint64_t limit_;
  std::uint64_t pos_ = 0;
  std::vector<unsigned char> buffer_;
  std::uint64_t buffer_start_ = 0;
  std::uint64_t bytes_read_ = 0;
  Failure failure_ = Failure::none;
  std::uint64_t failed_bytes_ = 0;
};

std::optional<std::uint64_t> scalar_bytes(GgufValueType type) {
  switch (type) {
    case GgufValueType::uint8: case GgufValueType::int8: case GgufValueType::boolean: return 1;
    case GgufValueType::uint16: case GgufValueType::int16: return 2;
    case GgufValueType::uint32: case GgufValueType::int32: case GgufValueType::float32: return 4;
    case GgufValueType::uint64: case GgufValueType::int64: case GgufValueType::float64: return 8;
    default: return std::nullopt;
  }
}

bool is_known_type(std::uint32_t raw) {
  return raw <= static_cast<std::uint32_t>(GgufValueType::float64);
}

bool is_integer_like(GgufValueType type) {
  return scalar_bytes(type).has_value() && type != GgufValueType::float32 &&
         type != GgufValueType::float64;
}

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
      return parse_failure("gguf.tensor_count",
                        "must be at most " + std::to_string(kGgufMaxTensors) +
                            " (got " + std::to_string(tensor_count) + ")");
    }
    if (kv_count > kGgufMaxMetadataKvs) {
      return parse_failure("gguf.metadata_kv_count",
                        "must be at most " +
                            std::to_string(kGgufMaxMetadataKvs) + " (got " +
                            std::to_string(kv_count) + ")");
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
                            std::to_string(needed) + " bytes, past " + what_remains());
    }
    return std::nullopt;
  }

  // A length-prefixed string that is checked against the remaining bytes before allocating.
  std::optional<Error> read_name(const std::string& field, std::string& out) {
    std::uint64_t length = 0;
    if (!cursor_.read_le(length)) return cursor_.error(field + ".length");
    if (length > kGgufMaxNameBytes) {
      return parse_failure(field,
                        "length must be at most " + std::to_string(kGgufMaxNameBytes) +
                            " bytes (got " + std::to_string(length) + ")");
    }
    if (length > cursor_.remaining()) return length_past_end(field, length);
    out.resize(static_cast<std::size_t>(length));
    if (!cursor_.read(out.data(), length)) return cursor_.error(field);
    return std::nullopt;
  }

  // " the end of the file (N bytes remain at offset P)" or the header-limit equivalent.
  std::string what_remains() const {
    const std::string where = cursor_.limited_by_header() && cursor_.remaining() <
                                      cursor_.file_size() - cursor_.position()
                                  ? "the 512 MiB header limit ("
                                  : "the end of the file (";
    return where + std::to_string(cursor_.remaining()) + " bytes remain at offset " +
           std::to_string(cursor_.position()) + ")";
  }

  Error length_past_end(const std::string& field, std::uint64_t length) const {
    return parse_failure(field,
                      "length " + std::to_string(length) + " runs past " +
                          what_remains());
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
    if (!is_known_type(raw_type)) return unknown_type(field + ".type", raw_type);
    GgufValue value;
    if (auto err = read_value(static_cast<GgufValueType>(raw_type), 1, field, value)) return err;
    header_.metadata.emplace(std::move(key), std::move(value));
    return std::nullopt;
  }

  static Error unknown_type(const std::string& field, std::uint32_t raw_type) {
    return parse_failure(field,
                      "must be a GGUF value type 0..12 (got " +
                          std::to_string(raw_type) + ")");
  }

  template <typename Raw, typename Stored>
  bool read_as(GgufValue& out) {
    Raw raw{};
    if (!cursor_.read_le(raw)) return false;
    out = static_cast<Stored>(raw);
    return true;
  }

  std::optional<Error> read_scalar(GgufValueType type, const std::string& field, GgufValue& out) {
    using U = std::uint64_t;
    using I = std::int64_t;
    bool ok = false;
    switch (type) {
      case GgufValueType::uint8: ok = read_as<std::uint8_t, U>(out); break;
      case GgufValueType::uint16: ok = read_as<std::uint16_t, U>(out); break;
      case GgufValueType::uint32: ok = read_as<std::uint32_t, U>(out); break;
      case GgufValueType::uint64: ok = read_as<std::uint64_t, U>(out); break;
      case GgufValueType::int8: ok = read_as<std::int8_t, I>(out); break;
      case GgufValueType::int16: ok = read_as<std::int16_t, I>(out); break;
      case GgufValueType::int32: ok = read_as<std::int32_t, I>(out); break;
      case GgufValueType::int64: ok = read_as<std::int64_t, I>(out); break;
      case GgufValueType::float32: ok = read_as<float, double>(out); break;
      case GgufValueType::float64: ok = read_as<double, double>(out); break;
      case GgufValueType::boolean: ok = read_as<std::uint8_t, bool>(out); break;
      default: break;  // strings and arrays are read elsewhere
    }
    if (!ok) return cursor_.error(field);
    return std::nullopt;
  }

  std::optional<Error> read_string(const std::string& field, GgufValue& out) {
    std::uint64_t length = 0;
    if (!cursor_.read_le(length)) return cursor_.error(field + ".length");
    if (length > cursor_.remaining()) return length_past_end(field, length);
    if (length > kGgufMaxStoredStringBytes || length > string_budget_) {
      if (!cursor_.skip(length)) return cursor_.error(field);
      out = GgufLongString{length};
      return std::nullopt;
    }
    std::string text(static_cast<std::size_t>(length), '\0');
    if (!cursor_.read(text.data(), length)) return cursor_.error(field);
    string_budget_ -= length;
    out = std::move(text);
    return std::nullopt;
  }

  std::optional<Error> read_value(GgufValueType type, int depth, const std::string& field,
                                  GgufValue& out) {
    if (type == GgufValueType::string) return read_string(field, out);
    if (type == GgufValueType::array) return read_array(depth, field, out);
    return read_scalar(type, field, out);
  }

  std::optional<Error> read_array(int depth, const std::string& field, GgufValue& out) {
    std::uint32_t raw_type = 0;
    if (!cursor_.read_le(raw_type)) return cursor_.error(field + ".element_type");
    if (!is_known_type(raw_type)) return unknown_type(field + ".element_type", raw_type);
    const auto element_type = static_cast<GgufValueType>(raw_type);
    if (element_type == GgufValueType::array && depth >= kGgufMaxArrayDepth) {
      return parse_failure(field,
                        "nests arrays deeper than " +
                            std::to_string(kGgufMaxArrayDepth) + " levels");
    }
    GgufArray array;
    array.element_type = element_type;
    if (!cursor_.read_le(array.length)) return cursor_.error(field + ".length");
    const std::uint64_t min_element_bytes = scalar_bytes(element_type).value_or(
        element_type == GgufValueType::string ? 8 : 4 + 8);
    if (array.length > cursor_.remaining() / min_element_bytes) {
      return parse_failure(field,
                        "length " + std::to_string(array.length) + " needs at least " +
                            std::to_string(min_element_bytes) + " bytes per element, past " +
                            what_remains());
    }
    const auto element_field = [&](std::uint64_t i) {
      return field + "[" + std::to_string(i) + "]";
    };
    if (element_type == GgufValueType::string) {
      for (std::uint64_t i = 0; i < array.length; ++i) {
        std::uint64_t length = 0;
        if (!cursor_.read_le(length)) return cursor_.error(element_field(i) + ".length");
        if (length > cursor_.remaining()) return length_past_end(element_field(i), length);
        if (!cursor_.skip(length)) return cursor_.error(element_field(i));
      }
    } else if (element_type == GgufValueType::array) {
      for (std::uint64_t i = 0; i < array.length; ++i) {
        GgufValue ignored;
        if (auto err = read_array(depth + 1, element_field(i), ignored)) return err;
      }
    } else if (is_integer_like(element_type) && array.length <= kGgufMaxStoredArrayInts &&
               array.length <= ints_budget_) {
      array.ints.reserve(static_cast<std::size_t>(array.length));
      for (std::uint64_t i = 0; i < array.length; ++i) {
        GgufValue element;
        if (auto err = read_scalar(element_type, element_field(i), element)) return err;
        if (const auto* u = std::get_if<std::uint64_t>(&element)) {
          array.ints.push_back(static_cast<std::int64_t>(*u));
        } else if (const auto* s = std::get_if<std::int64_t>(&element)) {
          array.ints.push_back(*s);
        } else {
          array.ints.push_back(std::get<bool>(element) ? 1 : 0);
        }
      }
      ints_budget_ -= array.length;
    } else {
      // Length checked above against the remaining bytes, so this product fits.
      if (!cursor_.skip(array.length * min_element_bytes)) return cursor_.error(field);
    }
    out = std::move(array);
    return std::nullopt;
  }

  std::optional<Error> read_alignment() {
    const GgufValue* value = header_.find("general.alignment");
    if (value == nullptr) return std::nullopt;
    const std::string field = "gguf.metadata['general.alignment']";
    const auto* alignment = std::get_if<std::uint64_t>(value);
    if (alignment == nullptr) {
      return parse_failure(field,
                        "must be an unsigned integer");
    }
    const std::uint64_t a = *alignment;
    if (a == 0 || (a & (a - 1)) != 0 || a > kGgufMaxAlignmentBytes) {
      return parse_failure(field,
                        "must be a power of two from 1 to " +
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
        return parse_failure(dim_field,
                          "must be at least 1 (tensor '" + printable(spec.name) +
                              "' has a zero dimension)");
      }
      if (!checked_mul(elements, ne[d], elements) ||
          elements > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return refused(ErrorCode::parse_error, slot + ".ne",
                          slot + ".ne: the element count of '" + printable(spec.name) +
                              "' overflows 2^63");
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
      return parse_failure("gguf.data_offset",
                        "" + std::to_string(header_.data_offset_bytes) +
                            " is past the end of the file (" + std::to_string(size) +
                            " bytes)");
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
                              " bytes from data offset " +
                              std::to_string(header_.data_offset_bytes) +
                              ") runs past the end of the file (" + std::to_string(size) +
                              " bytes)");
      }
      total = raw[i].data_bytes > std::numeric_limits<std::uint64_t>::max() - total
                  ? std::numeric_limits<std::uint64_t>::max()  // overlapping offsets; saturate
                  : total + raw[i].data_bytes;
    }
    header_.tensor_data_bytes = total;
    return std::nullopt;
  }

  Cursor cursor_;
  GgufHeader header_;
  std::uint64_t ints_budget_ = kStoredIntsBudget;
  std::uint64_t string_budget_ = kStoredStringBytesBudget;
};

}  // namespace

Result<GgufHeader> read_gguf_header(const ByteSource& source) { return Parser(source).run(); }

}  // namespace headroom
