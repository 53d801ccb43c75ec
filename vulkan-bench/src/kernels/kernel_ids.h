// The kernels and variants the bench runs. Inside the bench they are enums; their ids are the
// strings of the headroom.bench.v1 document (`kernel`, `variant`) and of the shader names.
#pragma once

#include <optional>
#include <string_view>

namespace headroom::bench {

enum class Kernel { read, write, copy, copy_buffer, fill_buffer, size_sweep_read, dequant, gemv };

// `driver` marks the vkCmdCopyBuffer / vkCmdFillBuffer baselines; the others are shader builds.
enum class Variant { portable, fast, fp16, int8dot, driver };

// The quant variants in run order (what --variants accepts).
inline constexpr Variant kQuantVariants[] = {Variant::portable, Variant::fast, Variant::fp16,
                                             Variant::int8dot};

const char* kernel_id(Kernel kernel);
const char* variant_id(Variant variant);
// One of kQuantVariants by id.
std::optional<Variant> parse_quant_variant(std::string_view id);

}  // namespace headroom::bench
