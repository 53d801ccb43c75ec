// SGLang's defaults by GPU memory and tensor-parallel size: what the memory model reserves for and
// what the speed model's engine entry captures in CUDA graphs and budgets per prefill step.
#pragma once

#include <cstdint>

namespace headroom {

// server_args.py _handle_gpu_memory_settings (the rule since sgl-project/sglang PR #10975,
// merged 2025-09-27): chunked_prefill_size 2048 below 35 GiB, 4096 below 60 GiB, 8192 below
// 160 GiB, 16384 above; cuda_graph_max_bs 8 below 20 GiB, 24 (TP < 4) / 80 below 35 GiB, 32 /
// 160 below 60 GiB, 256 / 512 below 160 GiB, 512 above.
struct SglangDefaults {
  std::uint64_t chunked_prefill = 8192;
  std::uint32_t cuda_graph_max_bs = 256;
};

inline SglangDefaults sglang_defaults(double gpu_mem_mib, std::uint32_t tp) {
  if (gpu_mem_mib < 20 * 1024) return {2048, 8};
  if (gpu_mem_mib < 35 * 1024) return {2048, tp < 4 ? 24u : 80u};
  if (gpu_mem_mib < 60 * 1024) return {4096, tp < 4 ? 32u : 160u};
  if (gpu_mem_mib < 160 * 1024) return {8192, tp < 4 ? 256u : 512u};
  return {16384, 512};
}

}  // namespace headroom
