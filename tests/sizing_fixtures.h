// Shared by the sizing tests: the built-in catalog (parsed once) and requests built from ids.
#pragma once

#include <cstdint>

#include "headroom/catalog.h"
#include "headroom/sizing.h"
#include "headroom/units.h"

namespace headroom::test {

inline const Catalog& catalog() {
  static const Catalog kCatalog = load_builtin_catalog().value();
  return kCatalog;
}

inline SizingRequest request(const char* model, const char* quant, RuntimeId runtime,
                             const char* card) {
  SizingRequest r;
  r.model = catalog().find_model(model).value()->arch;
  r.weight_format = quant;
  r.runtime = runtime;
  r.card = *catalog().find_card(card).value();
  return r;
}

inline double gib(std::uint64_t bytes) {
  return static_cast<double>(bytes) / static_cast<double>(kGiB);
}
inline double mib(std::uint64_t bytes) {
  return static_cast<double>(bytes) / static_cast<double>(kMiB);
}

}  // namespace headroom::test
