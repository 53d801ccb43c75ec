// The reading layer of the GGUF header reader: its limits, a buffered little-endian cursor that
// never reads past the file or the header limit, and the metadata value reader (scalars,
// strings, arrays with their budgets). Private to core/src/gguf.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/gguf.h"

namespace headroom::gguf {

inline constexpr std::uint64_t kGgufMaxHeaderBytes = 512ull << 20;  // metadata + tensor infos
inline constexpr std::uint64_t kGgufMaxTensors = 1ull << 20;
inline constexpr std::uint64_t kGgufMaxMetadataKvs = 1ull << 20;
inline constexpr std::uint64_t kGgufMaxNameBytes = 65535;  // keys and tensor names
// Longer strings and arrays keep only their length.
inline constexpr std::uint64_t kGgufMaxStoredStringBytes = 1ull << 20;
inline constexpr std::uint64_t kGgufMaxStoredArrayInts = 65536;
inline constexpr std::uint64_t kGgufMaxAlignmentBytes = 1ull << 20;
inline constexpr int kGgufMaxArrayDepth = 2;  // an array of arrays at most

constexpr std::size_t kBufferBytes = 64 * 1024;

enum class Failure { none, truncated, over_header_limit, io };

// Key or tensor name made safe for a message: printable ASCII, at most 80 characters.
inline std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 80) out += "...";
  return out;
}

inline bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
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

  // " the end of the file (N bytes remain at offset P)" or the header-limit equivalent.
  std::string what_remains() const {
    const std::string where = limited_by_header() && remaining() < file_size() - position()
                                  ? "the 512 MiB header limit ("
                                  : "the end of the file (";
    return where + std::to_string(remaining()) + " bytes remain at offset " +
           std::to_string(position()) + ")";
  }

  Error length_past_end(const std::string& field, std::uint64_t length) const {
    return parse_failure(field,
                         "length " + std::to_string(length) + " runs past " + what_remains());
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
        return parse_failure(
            field, "could not be read (" + std::to_string(failed_bytes_) + " bytes" + at + ")");
      default:
        return parse_failure(field, "is truncated: it needs " + std::to_string(failed_bytes_) +
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

// Reads metadata values (scalars, strings, arrays of arrays) through a cursor, keeping strings
// and integer arrays only within their budgets.
class ValueReader {
 public:
  explicit ValueReader(Cursor& cursor) : cursor_(cursor) {}

  std::optional<Error> read_value(GgufValueType type, int depth, const std::string& field,
                                  GgufValue& out);
  static bool is_known_type(std::uint32_t raw);
  static Error unknown_type(const std::string& field, std::uint32_t raw_type);

 private:
  std::optional<Error> read_scalar(GgufValueType type, const std::string& field, GgufValue& out);
  std::optional<Error> read_string(const std::string& field, GgufValue& out);
  std::optional<Error> read_array(int depth, const std::string& field, GgufValue& out);
  template <typename Raw, typename Stored>
  bool read_as(GgufValue& out);

  static constexpr std::uint64_t kStoredIntsBudget = 1ull << 20;  // all arrays together
  static constexpr std::uint64_t kStoredStringBytesBudget = 64ull << 20;
  Cursor& cursor_;
  std::uint64_t ints_budget_ = kStoredIntsBudget;
  std::uint64_t string_budget_ = kStoredStringBytesBudget;
};

}  // namespace headroom::gguf
