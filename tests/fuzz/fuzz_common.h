// Shared by the libFuzzer targets: the built-in catalog, parsed once per process, and the input
// as text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "headroom/catalog.h"

namespace headroom::fuzz {

inline const Catalog& catalog() {
  static const Catalog kCatalog = load_builtin_catalog().value();
  return kCatalog;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace headroom::fuzz
