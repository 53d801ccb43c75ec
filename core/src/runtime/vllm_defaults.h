// vLLM V1's API-server defaults by card: what the memory model's profile run takes and what the
// speed model's engine entry schedules (one rule for both).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>

#include "headroom/card.h"

namespace headroom {

// vllm/engine/arg_utils.py _set_default_args: max_num_seqs 1024 and max_num_batched_tokens 8192
// on devices of 70 GiB or more (the total the device reports) whose name does not contain
// "a100", 256 and 2048 elsewhere.
inline bool vllm_large_tier(const Card& card) {
  constexpr std::uint64_t kGiB = 1ull << 30;
  std::string name = card.name;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return card.usable_memory_bytes >= 70 * kGiB && name.find("a100") == std::string::npos;
}

inline std::uint32_t vllm_default_max_num_seqs(const Card& card) {
  return vllm_large_tier(card) ? 1024 : 256;
}

inline std::uint64_t vllm_default_batched_tokens(const Card& card) {
  return vllm_large_tier(card) ? 8192 : 2048;
}

}  // namespace headroom
