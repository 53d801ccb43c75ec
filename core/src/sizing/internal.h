// Shared inside sizing/: the checks of a request, one evaluation without advice, the verdict,
// the assumptions list and the advice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "headroom/kv_dtype.h"
#include "headroom/sizing.h"
#include "headroom/weight_format.h"
#include "runtime/memory.h"

namespace headroom {

inline constexpr std::uint64_t kMaxTokens = 1ull << 24;  // 16.7M tokens: beyond any context

// What validate.cpp resolved from the request's names and the runtime's rules.
struct CheckedRequest {
  const WeightFormat* format = nullptr;
  const KvDtype* kv_dtype = nullptr;
  bool flash_attention = false;  // as the runtime will run it (flag or the runtime's default)
};

// Ranges of every number, knobs that do not apply to the runtime, the model's context window,
// tensor-parallel head divisibility, runtime x card, format and KV dtype support.
Result<CheckedRequest> check_request(const SizingRequest& request);

// Every default the model applied where the request was silent, so a reader can check them.
std::vector<std::string> assumptions_of(const SizingRequest& request, const NormalizedInputs& in,
                                        bool offloaded);

// The verdict and its one-sentence reason from the memory terms the runtime model produced.
struct VerdictInputs {
  const RuntimeMemory& runtime;  // reserves_kv, startup_failure
  const MemoryBreakdown& memory;
  bool llama_cpp = false;
  std::uint64_t users = 0;
  std::uint64_t max_users = 0;
  std::uint64_t max_model_len_tokens = 0;
  std::uint64_t one_max_model_len_sequence_bytes = 0;  // KV of one max_model_len sequence
};
void decide_verdict(const VerdictInputs& in, SizingReport& report);

// `times`, when given, receives the speed model's service times for the traffic model.
Result<SizingReport> evaluate(const SizingRequest& request, ServiceTimes* times = nullptr);
std::vector<std::string> make_advice(const SizingRequest& request, const SizingReport& report);

}  // namespace headroom
