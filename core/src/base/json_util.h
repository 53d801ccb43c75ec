// Private helpers for reading nlohmann::json without exceptions (they abort in this build
// mode and lose their message in wasm): each reader checks presence and type first.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "headroom/result.h"

namespace headroom::json_util {

using Json = nlohmann::json;

inline std::optional<Json> parse(std::string_view text) {
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
