// Ids of kernels and variants as the report and the shader names spell them.
#include "kernels/kernel_ids.h"

namespace headroom::bench {

const char* kernel_id(Kernel kernel) {
  switch (kernel) {
    case Kernel::read:
      return "read";
    case Kernel::write:
      return "write";
    case Kernel::copy:
      return "copy";
    case Kernel::copy_buffer:
      return "copy_buffer";
    case Kernel::fill_buffer:
      return "fill_buffer";
    case Kernel::size_sweep_read:
      return "size_sweep_read";
    case Kernel::dequant:
      return "dequant";
    case Kernel::gemv:
      return "gemv";
  }
  return "unknown";
}

const char* variant_id(Variant variant) {
  switch (variant) {
    case Variant::portable:
      return "portable";
    case Variant::fast:
      return "fast";
    case Variant::fp16:
      return "fp16";
    case Variant::int8dot:
      return "int8dot";
    case Variant::driver:
      return "driver";
  }
  return "unknown";
}

std::optional<Variant> parse_quant_variant(std::string_view id) {
  for (const Variant v : kQuantVariants) {
    if (id == variant_id(v)) return v;
  }
  return std::nullopt;
}

}  // namespace headroom::bench
