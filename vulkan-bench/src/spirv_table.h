// The SPIR-V modules compiled from shaders/ at build time (see cmake/headroom_spirv.cmake).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace headroom::bench {

struct SpirvModule {
  const char* name;  // "gemv_q4_k_fast", "bw_read", ...
  const std::uint32_t* code;
  std::size_t size_bytes;
};

const std::vector<SpirvModule>& spirv_modules();

}  // namespace headroom::bench
