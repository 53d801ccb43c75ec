// Card: one accelerator as sizing sees it (memory a runtime can use, bandwidth, tensor
// throughput, cache), read from the built-in catalog core/data/cards.json.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace headroom {

struct CardThroughput {
  // Dense tensor throughput in FLOP/s (or OP/s for integers); 0 where the card has no native path.
  double fp16_flops_per_s = 0;
  double bf16_flops_per_s = 0;
  double fp8_flops_per_s = 0;
  double int8_ops_per_s = 0;
  double int4_ops_per_s = 0;
  double fp4_flops_per_s = 0;
};

struct Card {
  std::string id;                         // "h100-sxm-80gb"
  std::string name;                       // "NVIDIA H100 SXM5 80GB"
  std::string vendor;                     // nvidia | amd | intel | apple
  std::string segment;                    // datacenter | workstation | consumer | laptop | soc
  std::string architecture;               // "Hopper"
  std::uint64_t memory_bytes = 0;         // marketed capacity
  std::uint64_t usable_memory_bytes = 0;  // what a runtime sees as total (cudaMemGetInfo etc.)
  std::string memory_type;                // "HBM3"
  double bandwidth_bytes_per_s = 0;       // spec DRAM bandwidth
  CardThroughput throughput;
  std::uint64_t l2_cache_bytes = 0;  // last-level on-chip cache
  bool unified_memory = false;       // shares memory with the CPU (Apple, APUs)
  // GPU-to-GPU link of the card's multi-GPU systems, for tensor-parallel all-reduce: "nvlink3",
  // "nvlink4", "nvlink5", "xgmi" (AMD Infinity Fabric), "pcie4", "pcie5"; "" unknown (PCIe).
  std::string interconnect;
  std::uint32_t vulkan_vendor_id = 0;
  std::vector<std::uint32_t> vulkan_device_ids;
  std::vector<std::string> aliases;  // device names as drivers report them ("NVIDIA H200")
  std::string sources;               // "memory: ...; bandwidth: ...; ..." for display
};

}  // namespace headroom
