// How routed experts spread over GPUs, for the step time (speed/model.cpp).
#pragma once

#include <cstdint>

namespace headroom::speed {

// Expert parallelism: how many times the mean GPU's share of touched experts the busiest GPU
// holds, when each of `experts` experts is touched with probability `p` and the experts are
// dealt out whole over `gpus` GPUs. 1 for one GPU, p = 0 or p = 1.
double expert_parallel_imbalance(std::uint32_t experts, std::uint32_t gpus, double p);

}  // namespace headroom::speed
