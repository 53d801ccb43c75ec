// Traffic model: how requests arrive (a burst, closed-loop users, a Poisson rate) and what that
// does to TTFT, inter-token latency, end-to-end latency and throughput at steady state. Inputs
// are the speed model's service times (one prompt's prefill, one decode step per batch size), so
// the model can be tested with hand-made times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "headroom/result.h"
#include "headroom/speed.h"

namespace headroom {

// burst: every user's request at t=0 (the speed model's own figures); closed_loop: each user
// sends its next request when the last reply ends (think time 0); rate: Poisson arrivals.
enum class Arrival { burst, closed_loop, rate };
const char* to_string(Arrival arrival);  // "burst" | "closed-loop" | "rate"

// The request's traffic keys.
struct TrafficSettings {
  Arrival arrival = Arrival::burst;
  double request_rate_per_s = 0;  // rate only
  std::optional<double> ttft_target_s;
  std::optional<double> itl_target_s;
};

struct ServiceTimes {
  // One prompt alone: its prefill and the step that returns its first token.
  double prefill_s = 0;
  // decode_step_s[b - 1]: one decode step of b sequences at the mean KV depth. Its size is the
  // most sequences the runtime can hold at once.
  std::vector<double> decode_step_s;
  // prefill_stall_s[b - 1]: the time one prompt adds to a decode step of b sequences it is mixed
  // into (chunked prefill). Empty: a prompt holds the server for prefill_s.
  std::vector<double> prefill_stall_s;
  // One prompt's share of a prefill step the engine fills to its token budget with queued
  // prompts (a burst's first wave). 0: no such batching; a burst prompt costs its stall.
  double batched_prefill_s = 0;
  std::uint64_t output_tokens = 1;
  // A serving engine's step budget (vLLM max_num_batched_tokens, TRT-LLM max_num_tokens): with
  // it and the prompt length a burst is stepped through as the scheduler runs it (decode tokens
  // take their share of each step's budget; prompts join as it frees). 0: the closed form.
  double prefill_budget_tokens = 0;
  double prompt_tokens = 0;
  // Prompts ride in decode steps (chunked prefill), or run as steps of their own that pause
  // decoding (prefill-first schedulers: one prompt a step, or prefill_batch_s).
  bool mixes_prefill = true;
  // Prefill-first engines batch queued prompts into one prefill step up to prefill_budget_tokens
  // (TGI max_batch_prefill_tokens, SGLang chunked_prefill_size): prefill_batch_s[k - 1] is such
  // a step holding k prompts, so its size is the most prompts a step takes. Empty: one prompt a
  // step, at its stall.
  std::vector<double> prefill_batch_s;
  // TGI's router runs one decode step of the whole batch after every prefill batch, and forms a
  // new prefill batch only when the waiting prompts reach waiting_served_ratio of the running
  // batch or max_waiting_steps decode steps have passed since the last one. SGLang's scheduler
  // runs prefill batches back to back (false, 0, 0).
  bool decode_after_prefill = false;
  double waiting_served_ratio = 0;
  std::uint32_t max_waiting_steps = 0;
  // A burst's first request reaches the idle engine ahead of the rest (still being sent and
  // tokenized), and its prefill step starts with it alone.
  bool first_prefill_alone = false;
  // A stepped burst's output lengths when they vary per request (ShareGPT replies end where
  // the dataset's reply ends): classes of `tokens` each holding `share` of the requests,
  // shares summing to 1. Each admitted group splits by these shares, so its sequences leave
  // the batch one class at a time and the burst lasts until its longest class ends. Empty:
  // every request has output_tokens (the default).
  struct OutputClass {
    double tokens = 1;
    double share = 1;
  };
  std::vector<OutputClass> output_classes;
  // The API server's serial work per request before the engine sees it (vLLM's chat template
  // rendering): a burst reaches the engine one request per frontend_request_s, and offered load
  // queues in front of it (one server, deterministic service). 0: none.
  double frontend_request_s = 0;
};

// Output lengths of coefficient of variation `cv` around `mean_tokens` as `classes` classes
// of equal share: the midpoint quantiles of a lognormal of that mean and cv (a right-skewed
// length, never below 1 token), rescaled so their mean is mean_tokens. cv 0 gives one class.
Result<std::vector<ServiceTimes::OutputClass>> spread_output_lengths(double mean_tokens,
                                                                     double cv,
                                                                     std::uint32_t classes);

// The speed model's service times for this input, batches 1..max_batch.
Result<ServiceTimes> service_times(const SpeedInput& input, std::uint64_t max_batch);

struct Spread {
  double mean = 0;
  double median = 0;
  double p90 = 0;
};

struct TrafficEstimate {
  Arrival arrival = Arrival::closed_loop;
  std::uint64_t users = 0;             // closed loop: the users; rate: 0
  double request_rate_per_s = 0;       // rate: offered; closed loop: achieved
  double capacity_requests_per_s = 0;  // the highest Poisson rate with a bounded queue
  bool saturated = false;              // arrivals at or above capacity: the queue grows forever
  double concurrency = 0;              // mean requests in the system (waiting, prefill, decode)
  double decode_batch = 0;             // mean sequences per decode step
  // Filled only when not saturated.
  Spread ttft_s;
  Spread itl_s;  // gaps between a request's tokens after the first
  Spread e2e_s;
  double output_tokens_per_s = 0;
};

// Server options that hold a request's first token back (TensorRT-LLM's LLM API):
// batch_wait_timeout_iters / batch_wait_max_tokens_ratio hold new prompts up to that many
// iterations for the step's token budget to fill to the ratio. (stream_interval does not: the
// first token is answered at once, "except for the first token for the sake of
// time-to-first-token latency", TensorRT-LLM tech blog 8, "Support Stream Interval"; its host
// cost is the speed model's.)
struct FirstTokenHold {
  std::uint32_t batch_wait_iters = 0;
  double batch_wait_tokens_ratio = 0;
};
// A closed-loop or rate estimate with the hold added to its TTFT: the batching wait of a request
// arriving into a window that closes at the timeout or when the prompts waiting fill the ratio
// (arrivals at the estimate's rate).
Result<TrafficEstimate> hold_first_tokens(const TrafficEstimate& estimate,
                                          const ServiceTimes& times, const FirstTokenHold& hold);

Result<TrafficEstimate> closed_loop_traffic(const ServiceTimes& times, std::uint64_t users);
Result<TrafficEstimate> poisson_traffic(const ServiceTimes& times, double request_rate_per_s);
// A finite burst: `requests` sent at t=0 (a benchmark with no concurrency cap), at most the
// batch limit served at once. The first wave's prompts are prefilled one after another; later
// requests start as earlier ones finish, at the closed-loop throughput of a full batch. Figures
// are over all the burst's requests; output_tokens_per_s is total output over the makespan.
// With a step budget in `times` the burst is stepped instead (see ServiceTimes), and itl_s
// holds the spread of per-request TPOT (a request's mean gap) over the burst's requests.
Result<TrafficEstimate> burst_traffic(const ServiceTimes& times, std::uint64_t requests);

// The highest load that still meets every target: TTFT at p90, ITL as the mean gap (TPOT, as
// benchmarks report it). Closed loop: whole users (`limit` meets, limit + 1 does not); rate:
// requests/s (`limit` meets, limit * 1.001 does not).
struct TargetLimit {
  Arrival arrival = Arrival::closed_loop;
  double limit = 0;       // 0: not even the lightest load meets the targets
  std::string broken_by;  // "ttft_target_s" | "itl_target_s" | "capacity"
};
Result<TargetLimit> find_target_limit(const ServiceTimes& times, Arrival arrival,
                                      std::optional<double> ttft_target_s,
                                      std::optional<double> itl_target_s);

}  // namespace headroom
