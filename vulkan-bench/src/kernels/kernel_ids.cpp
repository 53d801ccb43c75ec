// The quant variants --variants accepts, by the core's ids.
#include "kernels/kernel_ids.h"

namespace headroom::bench {

std::optional<Variant> parse_quant_variant(std::string_view id) {
  for (const Variant v : kQuantVariants) {
    if (id == variant_id(v)) return v;
  }
  return std::nullopt;
}

}  // namespace headroom::bench
