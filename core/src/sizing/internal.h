// Shared inside sizing/: the checks of a request, one evaluation without advice, the verdict,
// the assumptions list and the advice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "headroom/kv_dtype.h"
#include "headroom/sizing.h"
#include "headroom/validation.h"
#include "headroom/weight_format.h"
#include "runtime/memory.h"
#include "runtime/weight_split.h"

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
// `bench`: the calibration the speed model received (null without --bench), `weight_dtype` the
// format whose GEMV it looked up.
std::vector<std::string> assumptions_of(const SizingRequest& request, const NormalizedInputs& in,
                                        bool offloaded, const BenchCalibration* bench,
                                        DType weight_dtype);

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

// A model's weight tensors in one format with its parameter counts: the same for every card of
// a comparison table, so compare_cards() builds them once instead of once per card (the largest
// share of one card's sizing).
// One cache serves one model (the caller's promise); it is rebuilt when the format changes.
struct PreparedWeights {
  const WeightFormat* format = nullptr;  // null: empty
  std::uint64_t total_params = 0;
  std::uint64_t active_params = 0;
  std::uint64_t active_params_with_embedding = 0;
  std::vector<TensorSpec> tensors;
  // Where those tensors land: the same for every card of one runtime, GPU count, MXFP4 MoE
  // layout and expert split, and the next largest share of one card's sizing after the tensors.
  struct Placed {
    RuntimeId runtime;
    std::uint32_t gpus;
    Mxfp4MoeBackend mxfp4;
    bool expert_parallel;
    WeightPlacement placement;
  };
  std::vector<Placed> placements;
};

// `times`, when given, receives the speed model's service times for the traffic model.
// `weights`, when given, is a cache for this request's model: used when it holds the request's
// format, else filled.
Result<SizingReport> evaluate(const SizingRequest& request, ServiceTimes* times = nullptr,
                              PreparedWeights* weights = nullptr);
// size() with that cache.
Result<SizingReport> size_cached(const SizingRequest& request, PreparedWeights* weights);
std::vector<std::string> make_advice(const SizingRequest& request, const SizingReport& report);

// Rows, median and largest |error| (and its id: the last of equal ones) of (error %, id) pairs:
// the summary of every validation set (validation.cpp, memory_validation.cpp).
ValidationSummary summarize_errors(const std::vector<std::pair<double, std::string>>& errors);

}  // namespace headroom
