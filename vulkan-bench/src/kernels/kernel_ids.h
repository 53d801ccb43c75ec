// The kernels and variants the bench runs: the core's headroom.bench.v1 enums (bench_report.h),
// whose ids are the document's `kernel` / `variant` strings and the shader names.
#pragma once

#include <optional>
#include <string_view>

#include "headroom/bench_report.h"

namespace headroom::bench {

using Kernel = BenchKernel;
using Variant = BenchVariant;

// The quant variants in run order (what --variants accepts).
inline constexpr Variant kQuantVariants[] = {Variant::portable, Variant::fast, Variant::fp16,
                                             Variant::int8dot};

inline const char* kernel_id(Kernel kernel) { return bench_kernel_id(kernel); }
inline const char* variant_id(Variant variant) { return bench_variant_id(variant); }
// One of kQuantVariants by id.
std::optional<Variant> parse_quant_variant(std::string_view id);

}  // namespace headroom::bench
