// How weight tensors land on each GPU: tensor-parallel sharding by role, llama.cpp's
// host-resident token embedding.
#pragma once

#include <cstdint>
#include <vector>

#include "headroom/model.h"
#include "headroom/runtime.h"
#include "runtime/mxfp4_moe.h"

namespace headroom {

struct WeightPlacement {
  std::uint64_t total_bytes = 0;    // every tensor once
  std::uint64_t per_gpu_bytes = 0;  // on the busiest GPU
  std::uint64_t host_bytes = 0;     // kept in CPU memory by the runtime
  std::uint64_t active_bytes = 0;   // read per decode token (MoE: routed share)
  std::uint64_t largest_linear_elements = 0;
  // llama.cpp placement detail: bytes of each repeating layer (all GPUs together), of the output
  // head (a tied head counts its GPU copy) and of the other non-layer GPU tensors (output norm).
  std::vector<std::uint64_t> layer_bytes;
  std::vector<std::uint64_t> layer_expert_bytes;  // the routed-expert part of layer_bytes
  std::uint64_t output_head_bytes = 0;
  std::uint64_t other_gpu_bytes = 0;
  double bits_per_weight = 16;         // total bits / total elements
  DType dominant_dtype = DType::bf16;  // the type holding most bytes
};

// `mxfp4` is the layout the runtime keeps MXFP4 MoE experts in (runtime/mxfp4_moe.h).
// `expert_parallel`: routed experts are dealt out whole, ceil(E / gpus) to the busiest GPU
// (vLLM determine_expert_map gives the first E mod gpus ranks one more), not sliced per GPU.
WeightPlacement place_weights(const ModelArch& arch, const std::vector<TensorSpec>& tensors,
                              RuntimeId runtime, std::uint32_t gpus, Mxfp4MoeBackend mxfp4,
                              bool expert_parallel = false);

}  // namespace headroom
