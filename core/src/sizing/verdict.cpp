// The verdict: does-not-fit when the runtime cannot start or the workload's KV cache exceeds what
// is reserved, tight when the margin is thin, fits otherwise; with one sentence saying why.
#include <algorithm>

#include "headroom/units.h"
#include "sizing/internal.h"

namespace headroom {
namespace {

// A workload that leaves less than this share of the KV capacity free has no room for bursts
// or longer-than-planned outputs: requests start queueing or get preempted.
constexpr double kTightKvShare = 0.8;
// Runtimes without a reservation need this much slack for allocator fragmentation and spikes.
constexpr double kTightFreeShare = 0.05;

std::string bytes_text(std::uint64_t bytes) { return format_bytes(static_cast<double>(bytes)); }

// The share of the reservation the workload fills: of the whole, or for SGLang's recurrent
// hybrids the fuller of its token pool and its state slots.
double filled_share(const VerdictInputs& in) {
  const MemoryBreakdown& m = in.memory;
  const RuntimeMemory& rm = in.runtime;
  if (rm.token_pool_bytes == 0)
    return m.kv_cache_capacity_bytes ? static_cast<double>(m.kv_cache_bytes) /
                                           static_cast<double>(m.kv_cache_capacity_bytes)
                                     : 0.0;
  const double state =
      static_cast<double>(in.users) * static_cast<double>(m.state_bytes_per_sequence);
  const double tokens = std::max(0.0, static_cast<double>(m.kv_cache_bytes) - state);
  const double slots = static_cast<double>(in.users) * rm.state_slots_per_request;
  return std::max(tokens / static_cast<double>(rm.token_pool_bytes),
                  rm.state_slots ? slots / static_cast<double>(rm.state_slots) : 0.0);
}

// One max_model_len sequence against the room that holds its tokens (SGLang's recurrent
// hybrids: the KV pool, its state having a slot of its own).
std::uint64_t one_sequence_bytes(const VerdictInputs& in) {
  if (in.runtime.token_pool_bytes == 0) return in.one_max_model_len_sequence_bytes;
  const std::uint64_t state = in.memory.state_bytes_per_sequence;
  return in.one_max_model_len_sequence_bytes - std::min(state, in.one_max_model_len_sequence_bytes);
}
std::uint64_t token_room(const VerdictInputs& in) {
  return in.runtime.token_pool_bytes ? in.runtime.token_pool_bytes
                                     : in.memory.kv_cache_capacity_bytes;
}

int percent(double share) { return static_cast<int>(100.0 * share); }

}  // namespace

// Which held term is the largest when the total is over the card: the weights, the KV cache as
// held (the reserved buffer or pool, or the workload's cache where nothing is reserved), or the
// activations / compute buffer.
std::string largest_term(const MemoryBreakdown& m, bool budgeted) {
  const std::uint64_t kv = std::max(m.kv_cache_bytes, m.kv_cache_capacity_bytes);
  if (m.weights_bytes >= kv && m.weights_bytes >= m.activation_bytes)
    return "; the weights are the largest term";
  if (kv >= m.activation_bytes) {
    return budgeted ? "; the KV cache reservation is the largest term: the memory fraction leaves "
                      "too little outside it for the CUDA context and graphs"
                    : "; the KV cache is the largest term";
  }
  return "; the activations are the largest term";
}

void decide_verdict(const VerdictInputs& in, SizingReport& report) {
  const MemoryBreakdown& m = in.memory;
  const RuntimeMemory& rm = in.runtime;
  const double capacity = static_cast<double>(m.capacity_bytes);
  const double filled = filled_share(in);
  // Budgeted servers (vLLM and the like) fix their KV capacity at start-up; llama.cpp sizes its KV
  // buffer by n_ctx, chosen for the workload, so being full is by design there and only the
  // card's free memory can make it tight.
  const bool budgeted = rm.reserves_kv && !in.llama_cpp;
  auto set = [&report](Verdict verdict, std::string reason) {
    report.verdict = verdict;
    report.verdict_reason = std::move(reason);
  };
  if (!rm.startup_failure.empty()) {
    set(Verdict::does_not_fit, "the runtime cannot start: " + rm.startup_failure);
  } else if (m.free_bytes < 0) {
    set(Verdict::does_not_fit,
        "needs " + bytes_text(m.total_bytes) + " per GPU but the card has " +
            format_bytes(capacity) + ": over by " +
            bytes_text(static_cast<std::uint64_t>(-m.free_bytes)) + largest_term(m, budgeted));
  } else if (budgeted && one_sequence_bytes(in) > token_room(in)) {
    set(Verdict::does_not_fit,
        "one sequence of max_model_len " + std::to_string(in.max_model_len_tokens) + " needs " +
            bytes_text(one_sequence_bytes(in)) + " of KV cache but only " +
            bytes_text(token_room(in)) + " is left" +
            (rm.token_pool_bytes ? " in the KV pool beside the mamba state pool" : "") +
            "; the runtime refuses to start");
  } else if (m.kv_cache_bytes > m.kv_cache_capacity_bytes) {
    set(Verdict::does_not_fit, "the KV cache for " + std::to_string(in.users) + " users needs " +
                                   bytes_text(m.kv_cache_bytes) + " but " +
                                   bytes_text(m.kv_cache_capacity_bytes) + " is reserved: only " +
                                   std::to_string(in.max_users) + " run at once, the rest queue");
  } else if (budgeted && rm.max_sequences > 0 && in.users > rm.max_sequences) {
    // The scheduler's own cap (vLLM max_num_seqs, SGLang's state slots): the KV cache has room,
    // the scheduler does not.
    set(Verdict::does_not_fit, "the runtime runs at most " + std::to_string(rm.max_sequences) +
                                   " sequences at once; of " + std::to_string(in.users) +
                                   " users the rest queue");
  } else if (budgeted && filled > kTightKvShare) {
    set(Verdict::tight,
        "the workload fills " + std::to_string(percent(filled)) +
            "% of the KV cache; above 80% a burst or longer outputs start queueing or preemption");
  } else if (!budgeted && static_cast<double>(m.free_bytes) < kTightFreeShare * capacity) {
    // (Budgeted runtimes leave their slack on purpose: their headroom is the KV share above.)
    set(Verdict::tight, "fits with " + format_bytes(static_cast<double>(m.free_bytes)) +
                            " free (under 5% of the card): fragmentation or a longer prompt can "
                            "run it out of memory");
  } else {
    set(Verdict::fits,
        "the workload uses " + std::to_string(percent(filled)) + "% of the KV cache, " +
            format_bytes(static_cast<double>(std::max<std::int64_t>(m.free_bytes, 0))) +
            " of the card stays free");
  }
}

}  // namespace headroom
