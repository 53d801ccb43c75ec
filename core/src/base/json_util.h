// Private helpers for reading nlohmann::json without exceptions (they abort in this build
// mode and lose their message in wasm): each reader checks presence and type first.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "headroom/result.h"

namespace headroom::json_util {

using Json = nlohmann::json;

// Deepest nesting a document may have. Real config.json, bench and request documents stay under
// 10 levels; nlohmann's parser is iterative, but copying, dump() and comparison recurse once per
// level, so 100k nested objects overflow the stack (a crash, not an error). 64 leaves room for a
// config.json inside a request inside a larger document.
inline constexpr int kMaxJsonDepth = 64;

// True when `text` nests arrays/objects deeper than kMaxJsonDepth: a cheap scan of the brackets
// outside strings, run before the parser builds (and the caller copies) anything.
inline bool nests_too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// The error for a document that nests too deep, naming the limit.
inline Error too_deep(std::string field, const std::string& what) {
  return refused(
      ErrorCode::parse_error, std::move(field),
      what + " nests arrays or objects deeper than " + std::to_string(kMaxJsonDepth) + " levels");
}

// Python's json.dump writes the non-standard literals Infinity, -Infinity and NaN (Nemotron-H's
// "time_step_limit": [0.0, Infinity]); nlohmann rejects them. Outside strings they become null,
// which every reader treats as absent. Returns nullopt when there is nothing to rewrite.
inline std::optional<std::string> nulled_python_literals(std::string_view text) {
  std::optional<std::string> out;
  bool in_string = false;
  std::size_t copied = 0;  // text[0, copied) is already in *out
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    std::size_t length = 0;
    if (text.substr(i, 9) == "-Infinity") {
      length = 9;
    } else if (text.substr(i, 8) == "Infinity") {
      length = 8;
    } else if (text.substr(i, 3) == "NaN") {
      length = 3;
    }
    if (length == 0) continue;
    if (!out) out.emplace();
    out->append(text.substr(copied, i - copied));
    out->append("null");
    i += length - 1;
    copied = i + 1;
  }
  if (out) out->append(text.substr(copied));
  return out;
}

// Parses a document (nullopt when it is not JSON); callers check nests_too_deep() first.
inline std::optional<Json> parse(std::string_view text) {
  if (nests_too_deep(text)) return std::nullopt;
  if (const auto rewritten = nulled_python_literals(text)) {
    Json doc = Json::parse(rewritten->begin(), rewritten->end(), nullptr, false);
    if (doc.is_discarded()) return std::nullopt;
    return doc;
  }
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

inline const Json* find(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

inline std::optional<std::uint64_t> get_uint(const Json& object, const char* key) {
  const Json* value = find(object, key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_unsigned()) return value->get<std::uint64_t>();
  if (value->is_number_integer() && value->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value->get<std::int64_t>());
  }
  if (value->is_number_float()) {
    const double number = value->get<double>();
    if (std::isfinite(number) && number >= 0 && number == std::floor(number) && number < 1.8e19) {
      return static_cast<std::uint64_t>(number);
    }
  }
  return std::nullopt;
}

inline std::optional<double> get_number(const Json& object, const char* key) {
  const Json* value = find(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  const double number = value->get<double>();
  if (!std::isfinite(number)) return std::nullopt;
  return number;
}

inline std::optional<std::string> get_string(const Json& object, const char* key) {
  const Json* value = find(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

inline std::optional<bool> get_bool(const Json& object, const char* key) {
  const Json* value = find(object, key);
  if (value == nullptr || !value->is_boolean()) return std::nullopt;
  return value->get<bool>();
}

// True when the key is present (not null) but holds something other than a non-negative integer.
inline bool has_bad_uint(const Json& object, const char* key) {
  return find(object, key) != nullptr && !get_uint(object, key).has_value();
}

}  // namespace headroom::json_util
