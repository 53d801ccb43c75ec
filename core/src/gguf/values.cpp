// GGUF metadata values: scalars as uint64 / int64 / double / bool, strings within their budget,
// arrays with their element type (integer arrays stored within their budget, the rest skipped).
#include "gguf/cursor.h"

namespace headroom::gguf {
namespace {

std::optional<std::uint64_t> scalar_bytes(GgufValueType type) {
  switch (type) {
    case GgufValueType::uint8:
    case GgufValueType::int8:
    case GgufValueType::boolean:
      return 1;
    case GgufValueType::uint16:
    case GgufValueType::int16:
      return 2;
    case GgufValueType::uint32:
    case GgufValueType::int32:
    case GgufValueType::float32:
      return 4;
    case GgufValueType::uint64:
    case GgufValueType::int64:
    case GgufValueType::float64:
      return 8;
    default:
      return std::nullopt;
  }
}

bool is_integer_like(GgufValueType type) {
  return scalar_bytes(type).has_value() && type != GgufValueType::float32 &&
         type != GgufValueType::float64;
}

}  // namespace

bool ValueReader::is_known_type(std::uint32_t raw) {
  return raw <= static_cast<std::uint32_t>(GgufValueType::float64);
}

Error ValueReader::unknown_type(const std::string& field, std::uint32_t raw_type) {
  return parse_failure(field,
                       "must be a GGUF value type 0..12 (got " + std::to_string(raw_type) + ")");
}

template <typename Raw, typename Stored>
bool ValueReader::read_as(GgufValue& out) {
  Raw raw{};
  if (!cursor_.read_le(raw)) return false;
  out = static_cast<Stored>(raw);
  return true;
}

std::optional<Error> ValueReader::read_scalar(GgufValueType type, const std::string& field,
                                              GgufValue& out) {
  using U = std::uint64_t;
  using I = std::int64_t;
  bool ok = false;
  switch (type) {
    case GgufValueType::uint8:
      ok = read_as<std::uint8_t, U>(out);
      break;
    case GgufValueType::uint16:
      ok = read_as<std::uint16_t, U>(out);
      break;
    case GgufValueType::uint32:
      ok = read_as<std::uint32_t, U>(out);
      break;
    case GgufValueType::uint64:
      ok = read_as<std::uint64_t, U>(out);
      break;
    case GgufValueType::int8:
      ok = read_as<std::int8_t, I>(out);
      break;
    case GgufValueType::int16:
      ok = read_as<std::int16_t, I>(out);
      break;
    case GgufValueType::int32:
      ok = read_as<std::int32_t, I>(out);
      break;
    case GgufValueType::int64:
      ok = read_as<std::int64_t, I>(out);
      break;
    case GgufValueType::float32:
      ok = read_as<float, double>(out);
      break;
    case GgufValueType::float64:
      ok = read_as<double, double>(out);
      break;
    case GgufValueType::boolean:
      ok = read_as<std::uint8_t, bool>(out);
      break;
    default:
      break;  // strings and arrays are read elsewhere
  }
  if (!ok) return cursor_.error(field);
  return std::nullopt;
}

std::optional<Error> ValueReader::read_string(const std::string& field, GgufValue& out) {
  std::uint64_t length = 0;
  if (!cursor_.read_le(length)) return cursor_.error(field + ".length");
  if (length > cursor_.remaining()) return cursor_.length_past_end(field, length);
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

std::optional<Error> ValueReader::read_value(GgufValueType type, int depth,
                                             const std::string& field, GgufValue& out) {
  if (type == GgufValueType::string) return read_string(field, out);
  if (type == GgufValueType::array) return read_array(depth, field, out);
  return read_scalar(type, field, out);
}

namespace {
// An error reported under `from` (its field and the start of its message) renamed to `to`.
Error renamed(Error error, const std::string& from, const std::string& to) {
  if (error.field.rfind(from, 0) == 0) error.field = to + error.field.substr(from.size());
  if (error.message.rfind(from, 0) == 0) error.message = to + error.message.substr(from.size());
  return error;
}
}  // namespace

std::optional<Error> ValueReader::read_array(int depth, const std::string& field, GgufValue& out) {
  std::uint32_t raw_type = 0;
  if (!cursor_.read_le(raw_type)) return cursor_.error(field + ".element_type");
  if (!is_known_type(raw_type)) return unknown_type(field + ".element_type", raw_type);
  const auto element_type = static_cast<GgufValueType>(raw_type);
  if (element_type == GgufValueType::array && depth >= kGgufMaxArrayDepth) {
    return parse_failure(
        field, "nests arrays deeper than " + std::to_string(kGgufMaxArrayDepth) + " levels");
  }
  GgufArray array;
  array.element_type = element_type;
  if (!cursor_.read_le(array.length)) return cursor_.error(field + ".length");
  const std::uint64_t min_element_bytes =
      scalar_bytes(element_type).value_or(element_type == GgufValueType::string ? 8 : 4 + 8);
  if (array.length > cursor_.remaining() / min_element_bytes) {
    return parse_failure(field, "length " + std::to_string(array.length) + " needs at least " +
                                    std::to_string(min_element_bytes) +
                                    " bytes per element, past " + cursor_.what_remains());
  }
  const auto element_field = [&](std::uint64_t i) { return field + "[" + std::to_string(i) + "]"; };
  if (element_type == GgufValueType::string) {
    for (std::uint64_t i = 0; i < array.length; ++i) {
      std::uint64_t length = 0;
      if (!cursor_.read_le(length)) return cursor_.error(element_field(i) + ".length");
      if (length > cursor_.remaining()) return cursor_.length_past_end(element_field(i), length);
      if (!cursor_.skip(length)) return cursor_.error(element_field(i));
    }
  } else if (element_type == GgufValueType::array) {
    for (std::uint64_t i = 0; i < array.length; ++i) {
      // The element's name is built only when it fails: building it for each of millions of
      // elements made a hostile header take seconds.
      GgufValue ignored;
      if (auto err = read_array(depth + 1, field, ignored)) {
        return renamed(std::move(*err), field, element_field(i));
      }
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

}  // namespace headroom::gguf
