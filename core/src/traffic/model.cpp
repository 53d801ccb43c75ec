// Steady-state traffic model: a mean-field queue, not a simulation (deterministic, closed forms
// plus bounded bisections). Assumptions, all for one replica with continuous batching:
// - Prompts and outputs have fixed lengths. A lone prompt's first token takes prefill_s; decode
//   steps of b sequences take decode_step_s(b), linear between whole b.
// - Every prompt an active request sees stalls its decode by the stall (what the prompt adds to
//   the step it is mixed into: chunked prefill; prefill_s where no stall table is given), so the
//   mean gap is step / (1 - rho) with rho the share of time spent on others' prompts.
// - A new prompt waits for the prefills ahead of it as in M/D/1 (mean rho * S / (2 (1 - rho)),
//   Pollaczek-Khinchine for deterministic service) and for the rest of the running decode step.
//   Its quantiles use the exponential tail P(wait > t) = rho exp(-t rho / mean), exact for M/M/1
//   and close for M/D/1 at moderate load; TTFT quantiles add the parts' quantiles (conservative).
// - Closed loop (think time 0): N = X (TTFT + (output - 1) ITL) by Little's law, solved for the
//   throughput X; a request sees only the other N - 1 users' prompts (arrival theorem).
//   Users beyond the batch the KV cache holds wait for a slot: (N - cap) / X more TTFT.
// - Poisson rate R: the decode batch b solves b = R (output - 1) ITL(b); no solution within the
//   batch limit, or rho >= 1, is saturation (the queue grows without bound).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

#include "headroom/traffic.h"

namespace headroom {
namespace {

constexpr int kBisections = 100;     // halves any interval of doubles to its last bit
constexpr double kRateStep = 1.001;  // the rate search's resolution: 0.1%

// A per-batch table read at a fractional batch: linear between whole batches, flat outside.
double table_at(const std::vector<double>& table, double batch) {
  if (batch <= 1) return table.front();
  const double top = static_cast<double>(table.size());
  if (batch >= top) return table.back();
  const auto low = static_cast<std::size_t>(std::floor(batch));
  const double frac = batch - static_cast<double>(low);
  return table[low - 1] * (1 - frac) + table[low] * frac;
}

double step_at(const ServiceTimes& t, double batch) { return table_at(t.decode_step_s, batch); }

// What one prompt costs the server: the time it adds to a decode step it is mixed into.
double stall_at(const ServiceTimes& t, double batch) {
  return t.prefill_stall_s.empty() ? t.prefill_s : table_at(t.prefill_stall_s, batch);
}

double least_stall(const ServiceTimes& t) {
  double least = t.prefill_s;
  for (const double s : t.prefill_stall_s) least = std::min(least, s);
  return least;
}

double decode_gaps(const ServiceTimes& t) {
  return static_cast<double>(std::max<std::uint64_t>(t.output_tokens, 1) - 1);
}

std::optional<Error> check_times(const ServiceTimes& t) {
  if (!(t.prefill_s > 0) || !std::isfinite(t.prefill_s))
    return invalid("prefill_s", "must be above zero");
  if (t.decode_step_s.empty()) return invalid("decode_step_s", "must hold at least one batch");
  for (const double s : t.decode_step_s) {
    if (!(s > 0) || !std::isfinite(s)) return invalid("decode_step_s", "must be above zero");
  }
  if (!t.prefill_stall_s.empty() && t.prefill_stall_s.size() != t.decode_step_s.size())
    return invalid("prefill_stall_s", "must hold one figure per decode batch, or none");
  for (const double s : t.prefill_stall_s) {
    if (!(s > 0) || !std::isfinite(s)) return invalid("prefill_stall_s", "must be above zero");
  }
  if (!(t.batched_prefill_s >= 0) || !std::isfinite(t.batched_prefill_s))
    return invalid("batched_prefill_s", "must be zero or above");
  for (const double s : t.prefill_batch_s) {
    if (!(s > 0) || !std::isfinite(s)) return invalid("prefill_batch_s", "must be above zero");
  }
  if (!(t.waiting_served_ratio >= 0) || !std::isfinite(t.waiting_served_ratio))
    return invalid("waiting_served_ratio", "must be zero or above");
  double shares = 0;
  for (const auto& c : t.output_classes) {
    if (!(c.tokens >= 1) || !std::isfinite(c.tokens))
      return invalid("output_classes", "each class needs at least 1 output token");
    if (!(c.share > 0) || !std::isfinite(c.share))
      return invalid("output_classes", "each class needs a share above zero");
    shares += c.share;
  }
  if (!t.output_classes.empty() && std::abs(shares - 1) > 1e-9)
    return invalid("output_classes", "shares must sum to 1");
  if (!(t.frontend_request_s >= 0) || !std::isfinite(t.frontend_request_s))
    return invalid("frontend_request_s", "must be zero or above");
  return std::nullopt;
}

// Quantile p of a wait that is 0 with probability 1 - rho and else exponential with mean
// mean / rho.
double wait_quantile(double mean, double rho, double p) {
  if (rho <= 0 || 1 - p >= rho) return 0;
  return mean / rho * std::log(rho / (1 - p));
}

// Quantile p of the rest of a decode step in progress: busy with probability `busy`, the rest
// then uniform over the step.
double residual_quantile(double step, double busy, double p) {
  if (busy <= 0 || p <= 1 - busy) return 0;
  return step * (p - (1 - busy)) / busy;
}

struct Point {
  bool feasible = false;
  double batch = 0;
  double step_s = 0;
  double rho = 0;
  Spread ttft, itl;
  double ttft_queue_s = 0;  // waiting for a batch slot (closed loop beyond the KV limit)
};

// The state at throughput `rate`, where a request sees `seen` of the other arrivals (1 for
// Poisson, (N - 1) / N closed loop) and at most `cap` sequences decode at once.
Point evaluate(const ServiceTimes& t, double rate, double seen, double cap) {
  Point pt;
  const double prefill = t.prefill_s;
  const double gaps = decode_gaps(t);
  auto rho_at = [&](double b) { return seen * rate * stall_at(t, b); };
  // Least b with b = rate * gaps * step(b) / (1 - rho(b)): b rises with rate, so the first
  // crossing is the steady state a queue growing from empty settles on.
  auto excess = [&](double b) {
    const double rho = rho_at(b);
    if (rho >= 1) return std::numeric_limits<double>::infinity();
    return rate * gaps * step_at(t, b) / (1 - rho) - b;
  };
  if (gaps == 0 && rho_at(0) >= 1) return pt;
  // The API server's serial work (frontend_request_s) is a one-server queue of its own in front
  // of the engine; past its rate nothing is steady.
  const double rho_front = seen * rate * t.frontend_request_s;
  if (rho_front >= 1) return pt;
  if (gaps > 0) {
    const auto whole = static_cast<std::uint64_t>(cap);
    std::uint64_t k = 1;
    while (k <= whole && excess(static_cast<double>(k)) > 0) ++k;
    if (k > whole) return pt;  // more decoders than the batch holds: saturated
    double lo = static_cast<double>(k - 1), hi = static_cast<double>(k);
    for (int i = 0; i < kBisections && hi - lo > 1e-12; ++i) {
      const double mid = 0.5 * (lo + hi);
      (excess(mid) > 0 ? lo : hi) = mid;
    }
    pt.batch = hi;
  }
  pt.feasible = true;
  pt.step_s = step_at(t, pt.batch);
  pt.rho = rho_at(pt.batch);
  const double stall = stall_at(t, pt.batch);
  // A chunked-prefill step carries at most its token budget less the running decodes of prompt
  // work; a queue that needs more per step than that only grows (so no gap exceeds one step
  // with a full chunk in it).
  if (t.mixes_prefill && t.prefill_budget_tokens > 0 && t.prompt_tokens > 0 && gaps > 0) {
    const double room = std::max(0.0, t.prefill_budget_tokens - pt.batch) / t.prompt_tokens * stall;
    if (pt.step_s * pt.rho / (1 - pt.rho) > room) {
      pt.feasible = false;
      return pt;
    }
  }
  // Gaps: a step carrying another's prompt is step + stall, the others step.
  const double steps_per_s = (1 - pt.rho) / pt.step_s;
  const double stalled = steps_per_s > 0 ? seen * rate / steps_per_s : 0;
  pt.itl.mean = pt.step_s / (1 - pt.rho);
  if (stalled >= 1) {
    pt.itl.median = pt.itl.p90 = pt.itl.mean;
  } else {
    pt.itl.median = 0.5 <= 1 - stalled ? pt.step_s : pt.step_s + stall;
    pt.itl.p90 = 0.9 <= 1 - stalled ? pt.step_s : pt.step_s + stall;
  }
  if (gaps == 0) pt.itl = Spread{};
  // Prompts queue behind the prompts ahead of them, each holding the server for its stall.
  const double wait = pt.rho * stall / (2 * (1 - pt.rho));
  const double busy = std::min(1.0, seen * pt.batch);
  // Waiting for the front end (M/D/1; its own work is inside prefill_s, the per-request cost).
  const double front = rho_front * t.frontend_request_s / (2 * (1 - rho_front));
  pt.ttft.mean = prefill + front + wait + 0.5 * pt.step_s * busy;
  pt.ttft.median = prefill + wait_quantile(front, rho_front, 0.5) +
                   wait_quantile(wait, pt.rho, 0.5) + residual_quantile(pt.step_s, busy, 0.5);
  pt.ttft.p90 = prefill + wait_quantile(front, rho_front, 0.9) + wait_quantile(wait, pt.rho, 0.9) +
                residual_quantile(pt.step_s, busy, 0.9);
  return pt;
}

double in_system(const ServiceTimes& t, const Point& pt, double rate) {
  return rate * (pt.ttft.mean + decode_gaps(t) * pt.itl.mean);
}

double batch_cap(const ServiceTimes& t) { return static_cast<double>(t.decode_step_s.size()); }

// The highest rate with a bounded queue, by bisection on feasibility (monotone in the rate).
double capacity(const ServiceTimes& t, double seen, double cap) {
  double lo = 0, hi = 1 / (seen * least_stall(t));
  if (t.frontend_request_s > 0) hi = std::min(hi, 1 / (seen * t.frontend_request_s));
  if (decode_gaps(t) == 0) return hi;
  for (int i = 0; i < kBisections; ++i) {
    const double mid = 0.5 * (lo + hi);
    (evaluate(t, mid, seen, cap).feasible ? lo : hi) = mid;
  }
  return lo;
}

TrafficEstimate fill(const ServiceTimes& t, const Point& pt, double rate) {
  TrafficEstimate e;
  e.request_rate_per_s = rate;
  e.decode_batch = pt.batch;
  e.ttft_s = pt.ttft;
  e.ttft_s.mean += pt.ttft_queue_s;
  e.ttft_s.median += pt.ttft_queue_s;
  e.ttft_s.p90 += pt.ttft_queue_s;
  e.itl_s = pt.itl;
  const double gaps = decode_gaps(t);
  e.e2e_s = {e.ttft_s.mean + gaps * pt.itl.mean, e.ttft_s.median + gaps * pt.itl.mean,
             e.ttft_s.p90 + gaps * pt.itl.mean};
  e.concurrency = rate * e.e2e_s.mean;
  e.output_tokens_per_s = rate * static_cast<double>(std::max<std::uint64_t>(t.output_tokens, 1));
  return e;
}

}  // namespace

const char* to_string(Arrival arrival) {
  switch (arrival) {
    case Arrival::burst:
      return "burst";
    case Arrival::closed_loop:
      return "closed-loop";
    case Arrival::rate:
      return "rate";
  }
  return "burst";
}

Result<TrafficEstimate> poisson_traffic(const ServiceTimes& times, double request_rate_per_s) {
  if (auto err = check_times(times)) return *err;
  if (!(request_rate_per_s > 0) || !std::isfinite(request_rate_per_s))
    return invalid("request_rate", "must be a number above zero");
  const double cap = batch_cap(times);
  const Point pt = evaluate(times, request_rate_per_s, 1, cap);
  TrafficEstimate e;
  if (pt.feasible) {
    e = fill(times, pt, request_rate_per_s);
  } else {
    e.request_rate_per_s = request_rate_per_s;
    e.saturated = true;
    e.decode_batch = cap;
  }
  e.arrival = Arrival::rate;
  e.capacity_requests_per_s = capacity(times, 1, cap);
  return e;
}

Result<TrafficEstimate> closed_loop_traffic(const ServiceTimes& times, std::uint64_t users) {
  if (auto err = check_times(times)) return *err;
  if (users == 0) return invalid("users", "must be at least 1");
  const double cap = batch_cap(times);
  // Beyond the batch limit the extra users only queue for a slot; the served ones behave as a
  // closed loop of `cap` users.
  const double served = std::min(static_cast<double>(users), cap);
  const double seen = (served - 1) / served;
  // The served users' population rises with the throughput and passes any N before capacity.
  const double top = seen > 0 ? capacity(times, seen, cap) : 1 / times.prefill_s;
  double lo = 0, hi = top;
  for (int i = 0; i < kBisections; ++i) {
    const double mid = 0.5 * (lo + hi);
    const Point pt = evaluate(times, mid, seen, cap);
    (pt.feasible && in_system(times, pt, mid) < served ? lo : hi) = mid;
  }
  Point pt = evaluate(times, lo, seen, cap);
  if (!pt.feasible || !(lo > 0))
    return refused(ErrorCode::invalid_argument, "arrival",
                   "the traffic model found no steady state");
  pt.ttft_queue_s = (static_cast<double>(users) - served) / lo;
  TrafficEstimate e = fill(times, pt, lo);
  e.arrival = Arrival::closed_loop;
  e.users = users;
  e.concurrency = static_cast<double>(users);  // by definition; fill()'s figure is the served
  // A closed loop sees one arrival fewer than Poisson traffic, so at the batch limit its rate
  // can pass the Poisson capacity by a hair; capacity is never below what is achieved.
  e.capacity_requests_per_s = std::max(capacity(times, 1, cap), lo);
  return e;
}

namespace {

// Requests that got their first token in the same step: they decode in lockstep and, with
// fixed output lengths, finish together.
struct Cohort {
  double size = 0;
  double first_token_s = 0;
  double finish_step = 0;  // the step count after which its last token is out
  double tpot_s = 0;
  double gaps = 0;  // its output tokens after the first
};

// Quantile p of a figure over requests, from cohorts sorted by that figure.
double cohort_quantile(const std::vector<std::pair<double, double>>& value_size, double total,
                       double p) {
  double seen = 0;
  for (const auto& [value, size] : value_size) {
    seen += size;
    if (seen >= p * total) return value;
  }
  return value_size.empty() ? 0 : value_size.back().first;
}

// The burst stepped as the engine schedules it. Each step: every running sequence decodes one
// token; a chunked-prefill engine fills the rest of its token budget (budget minus the running
// decodes, vLLM's decode-first order) with queued prompts, which return their first token at
// the step's end; a prefill-first engine instead runs one queued prompt as a step of its own
// while a slot is free, pausing the decodes. Prompts beyond the batch limit wait for slots.
struct SteppedWave {
  std::vector<std::pair<double, double>> ttft, tpot;  // (seconds, requests), in start order
  double makespan_s = 0;
  double output_tokens = 0;  // over the burst
};

std::optional<SteppedWave> stepped_burst(const ServiceTimes& t, double n) {
  const double cap = batch_cap(t);
  const double prompt = t.prompt_tokens;
  constexpr double kMaxSteps = 2e6;  // past this the closed form answers (huge bursts)
  // Output classes: one of output_tokens unless the lengths vary per request.
  std::vector<ServiceTimes::OutputClass> classes = t.output_classes;
  if (classes.empty()) classes.push_back({static_cast<double>(decode_gaps(t) + 1), 1});
  std::vector<Cohort> cohorts;
  // Running cohorts by finish step, earliest first (with varied lengths a later cohort can
  // finish first).
  using Finish = std::pair<double, std::size_t>;
  std::priority_queue<Finish, std::vector<Finish>, std::greater<Finish>> finishing;
  double clock = 0, steps = 0, running = 0, waiting = n, partial_tokens = 0;
  // Prefill-first batching state: the last step was a prefill (and it started from an empty
  // batch), decode steps since the last prefill.
  bool last_prefill = false, last_from_empty = false;
  double decodes_since_prefill = 0;
  const bool batches_prompts = !t.mixes_prefill && !t.prefill_batch_s.empty();
  // Requests reach the engine one per frontend_request_s (the API server's serial work), the
  // first at once: `ready` of the waiting ones have arrived by the step's start.
  const double front = t.frontend_request_s;
  while (waiting > 0 || running > 0) {
    if (++steps > kMaxSteps) return std::nullopt;
    double admitted = 0, step_s = 0;
    const double slots = cap - running;
    const double arrived = front > 0 ? std::min(n, 1 + std::floor(clock / front + 1e-9)) : n;
    const double ready = std::max(0.0, waiting - (n - arrived));
    if (ready <= 0 && running == 0) {  // idle until the next request arrives
      clock = arrived * front;
      steps -= 1;
      continue;
    }
    double take = ready > 0 && slots >= 1 ? 1 : 0;  // prompts the prefill step would hold
    if (batches_prompts && take > 0) {
      const double most = static_cast<double>(t.prefill_batch_s.size());
      take = std::min({ready, std::floor(slots), most});
      if (t.first_prefill_alone && clock == 0) take = 1;
      // TGI: a decode step follows each prefill batch (two prefills in a row only when the
      // first started an empty batch), and a new batch forms once it holds the served ratio of
      // the running batch or the decodes have waited max_waiting_steps.
      if (t.decode_after_prefill && last_prefill && !last_from_empty) take = 0;
      const bool waited = decodes_since_prefill + 1 >= t.max_waiting_steps;
      if (running > 0 && !waited && take < std::floor(t.waiting_served_ratio * running)) take = 0;
    }
    if (!t.mixes_prefill && take > 0) {
      admitted = take;  // a prefill step: the decodes wait
      step_s = batches_prompts ? t.prefill_batch_s[static_cast<std::size_t>(take) - 1]
                               : stall_at(t, std::max(running, 1.0));
      last_from_empty = running == 0;
      last_prefill = true;
      decodes_since_prefill = 0;
      steps -= 1;  // no decode token this step
    } else {
      last_prefill = false;
      decodes_since_prefill += 1;
      double tokens = 0;
      if (t.mixes_prefill && ready > 0 && slots >= 1) {
        const double room = std::max(0.0, t.prefill_budget_tokens - running);
        tokens = std::min(room, std::min(ready, std::floor(slots)) * prompt - partial_tokens);
        // At least one prompt's first chunk gets in when nothing runs.
        if (running == 0) tokens = std::max(tokens, std::min(prompt, t.prefill_budget_tokens));
        tokens = std::max(tokens, 0.0);
        admitted = std::floor((partial_tokens + tokens) / prompt + 1e-9);
        partial_tokens = partial_tokens + tokens - admitted * prompt;
        if (partial_tokens < 0) partial_tokens = 0;
      }
      const double prefill_share =
          t.batched_prefill_s > 0 ? t.batched_prefill_s : stall_at(t, std::max(running, 1.0));
      step_s = (running > 0 ? step_at(t, running) : 0) + tokens / prompt * prefill_share;
      if (running == 0 && tokens == 0) return std::nullopt;  // nothing can move
    }
    clock += step_s;
    // Sequences whose last token came out this step leave the batch.
    while (!finishing.empty() && finishing.top().first <= steps) {
      Cohort& c = cohorts[finishing.top().second];
      finishing.pop();
      c.tpot_s = (clock - c.first_token_s) / c.gaps;
      running -= c.size;
    }
    if (admitted > 0) {
      waiting -= admitted;
      for (const auto& k : classes) {
        const double gaps = k.tokens - 1;
        cohorts.push_back(Cohort{admitted * k.share, clock, steps + gaps, 0, gaps});
        if (gaps > 0) {
          running += admitted * k.share;
          finishing.emplace(steps + gaps, cohorts.size() - 1);
        }
      }
    }
  }
  // A lone prompt's first token comes prefill_s after it is sent (API server, its prefill, the
  // step that samples it); the steps above hold only its prefill share, so every first token
  // is offset by the rest.
  const double lone_share = t.batched_prefill_s > 0 ? t.batched_prefill_s : stall_at(t, 1);
  const double lone_step_s =
      t.mixes_prefill        ? std::min(prompt, t.prefill_budget_tokens) / prompt * lone_share
      : t.prefill_batch_s.empty() ? stall_at(t, 1)
                                  : t.prefill_batch_s.front();
  const double offset = std::max(0.0, t.prefill_s - lone_step_s);
  SteppedWave w;
  for (const Cohort& c : cohorts) {
    w.ttft.emplace_back(c.first_token_s + offset, c.size);
    w.tpot.emplace_back(c.tpot_s, c.size);
    w.output_tokens += c.size * (c.gaps + 1);
  }
  w.makespan_s = clock + offset;
  return w;
}

Spread spread_of(std::vector<std::pair<double, double>> value_size, double total) {
  std::sort(value_size.begin(), value_size.end());
  double sum = 0;
  for (const auto& [value, size] : value_size) sum += value * size;
  return {sum / total, cohort_quantile(value_size, total, 0.5),
          cohort_quantile(value_size, total, 0.9)};
}

}  // namespace

Result<TrafficEstimate> burst_traffic(const ServiceTimes& times, std::uint64_t requests) {
  if (auto err = check_times(times)) return *err;
  if (requests == 0) return invalid("users", "must be at least 1");
  if (!(times.prefill_budget_tokens >= 0) || !std::isfinite(times.prefill_budget_tokens))
    return invalid("prefill_budget_tokens", "must be zero or above");
  if (!(times.prompt_tokens >= 0) || !std::isfinite(times.prompt_tokens))
    return invalid("prompt_tokens", "must be zero or above");
  const double n = static_cast<double>(requests);
  const double served = std::min(n, batch_cap(times));
  auto steady = closed_loop_traffic(times, static_cast<std::uint64_t>(served));
  if (!steady) return steady.error();
  const double gaps = decode_gaps(times);
  const double rate = steady->request_rate_per_s;
  // Stepped as the engine schedules it, every request (the waves past the batch limit too:
  // with fixed output lengths a wave's sequences finish together and free their slots at once).
  // What both burst estimates below share.
  const auto burst_estimate = [&] {
    TrafficEstimate e;
    e.arrival = Arrival::burst;
    e.users = requests;
    e.decode_batch = served;
    e.concurrency = n;
    e.capacity_requests_per_s = steady->capacity_requests_per_s;
    return e;
  };
  std::optional<SteppedWave> wave;
  if (times.prefill_budget_tokens > 0 && times.prompt_tokens > 0) wave = stepped_burst(times, n);
  if (wave) {
    TrafficEstimate e = burst_estimate();
    e.ttft_s = spread_of(wave->ttft, n);
    e.itl_s = spread_of(wave->tpot, n);
    e.e2e_s = {e.ttft_s.mean + gaps * e.itl_s.mean, e.ttft_s.median + gaps * e.itl_s.mean,
               e.ttft_s.p90 + gaps * e.itl_s.mean};
    e.request_rate_per_s = n / wave->makespan_s;
    e.output_tokens_per_s = wave->output_tokens / wave->makespan_s;
    return e;
  }
  // The first wave's prompts all wait at t=0, so the engine packs them into full prefill steps.
  const double stall =
      times.batched_prefill_s > 0 ? times.batched_prefill_s : stall_at(times, served);
  const double step = step_at(times, served);
  // First wave, prompt k = 1..served: its first token after its own prefill and the k - 1
  // prompts ahead of it; during its decode the served - k prompts behind it stall its steps.
  const double first_ttft_mean =
      times.prefill_s + 0.5 * (served - 1) * std::max(stall, times.frontend_request_s);
  const double first_itl = gaps > 0 ? step + 0.5 * (served - 1) * stall / gaps : 0;
  // Later request k = served + 1..n: it waits for k - served completions at the steady rate.
  const double later = n - served;
  const double later_ttft_mean = steady->ttft_s.mean + 0.5 * (later + 1) / rate;
  const auto ttft_of = [&](double k) {  // k-th request sent, 1-based, fractional between
    // The first wave's prompts come through the front end one per frontend_request_s.
    if (k <= served) return times.prefill_s + (k - 1) * std::max(stall, times.frontend_request_s);
    return steady->ttft_s.mean + (k - served) / rate;
  };
  TrafficEstimate e = burst_estimate();
  e.ttft_s.mean = (served * first_ttft_mean + later * later_ttft_mean) / n;
  e.ttft_s.median = ttft_of(0.5 * (n + 1));
  e.ttft_s.p90 = ttft_of(0.9 * n);
  e.itl_s.mean = (served * first_itl + later * steady->itl_s.mean) / n;
  e.itl_s.median = e.itl_s.p90 = e.itl_s.mean;
  e.e2e_s = {e.ttft_s.mean + gaps * e.itl_s.mean, e.ttft_s.median + gaps * e.itl_s.mean,
             e.ttft_s.p90 + gaps * e.itl_s.mean};
  // The last request sent finishes last: its first token, then its decode.
  const double last_itl = later > 0 ? steady->itl_s.mean : step;
  const double makespan = ttft_of(n) + gaps * last_itl;
  e.request_rate_per_s = n / makespan;
  e.output_tokens_per_s =
      e.request_rate_per_s * static_cast<double>(std::max<std::uint64_t>(times.output_tokens, 1));
  return e;
}

Result<TrafficEstimate> hold_first_tokens(const TrafficEstimate& estimate,
                                          const ServiceTimes& times, const FirstTokenHold& hold) {
  if (!(hold.batch_wait_tokens_ratio >= 0 && hold.batch_wait_tokens_ratio <= 1))
    return invalid("batch_wait_max_tokens_ratio", "must be in [0, 1]");
  TrafficEstimate e = estimate;
  const double gap = e.itl_s.mean;
  double add = 0;
  const double rate = e.request_rate_per_s;
  if (hold.batch_wait_iters > 0 && rate > 0) {
    // The window opens with the first waiting prompt and closes at the timeout or once the
    // prompts waiting hold the ratio of the budget; a request's mean wait in it is
    // (T + (rate T) T / 2) / (1 + rate T): the first waits T, later ones half of it on average.
    double window = hold.batch_wait_iters * gap;
    if (hold.batch_wait_tokens_ratio > 0 && times.prompt_tokens > 0) {
      const double prompts =
          hold.batch_wait_tokens_ratio * times.prefill_budget_tokens / times.prompt_tokens;
      window = std::min(window, std::max(0.0, prompts - 1) / rate);
    }
    add += (window + rate * window * window / 2) / (1 + rate * window);
  }
  e.ttft_s.mean += add;
  e.ttft_s.median += add;
  e.ttft_s.p90 += add;
  e.e2e_s.mean += add;
  e.e2e_s.median += add;
  e.e2e_s.p90 += add;
  return e;
}

namespace {

struct Check {
  bool meets = false;
  std::string broken_by;
};

Check meets(const Result<TrafficEstimate>& e, std::optional<double> ttft,
            std::optional<double> itl) {
  if (!e || e->saturated) return {false, "capacity"};
  if (ttft && e->ttft_s.p90 > *ttft) return {false, "ttft_target_s"};
  if (itl && e->itl_s.mean > *itl) return {false, "itl_target_s"};
  return {true, ""};
}

}  // namespace

Result<TargetLimit> find_target_limit(const ServiceTimes& times, Arrival arrival,
                                      std::optional<double> ttft_target_s,
                                      std::optional<double> itl_target_s) {
  if (auto err = check_times(times)) return *err;
  if (!ttft_target_s && !itl_target_s)
    return invalid("ttft_target_s", "or itl_target_s is needed for a target search");
  for (const auto& [key, value] :
       {std::pair{"ttft_target_s", ttft_target_s}, std::pair{"itl_target_s", itl_target_s}}) {
    if (value && !(*value > 0 && std::isfinite(*value)))
      return invalid(key, "must be a number above zero");
  }
  TargetLimit out;
  out.arrival = arrival;
  if (arrival == Arrival::closed_loop) {
    // Latency rises with users, so the boundary is a binary search over whole users. Past the
    // batch limit only TTFT still rises (users wait for a slot): with a TTFT target the search
    // runs on to the request's users limit, else it stops at the batch limit.
    constexpr std::uint64_t kMaxUsers = 100000;  // the most users a request may ask for
    const auto most =
        ttft_target_s ? kMaxUsers : static_cast<std::uint64_t>(times.decode_step_s.size());
    Check first = meets(closed_loop_traffic(times, 1), ttft_target_s, itl_target_s);
    if (!first.meets) {
      out.broken_by = first.broken_by;
      return out;
    }
    Check last = meets(closed_loop_traffic(times, most), ttft_target_s, itl_target_s);
    if (last.meets) {
      out.limit = static_cast<double>(most);
      out.broken_by = "capacity";
      return out;
    }
    std::uint64_t lo = 1, hi = most;  // lo meets, hi does not
    while (hi - lo > 1) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      (meets(closed_loop_traffic(times, mid), ttft_target_s, itl_target_s).meets ? lo : hi) = mid;
    }
    out.limit = static_cast<double>(lo);
    out.broken_by = meets(closed_loop_traffic(times, hi), ttft_target_s, itl_target_s).broken_by;
    return out;
  }
  if (arrival != Arrival::rate)
    return invalid("arrival", "must be closed-loop or rate for a target search");
  const double top = capacity(times, 1, batch_cap(times));
  // Geometric bisection: rates span decades, and the answer is wanted to 0.1%.
  double lo = top * 1e-9, hi = top;
  Check floor = meets(poisson_traffic(times, lo), ttft_target_s, itl_target_s);
  if (!floor.meets) {
    out.broken_by = floor.broken_by;
    return out;
  }
  while (hi / lo > kRateStep) {
    const double mid = std::sqrt(lo * hi);
    (meets(poisson_traffic(times, mid), ttft_target_s, itl_target_s).meets ? lo : hi) = mid;
  }
  out.limit = lo;
  out.broken_by =
      meets(poisson_traffic(times, lo * kRateStep), ttft_target_s, itl_target_s).broken_by;
  if (out.broken_by.empty()) out.broken_by = "capacity";
  return out;
}

}  // namespace headroom
