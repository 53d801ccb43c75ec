// The traffic model on hand-made service times (closed forms worked out in the comments), its
// target search, the request keys that drive it and its place in size().
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "headroom/request.h"
#include "headroom/traffic.h"
#include "sizing_fixtures.h"

using namespace headroom;
using headroom::test::catalog;

namespace {

// A constant decode step: every batch up to `cap` takes `step_s`.
ServiceTimes flat(double prefill_s, double step_s, std::uint64_t output_tokens, std::size_t cap) {
  ServiceTimes t;
  t.prefill_s = prefill_s;
  t.decode_step_s.assign(cap, step_s);
  t.output_tokens = output_tokens;
  return t;
}

// The stepped-burst case: a 10-token budget per step, 4-token prompts, each prompt's share of a
// full step 0.02 s, decode steps 0.01 s, 11 output tokens, at most 8 running.
ServiceTimes budgeted() {
  ServiceTimes t = flat(0.1, 0.01, 11, 8);
  t.batched_prefill_s = 0.02;
  t.prefill_budget_tokens = 10;
  t.prompt_tokens = 4;
  return t;
}

Result<BuiltRequest> built(std::vector<std::pair<std::string, std::string>> fields) {
  RequestText text;
  text.set("model", "llama-3.1-8b-instruct");
  text.set("runtime", "vllm");
  text.set("card", "h100-sxm-80gb");
  for (auto& [key, value] : fields) text.set(key, value);
  return build_request(text, catalog(), RequestKind::size);
}

std::string error_field(const Result<BuiltRequest>& r) { return r ? "" : r.error().field; }

}  // namespace

TEST_CASE("traffic: one-token requests at a Poisson rate are M/D/1", "[traffic]") {
  // Service S = 0.1 s, no decode: TTFT = S + rho S / (2 (1 - rho)) (Pollaczek-Khinchine).
  const ServiceTimes t = flat(0.1, 0.01, 1, 8);
  auto half = poisson_traffic(t, 5);  // rho 0.5: wait 0.05 s
  REQUIRE(half);
  CHECK_FALSE(half->saturated);
  CHECK(half->ttft_s.mean == Approx(0.15).epsilon(1e-9));
  CHECK(half->ttft_s.median == Approx(0.1).epsilon(1e-9));  // half the arrivals find it idle
  // Exponential tail of the wait: p90 = (0.05 / 0.5) ln(0.5 / 0.1).
  CHECK(half->ttft_s.p90 == Approx(0.1 + 0.1 * std::log(5.0)).epsilon(1e-9));
  auto busy = poisson_traffic(t, 8);  // rho 0.8: wait 0.8 * 0.1 / 0.4 = 0.2 s
  REQUIRE(busy);
  CHECK(busy->ttft_s.mean == Approx(0.3).epsilon(1e-9));
  CHECK(busy->itl_s.mean == 0);
  CHECK(busy->capacity_requests_per_s == Approx(10).epsilon(1e-9));
  CHECK(busy->concurrency == Approx(8 * 0.3).epsilon(1e-9));  // Little's law
}

TEST_CASE("traffic: M/D/1 quantiles against a simulated queue", "[traffic]") {
  // Lindley's recursion W' = max(0, W + S - A) over 200k Poisson arrivals, fixed seed: the
  // exponential-tail quantiles the model uses stay within 12% of the simulated ones.
  const double service = 0.1;
  for (const double rho : {0.5, 0.8, 0.9}) {
    const double rate = rho / service;
    std::mt19937_64 rng(12);
    std::vector<double> ttft;
    ttft.reserve(200000);
    double wait = 0;
    for (int i = 0; i < 200000; ++i) {
      ttft.push_back(wait + service);
      const double u = static_cast<double>(rng() >> 11) * 0x1p-53;  // [0, 1)
      wait = std::max(0.0, wait + service + std::log(1 - u) / rate);
    }
    std::sort(ttft.begin(), ttft.end());
    double sum = 0;
    for (const double x : ttft) sum += x;
    auto e = poisson_traffic(flat(service, 0.01, 1, 8), rate);
    REQUIRE(e);
    INFO("rho " << rho);
    CHECK(e->ttft_s.mean == Approx(sum / 200000.0).epsilon(0.03));
    CHECK(e->ttft_s.median == Approx(ttft[100000]).epsilon(0.12));
    CHECK(e->ttft_s.p90 == Approx(ttft[180000]).epsilon(0.12));
  }
}

TEST_CASE("traffic: decode batch and capacity at a Poisson rate", "[traffic]") {
  // Prefill 0.1 s, step 0.01 s at any batch, 101 tokens (100 gaps), batch limit 8.
  const ServiceTimes t = flat(0.1, 0.01, 101, 8);
  auto two = poisson_traffic(t, 2);
  REQUIRE(two);
  // rho = 0.2; b = R (O - 1) step / (1 - rho) = 2 * 100 * 0.01 / 0.8 = 2.5.
  CHECK(two->decode_batch == Approx(2.5).epsilon(1e-9));
  CHECK(two->itl_s.mean == Approx(0.0125).epsilon(1e-9));
  // 2 prefills/s over 80 steps/s: 2.5% of gaps stalled, so median and p90 are the bare step.
  CHECK(two->itl_s.median == Approx(0.01).epsilon(1e-9));
  CHECK(two->itl_s.p90 == Approx(0.01).epsilon(1e-9));
  // TTFT = 0.1 + 0.2 * 0.1 / 1.6 + half a step (a step is always running at b >= 1).
  CHECK(two->ttft_s.mean == Approx(0.1175).epsilon(1e-9));
  CHECK(two->e2e_s.mean == Approx(0.1175 + 100 * 0.0125).epsilon(1e-9));
  CHECK(two->output_tokens_per_s == Approx(202).epsilon(1e-9));
  // Capacity: the batch limit binds when R (O - 1) step = cap (1 - R P): R = 8 / 1.8.
  const double capacity = 8.0 / 1.8;
  CHECK(two->capacity_requests_per_s == Approx(capacity).epsilon(1e-6));
  auto below = poisson_traffic(t, capacity * 0.99);
  REQUIRE(below);
  CHECK_FALSE(below->saturated);
  CHECK(below->decode_batch <= 8);
}

TEST_CASE("traffic: prompts mixed into decode steps cost their stall, not their prefill",
          "[traffic]") {
  // A lone prompt takes 0.1 s to its first token, but mixed into a running step it adds 0.02 s.
  ServiceTimes t = flat(0.1, 0.01, 101, 8);
  t.prefill_stall_s.assign(8, 0.02);
  auto two = poisson_traffic(t, 2);
  REQUIRE(two);
  // rho = 2 * 0.02 = 0.04; b = 2 * 100 * 0.01 / 0.96.
  CHECK(two->decode_batch == Approx(2.0 / 0.96).epsilon(1e-9));
  CHECK(two->itl_s.mean == Approx(0.01 / 0.96).epsilon(1e-9));
  CHECK(two->ttft_s.mean == Approx(0.1 + 0.04 * 0.02 / (2 * 0.96) + 0.005).epsilon(1e-9));
  // The batch limit binds at R (O - 1) step = cap (1 - R stall): R = 8 / 1.16.
  CHECK(two->capacity_requests_per_s == Approx(8 / 1.16).epsilon(1e-6));
  t.prefill_stall_s.pop_back();
  CHECK_FALSE(poisson_traffic(t, 2));  // one stall per batch, or none
}

TEST_CASE("traffic: a chunked-prefill step carries at most its budget of prompt work",
          "[traffic]") {
  // 100-token prompts fill the 100-token budget: a prompt mixed into a step adds 0.05 s, decode
  // steps take 0.01 s, 101 output tokens, at most 64 running. With x = 0.05 R, the batch is
  // b = R (O - 1) 0.01 / (1 - x) = 20 x / (1 - x), and each step must carry 0.01 x / (1 - x) of
  // prompt work, at most (100 - b) / 100 x 0.05: equal at 0.07 x = 0.05, R = 100 / 7 (the
  // batch limit alone would allow 64 / 4.2 = 15.24).
  ServiceTimes t = flat(0.1, 0.01, 101, 64);
  t.prefill_stall_s.assign(64, 0.05);
  t.mixes_prefill = true;
  t.prefill_budget_tokens = 100;
  t.prompt_tokens = 100;
  auto below = poisson_traffic(t, 14);
  REQUIRE(below);
  CHECK_FALSE(below->saturated);
  CHECK(below->capacity_requests_per_s == Approx(100.0 / 7).epsilon(1e-6));
  // No gap is longer than a step with a full chunk in it.
  CHECK(below->itl_s.mean <= 0.01 + 0.05 + 1e-12);
  auto above = poisson_traffic(t, 14.5);
  REQUIRE(above);
  CHECK(above->saturated);
}

TEST_CASE("traffic: saturation is reported, never a number", "[traffic]") {
  const ServiceTimes t = flat(0.1, 0.01, 101, 8);
  auto over = poisson_traffic(t, 8.0 / 1.8 * 1.01);
  REQUIRE(over);
  CHECK(over->saturated);
  CHECK(over->ttft_s.p90 == 0);  // no latency figure for an unbounded queue
  auto prefill_bound = poisson_traffic(flat(0.1, 0.01, 1, 8), 10.5);  // rho > 1
  REQUIRE(prefill_bound);
  CHECK(prefill_bound->saturated);
  // Capacity with a step that grows with the batch: s(b) = 0.01 + 0.001 b, no batch limit in
  // reach (cap 4096): b = R (O-1) s(b) / (1 - R P) is bounded while R (P + (O-1) k) < 1,
  // R < 1 / (0.1 + 0.1) = 5; at the cap the bound is a hair lower.
  ServiceTimes linear = flat(0.1, 0.01, 101, 4096);
  for (std::size_t b = 1; b <= 4096; ++b)
    linear.decode_step_s[b - 1] = 0.01 + 0.001 * static_cast<double>(b);
  auto fit = poisson_traffic(linear, 4.9);
  REQUIRE(fit);
  CHECK_FALSE(fit->saturated);
  CHECK(fit->capacity_requests_per_s == Approx(5).epsilon(2e-3));
  auto unfit = poisson_traffic(linear, 5.05);
  REQUIRE(unfit);
  CHECK(unfit->saturated);
  CHECK_FALSE(poisson_traffic(t, 0));
  CHECK_FALSE(poisson_traffic(t, std::nan("")));
}

TEST_CASE("traffic: closed-loop users at steady state obey Little's law", "[traffic]") {
  const ServiceTimes t = flat(0.2, 0.02, 101, 64);
  // One user sees no one else: TTFT = prefill, ITL = step, X = 1 / (0.2 + 100 * 0.02).
  auto one = closed_loop_traffic(t, 1);
  REQUIRE(one);
  CHECK(one->ttft_s.mean == Approx(0.2).epsilon(1e-9));
  CHECK(one->itl_s.mean == Approx(0.02).epsilon(1e-9));
  CHECK(one->request_rate_per_s == Approx(1 / 2.2).epsilon(1e-9));
  double previous_rate = 0, previous_ttft = 0;
  for (std::uint64_t users : {2u, 4u, 16u, 48u}) {
    auto e = closed_loop_traffic(t, users);
    REQUIRE(e);
    const double n = static_cast<double>(users);
    // N = X (TTFT + (O - 1) ITL), think time 0.
    CHECK(e->request_rate_per_s * (e->ttft_s.mean + 100 * e->itl_s.mean) ==
          Approx(n).epsilon(1e-6));
    CHECK(e->request_rate_per_s > previous_rate);
    CHECK(e->ttft_s.mean > previous_ttft);
    CHECK(e->request_rate_per_s < n / 2.2);  // others' prompts only slow each user down
    previous_rate = e->request_rate_per_s;
    previous_ttft = e->ttft_s.mean;
  }
  // Users beyond the batch limit queue for a slot: the served 64 set the rate, and each extra
  // user adds 1 / X of waiting.
  auto full = closed_loop_traffic(t, 64);
  auto over = closed_loop_traffic(t, 80);
  REQUIRE(full);
  REQUIRE(over);
  CHECK(over->request_rate_per_s == Approx(full->request_rate_per_s).epsilon(1e-9));
  CHECK(over->capacity_requests_per_s >= over->request_rate_per_s);
  CHECK(over->ttft_s.mean ==
        Approx(full->ttft_s.mean + 16 / full->request_rate_per_s).epsilon(1e-9));
  CHECK_FALSE(closed_loop_traffic(t, 0));
}

TEST_CASE("traffic: the target search returns the boundary", "[traffic]") {
  const ServiceTimes t = flat(0.2, 0.02, 101, 64);
  SECTION("closed loop, TTFT") {
    auto limit = find_target_limit(t, Arrival::closed_loop, 0.5, std::nullopt);
    REQUIRE(limit);
    REQUIRE(limit->limit > 1);
    REQUIRE(limit->limit < 64);
    CHECK(limit->broken_by == "ttft_target_s");
    const auto n = static_cast<std::uint64_t>(limit->limit);
    CHECK(closed_loop_traffic(t, n)->ttft_s.p90 <= 0.5);
    CHECK(closed_loop_traffic(t, n + 1)->ttft_s.p90 > 0.5);
  }
  SECTION("rate, ITL") {
    auto limit = find_target_limit(t, Arrival::rate, std::nullopt, 0.025);
    REQUIRE(limit);
    CHECK(limit->broken_by == "itl_target_s");
    // ITL = step / (1 - R P) <= 0.025 gives R <= 1 / 0.2 * (1 - 0.02 / 0.025) = 1.
    CHECK(limit->limit == Approx(1).epsilon(2e-3));
    CHECK(poisson_traffic(t, limit->limit)->itl_s.mean <= 0.025);
    CHECK(poisson_traffic(t, limit->limit * 1.001)->itl_s.mean > 0.025);
  }
  SECTION("rate, TTFT") {
    auto limit = find_target_limit(t, Arrival::rate, 0.4, std::nullopt);
    REQUIRE(limit);
    CHECK(limit->broken_by == "ttft_target_s");
    CHECK(poisson_traffic(t, limit->limit)->ttft_s.p90 <= 0.4);
    CHECK(poisson_traffic(t, limit->limit * 1.001)->ttft_s.p90 > 0.4);
  }
  SECTION("unreachable and generous targets") {
    auto never = find_target_limit(t, Arrival::closed_loop, 0.1, std::nullopt);  // prefill 0.2
    REQUIRE(never);
    CHECK(never->limit == 0);
    CHECK(never->broken_by == "ttft_target_s");
    auto always = find_target_limit(t, Arrival::closed_loop, std::nullopt, 1000.0);
    REQUIRE(always);
    CHECK(always->limit == 64);  // the batch limit: ITL stops rising there
    CHECK(always->broken_by == "capacity");
    // Past the batch limit users wait for a slot and TTFT keeps rising: a loose TTFT target
    // breaks beyond it.
    auto queued = find_target_limit(t, Arrival::closed_loop, 30.0, std::nullopt);
    REQUIRE(queued);
    CHECK(queued->limit > 64);
    CHECK(queued->broken_by == "ttft_target_s");
    const auto n = static_cast<std::uint64_t>(queued->limit);
    CHECK(closed_loop_traffic(t, n)->ttft_s.p90 <= 30.0);
    CHECK(closed_loop_traffic(t, n + 1)->ttft_s.p90 > 30.0);
    CHECK_FALSE(find_target_limit(t, Arrival::rate, std::nullopt, std::nullopt));
    CHECK_FALSE(find_target_limit(t, Arrival::rate, -1.0, std::nullopt));
  }
}

TEST_CASE("traffic: request keys and their errors", "[traffic][request]") {
  auto rate = built({{"arrival", "rate"}, {"request_rate", "2.5"}, {"ttft_target_s", "1"}});
  REQUIRE(rate);
  CHECK(rate->request.traffic.arrival == Arrival::rate);
  CHECK(rate->request.traffic.request_rate_per_s == 2.5);
  CHECK(rate->request.traffic.ttft_target_s == 1.0);
  CHECK_FALSE(rate->request.traffic.itl_target_s);
  auto closed = built({{"arrival", "closed-loop"}, {"itl_target_s", "0.05"}});
  REQUIRE(closed);
  CHECK(closed->request.traffic.arrival == Arrival::closed_loop);
  auto plain = built({});
  REQUIRE(plain);
  CHECK(plain->request.traffic.arrival == Arrival::burst);

  CHECK(error_field(built({{"arrival", "rate"}})) == "request_rate");
  CHECK(error_field(built({{"arrival", "closed-loop"}, {"request_rate", "2"}})) == "request_rate");
  CHECK(error_field(built({{"request_rate", "2"}})) == "request_rate");
  CHECK(error_field(built({{"arrival", "poisson"}})) == "arrival");
  CHECK(error_field(built({{"arrival", "rate"}, {"request_rate", "-1"}})) == "request_rate");
  CHECK(error_field(built({{"arrival", "rate"}, {"request_rate", "inf"}})) == "request_rate");
  CHECK(error_field(built({{"arrival", "rate"}, {"request_rate", "0"}})) == "request_rate");
  CHECK(error_field(built({{"arrival", "closed-loop"}, {"ttft_target_s", "nan"}})) ==
        "ttft_target_s");
  CHECK(error_field(built({{"ttft_target_s", "1"}})) == "ttft_target_s");  // burst: no steady state
  CHECK(error_field(built({{"itl_target_s", "0.1"}})) == "itl_target_s");
}

TEST_CASE("traffic: size() adds the section only off burst", "[traffic][sizing]") {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::vllm, "h100-sxm-80gb");
  r.workload.users = 8;
  auto burst = size(r);
  REQUIRE(burst);
  CHECK_FALSE(burst->traffic);
  r.traffic.arrival = Arrival::closed_loop;
  r.traffic.ttft_target_s = 0.5;
  auto closed = size(r);
  REQUIRE(closed);
  REQUIRE(closed->traffic);
  // The burst figures do not move with the arrival.
  CHECK(closed->speed->ttft_s == burst->speed->ttft_s);
  CHECK(closed->speed->decode_tokens_per_s_total == burst->speed->decode_tokens_per_s_total);
  CHECK(closed->traffic->users == 8);
  CHECK_FALSE(closed->traffic->saturated);
  // Closed-loop arrivals spread the prompts out: a lower median TTFT than all eight at once.
  CHECK(closed->traffic->ttft_s.median < burst->speed->ttft_s);
  REQUIRE(closed->target_limit);
  bool advised = false;
  for (const auto& line : closed->advice) advised |= line.find("TTFT p90 <= 0.5 s") == 0;
  CHECK(advised);

  r.traffic = {};
  r.traffic.arrival = Arrival::rate;
  r.traffic.request_rate_per_s = 1e6;
  auto flooded = size(r);
  REQUIRE(flooded);
  REQUIRE(flooded->traffic);
  CHECK(flooded->traffic->saturated);
  SizingRequest hf =
      test::request("llama-3.1-8b-instruct", "native", RuntimeId::transformers, "h100-sxm-80gb");
  hf.traffic.arrival = Arrival::closed_loop;
  auto static_batch = size(hf);
  REQUIRE(static_batch);
  CHECK_FALSE(static_batch->traffic);
  REQUIRE(static_batch->traffic_error);
  CHECK(static_batch->traffic_error->field == "arrival");

  bool warned = false;
  for (const auto& line : flooded->advice)
    warned |= line.find("grows without bound") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("traffic: an engine whose KV cache holds no sequence gets no traffic estimate",
          "[traffic][sizing]") {
  // gpt-oss-120b's MXFP4 weights (64.3 GiB) and vLLM's profile run leave no KV cache on one
  // 80 GiB H100 at gpu_memory_utilization 0.9: the server does not start, so queueing the
  // users into one batch (what the traffic model did) would describe a server that isn't there.
  SizingRequest r = test::request("gpt-oss-120b", "mxfp4", RuntimeId::vllm, "h100-sxm-80gb");
  r.workload.prompt_tokens = 215;
  r.workload.output_tokens = 195;
  r.workload.users = 100;
  r.traffic.arrival = Arrival::closed_loop;
  auto none = size(r);
  REQUIRE(none);
  REQUIRE(none->max_users == 0);
  CHECK_FALSE(none->traffic);
  REQUIRE(none->traffic_error);
  CHECK(none->traffic_error->field == "kv_cache");
  // With more of the card given to the engine the KV cache holds sequences again, and the
  // traffic model batches no more of them than it holds.
  r.knobs.gpu_memory_utilization = 0.95;
  auto some = size(r);
  REQUIRE(some);
  REQUIRE(some->max_users > 0);
  REQUIRE(some->traffic);
  CHECK(some->traffic->decode_batch <= static_cast<double>(some->max_users));
}

TEST_CASE("traffic: a burst within the batch limit prefills its prompts one after another",
          "[traffic]") {
  // 4 requests at once, batch limit 8, prefill (= stall, no stall table) 0.1 s, step 0.01 s, 11
  // output tokens (10 gaps). Prompt k's first token comes at 0.1 k s: mean and median 0.25 s.
  // Its decode is stalled by the 4 - k prompts behind it: mean 1.5 x 0.1 s over 10 gaps, so
  // TPOT 0.01 + 0.015 = 0.025 s. The last request ends at 0.4 + 10 x 0.01 = 0.5 s: 8 req/s.
  auto e = burst_traffic(flat(0.1, 0.01, 11, 8), 4);
  REQUIRE(e);
  CHECK(e->arrival == Arrival::burst);
  CHECK(e->ttft_s.mean == Approx(0.25).epsilon(1e-9));
  CHECK(e->ttft_s.median == Approx(0.25).epsilon(1e-9));
  CHECK(e->itl_s.mean == Approx(0.025).epsilon(1e-9));
  CHECK(e->request_rate_per_s == Approx(8).epsilon(1e-9));
  CHECK(e->output_tokens_per_s == Approx(88).epsilon(1e-9));
  CHECK(e->decode_batch == 4);
  CHECK_FALSE(burst_traffic(flat(0.1, 0.01, 11, 8), 0));  // no requests: refused
}

TEST_CASE("traffic: a burst's prompts packed into full prefill steps cost their share",
          "[traffic]") {
  // As above, but the engine packs queued prompts into token-budget steps where each costs
  // 0.02 s: prompt k's first token at 0.1 + 0.02 (k - 1) s, i.e. 0.10, 0.12, 0.14, 0.16 (mean and
  // median 0.13 s). The 4 - k prompts behind stall its 10 gaps by 1.5 x 0.02 s on average: TPOT
  // 0.01 + 0.003 s. The last request ends at 0.16 + 10 x 0.01 = 0.26 s.
  ServiceTimes t = flat(0.1, 0.01, 11, 8);
  t.batched_prefill_s = 0.02;
  auto e = burst_traffic(t, 4);
  REQUIRE(e);
  CHECK(e->ttft_s.mean == Approx(0.13).epsilon(1e-9));
  CHECK(e->ttft_s.median == Approx(0.13).epsilon(1e-9));
  CHECK(e->itl_s.mean == Approx(0.013).epsilon(1e-9));
  CHECK(e->request_rate_per_s == Approx(4 / 0.26).epsilon(1e-9));
  // Steady traffic has no queue at t=0 to pack: closed-loop figures do not move with it.
  auto packed = closed_loop_traffic(t, 4);
  auto plain = closed_loop_traffic(flat(0.1, 0.01, 11, 8), 4);
  REQUIRE(packed);
  REQUIRE(plain);
  CHECK(packed->ttft_s.median == plain->ttft_s.median);
  CHECK(packed->itl_s.mean == plain->itl_s.mean);
  t.batched_prefill_s = -1;
  auto bad = burst_traffic(t, 4);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "batched_prefill_s");
}

TEST_CASE("traffic: a burst stepped through a token budget shared with the decodes",
          "[traffic]") {
  // Budget 10 tokens a step, 4-token prompts, 4 requests, each prompt's share of a full step
  // 0.02 s, decode steps 0.01 s, 11 output tokens (10 gaps). Step 1: nothing runs, 10 prompt
  // tokens: prompts 1-2 done (2 tokens of prompt 3 carried), 10/4 x 0.02 = 0.05 s. Step 2: 2
  // decodes leave 8 tokens, 6 are wanted: prompts 3-4 done, 0.01 + 6/4 x 0.02 = 0.04 s (clock
  // 0.09). Then 0.01 s steps: prompts 1-2 end after step 11 (clock 0.18), 3-4 after step 12
  // (0.19). A lone prompt's step is 4/4 x 0.02 s, so first tokens are offset by prefill_s - 0.02
  // = 0.08 s: TTFT 0.13, 0.13, 0.17, 0.17; TPOT (0.18 - 0.05) / 10 = 0.013 and (0.19 - 0.09) /
  // 10 = 0.010; makespan 0.19 + 0.08 = 0.27 s.
  auto e = burst_traffic(budgeted(), 4);
  REQUIRE(e);
  CHECK(e->ttft_s.mean == Approx(0.15).epsilon(1e-9));
  CHECK(e->ttft_s.median == Approx(0.13).epsilon(1e-9));
  CHECK(e->ttft_s.p90 == Approx(0.17).epsilon(1e-9));
  CHECK(e->itl_s.mean == Approx(0.0115).epsilon(1e-9));
  CHECK(e->itl_s.median == Approx(0.010).epsilon(1e-9));
  CHECK(e->request_rate_per_s == Approx(4 / 0.27).epsilon(1e-9));
  CHECK(e->output_tokens_per_s == Approx(44 / 0.27).epsilon(1e-9));
  // Prefill-first (each prompt a step of its own, 0.1 s, decodes paused), 3 requests, 3 output
  // tokens: first tokens at 0.1, 0.2, 0.3 s; two decode steps end at 0.32 s: TPOT 0.11, 0.06,
  // 0.01 s.
  const auto prefill_first = [](std::size_t batch_cap) {
    ServiceTimes x = flat(0.1, 0.01, 3, batch_cap);
    x.prefill_budget_tokens = 100;
    x.prompt_tokens = 10;
    x.mixes_prefill = false;
    return x;
  };
  auto f = burst_traffic(prefill_first(8), 3);
  REQUIRE(f);
  CHECK(f->ttft_s.mean == Approx(0.2).epsilon(1e-9));
  CHECK(f->ttft_s.median == Approx(0.2).epsilon(1e-9));
  CHECK(f->itl_s.mean == Approx(0.06).epsilon(1e-9));
  CHECK(f->itl_s.median == Approx(0.06).epsilon(1e-9));
  CHECK(f->request_rate_per_s == Approx(3 / 0.32).epsilon(1e-9));
  // More requests than the batch holds: the rest wait for slots. Cap 2, prefill-first as
  // above, 4 requests: 1-2 prefilled (0.1, 0.2), decoded to 0.22; 3-4 then (0.32, 0.42), done
  // at 0.44 s.
  ServiceTimes q = prefill_first(2);
  auto g = burst_traffic(q, 4);
  REQUIRE(g);
  CHECK(g->ttft_s.mean == Approx((0.1 + 0.2 + 0.32 + 0.42) / 4).epsilon(1e-9));
  CHECK(g->request_rate_per_s == Approx(4 / 0.44).epsilon(1e-9));
  q.prefill_budget_tokens = -1;
  auto bad = burst_traffic(q, 4);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "prefill_budget_tokens");
}

TEST_CASE("traffic: a prefill-first burst batches queued prompts up to the budget", "[traffic]") {
  // 10-token prompts, budget 30: a prefill step holds 1-3 prompts at 0.1 / 0.15 / 0.2 s; decode
  // steps 0.01 s, 3 output tokens (2 gaps), 5 requests, the first prefilled alone.
  const auto batching = [] {
    ServiceTimes x = flat(0.1, 0.01, 3, 8);
    x.prefill_budget_tokens = 30;
    x.prompt_tokens = 10;
    x.mixes_prefill = false;
    x.prefill_batch_s = {0.1, 0.15, 0.2};
    x.first_prefill_alone = true;
    return x;
  };
  // SGLang (prefill batches back to back): 1 alone (first token 0.1), 3 (0.3), 1 (0.4); two
  // decode steps end at 0.42 s. TTFT mean (0.1 + 3 x 0.3 + 0.4) / 5 = 0.28, median 0.3; TPOT
  // (0.42 - 0.1) / 2 = 0.16, 0.06 (x3), 0.01: median 0.06, mean 0.07.
  auto s = burst_traffic(batching(), 5);
  REQUIRE(s);
  CHECK(s->ttft_s.mean == Approx(0.28).epsilon(1e-9));
  CHECK(s->ttft_s.median == Approx(0.3).epsilon(1e-9));
  CHECK(s->itl_s.median == Approx(0.06).epsilon(1e-9));
  CHECK(s->itl_s.mean == Approx(0.07).epsilon(1e-9));
  CHECK(s->request_rate_per_s == Approx(5 / 0.42).epsilon(1e-9));
  // TGI (a decode step after each prefill batch, except the one that started an empty batch):
  // 1 alone (0.1), 3 at once (0.3), one decode (0.31), the last prompt (0.41), then decodes at
  // 0.42 (the first four finish) and 0.43. TTFT mean (0.1 + 0.9 + 0.41) / 5 = 0.282.
  ServiceTimes tgi = batching();
  tgi.decode_after_prefill = true;
  tgi.waiting_served_ratio = 0.3;
  tgi.max_waiting_steps = 20;
  auto t = burst_traffic(tgi, 5);
  REQUIRE(t);
  CHECK(t->ttft_s.mean == Approx(0.282).epsilon(1e-9));
  CHECK(t->itl_s.mean == Approx((0.16 + 3 * 0.06 + 0.01) / 5).epsilon(1e-9));
  CHECK(t->request_rate_per_s == Approx(5 / 0.43).epsilon(1e-9));
  // waiting_served_ratio 0.5: one waiting prompt against 4 running is below floor(0.5 x 4), so it
  // waits until max_waiting_steps (3) pass or the batch drains: the first four finish at 0.32,
  // the last prompt is prefilled alone (0.42) and decoded to 0.44.
  tgi.waiting_served_ratio = 0.5;
  tgi.max_waiting_steps = 3;
  auto w = burst_traffic(tgi, 5);
  REQUIRE(w);
  CHECK(w->ttft_s.mean == Approx((0.1 + 0.9 + 0.42) / 5).epsilon(1e-9));
  CHECK(w->request_rate_per_s == Approx(5 / 0.44).epsilon(1e-9));
  ServiceTimes bad = batching();
  bad.prefill_batch_s[1] = 0;
  CHECK(burst_traffic(bad, 5).error().field == "prefill_batch_s");
  bad = batching();
  bad.waiting_served_ratio = -1;
  CHECK(burst_traffic(bad, 5).error().field == "waiting_served_ratio");
}

TEST_CASE("traffic: a server that waits to batch prompts holds TTFT", "[traffic]") {
  TrafficEstimate e;
  e.itl_s = {0.02, 0.02, 0.02};
  e.ttft_s = {0.1, 0.1, 0.1};
  e.request_rate_per_s = 3;
  ServiceTimes t = flat(0.1, 0.02, 11, 8);
  t.prefill_budget_tokens = 8192;
  t.prompt_tokens = 1024;
  // No wait configured: TTFT as estimated.
  auto none = hold_first_tokens(e, t, {0, 0});
  REQUIRE(none);
  CHECK(none->ttft_s.median == Approx(0.1).epsilon(1e-12));
  // Waiting up to 40 steps (0.8 s) for 0.8 x 8192 tokens (6.4 prompts; 5.4 more arrive in
  // 1.8 s at 3/s, so the timeout closes the window): T = 0.8, rate T = 2.4, a request's mean
  // wait (0.8 + 2.4 x 0.4) / 3.4.
  auto waited = hold_first_tokens(e, t, {40, 0.8});
  REQUIRE(waited);
  CHECK(waited->ttft_s.mean == Approx(0.1 + (0.8 + 2.4 * 0.4) / 3.4).epsilon(1e-12));
  // At 30/s the 5.4 prompts arrive in 0.18 s, before the timeout.
  e.request_rate_per_s = 30;
  auto filled = hold_first_tokens(e, t, {40, 0.8});
  REQUIRE(filled);
  const double window = 5.4 / 30;
  CHECK(filled->ttft_s.mean ==
        Approx(0.1 + (window + 30 * window * window / 2) / (1 + 30 * window)).epsilon(1e-9));
  CHECK(hold_first_tokens(e, t, {40, 1.5}).error().field == "batch_wait_max_tokens_ratio");
}

TEST_CASE("traffic: a long burst runs at the full batch's closed-loop throughput", "[traffic]") {
  // 1000 requests over a batch limit of 8: all but the first and last waves run as a closed
  // loop of 8 users, so throughput is within 2% of it and the median request waits for about
  // (500 - 8) completions at that rate.
  const ServiceTimes t = flat(0.05, 0.01, 101, 8);
  auto loop = closed_loop_traffic(t, 8);
  auto burst = burst_traffic(t, 1000);
  REQUIRE(loop);
  REQUIRE(burst);
  CHECK(burst->output_tokens_per_s == Approx(loop->output_tokens_per_s).epsilon(0.02));
  CHECK(burst->ttft_s.median ==
        Approx(loop->ttft_s.mean + (500.5 - 8) / loop->request_rate_per_s).epsilon(1e-9));
  CHECK(burst->ttft_s.p90 > burst->ttft_s.median);
  CHECK(burst->itl_s.mean == Approx(loop->itl_s.mean).epsilon(0.01));
}

TEST_CASE("traffic: a stepped burst whose replies have two lengths", "[traffic]") {
  // Two prompts of 100 tokens, both in the first step (budget 1000, 0.05 s of prefill each:
  // step 1 takes 0.1 s); half the replies have 3 tokens, half 5 (mean 4). Decode steps take
  // 0.02 s at batch 2 and 0.01 s at batch 1. The short reply ends at step 3 (0.14 s), the long
  // one at step 5 (0.14 + 2 x 0.01 = 0.16 s). First tokens at 0.1 s plus the lone prompt's
  // offset, prefill_s - its step's share = 0.1 - 0.05: TTFT 0.15 s each. TPOT: short
  // (0.14 - 0.1) / 2 = 0.02, long (0.16 - 0.1) / 4 = 0.015. Makespan 0.16 + 0.05 = 0.21 s for
  // 3 + 5 tokens.
  ServiceTimes t;
  t.prefill_s = 0.1;
  t.decode_step_s = {0.01, 0.02};  // batch 1, batch 2
  t.output_tokens = 4;
  t.prompt_tokens = 100;
  t.prefill_budget_tokens = 1000;
  t.batched_prefill_s = 0.05;
  t.output_classes = {{3, 0.5}, {5, 0.5}};
  auto spread = burst_traffic(t, 2);
  REQUIRE(spread);
  CHECK(spread->ttft_s.median == Approx(0.15).epsilon(1e-12));
  CHECK(spread->itl_s.mean == Approx(0.0175).epsilon(1e-12));
  CHECK(spread->itl_s.median == Approx(0.015).epsilon(1e-12));
  CHECK(spread->itl_s.p90 == Approx(0.02).epsilon(1e-12));
  CHECK(spread->output_tokens_per_s == Approx(8 / 0.21).epsilon(1e-12));
  // Fixed lengths of 4: both end at step 4 (0.1 + 3 x 0.02 = 0.16 s), TPOT 0.06 / 3 = 0.02.
  ServiceTimes fixed = t;
  fixed.output_classes.clear();
  auto same = burst_traffic(fixed, 2);
  REQUIRE(same);
  CHECK(same->itl_s.mean == Approx(0.02).epsilon(1e-12));
  CHECK(same->output_tokens_per_s == Approx(8 / 0.21).epsilon(1e-12));
  // Shares that do not sum to 1 are refused, naming the field.
  t.output_classes = {{3, 0.5}, {5, 0.4}};
  auto bad = burst_traffic(t, 2);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "output_classes");
}

TEST_CASE("traffic: an output-length spread keeps its mean and widens with its cv",
          "[traffic]") {
  auto one = spread_output_lengths(200, 0, 16);
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK(one->front().tokens == 200);
  auto wide = spread_output_lengths(200, 1, 16);
  auto narrow = spread_output_lengths(200, 0.5, 16);
  REQUIRE(wide);
  REQUIRE(narrow);
  REQUIRE(wide->size() == 16);
  double mean = 0;
  for (const auto& c : *wide) mean += c.tokens * c.share;
  CHECK(mean == Approx(200).epsilon(1e-9));
  // A right-skewed law: the median class below the mean, the top class far above it.
  CHECK((*wide)[8].tokens < 200);
  CHECK(wide->back().tokens > narrow->back().tokens);
  CHECK(wide->front().tokens < narrow->front().tokens);
  CHECK(spread_output_lengths(200, -1, 16).error().field == "output_length_cv");
  CHECK(spread_output_lengths(0, 1, 16).error().field == "output_tokens");
}

TEST_CASE("traffic: an API server's serial front end queues requests before the engine",
          "[traffic]") {
  // Poisson: engine M/D/1 with S = 0.1 s (no decode), front end c = 0.2 s. At 4 requests/s the
  // front end is at rho 0.8: wait 0.8 x 0.2 / (2 x 0.2) = 0.4 s; the engine at rho 0.4 adds
  // 0.4 x 0.1 / (2 x 0.6). Capacity is the slower server's: 1 / 0.2 = 5 requests/s.
  ServiceTimes t = flat(0.1, 0.01, 1, 8);
  t.frontend_request_s = 0.2;
  auto e = poisson_traffic(t, 4);
  REQUIRE(e);
  CHECK_FALSE(e->saturated);
  CHECK(e->ttft_s.mean == Approx(0.1 + 0.4 + 0.4 * 0.1 / 1.2).epsilon(1e-9));
  CHECK(e->capacity_requests_per_s == Approx(5).epsilon(1e-9));
  auto over = poisson_traffic(t, 5);
  REQUIRE(over);
  CHECK(over->saturated);
  // Stepped burst (the budget case above: 10-token budget, 4-token prompts, 11 output tokens)
  // with a front end of 1 s: requests reach the idle engine at 0, 1, 2, 3 s, each prefilled in
  // 0.02 s and done 0.1 s later, before the next arrives. TTFT = arrival + 0.02 + the 0.08 s
  // offset; TPOT 0.01 s; the last ends at 3.12 s + 0.08 s.
  ServiceTimes b = budgeted();
  b.frontend_request_s = 1.0;
  auto s = burst_traffic(b, 4);
  REQUIRE(s);
  CHECK(s->ttft_s.mean == Approx(1.6).epsilon(1e-9));
  CHECK(s->ttft_s.median == Approx(1.1).epsilon(1e-9));
  CHECK(s->itl_s.mean == Approx(0.01).epsilon(1e-9));
  CHECK(s->request_rate_per_s == Approx(4 / 3.2).epsilon(1e-9));
  // Without a token budget (closed form), the first wave's k-th prompt waits (k - 1) front-end
  // times when those exceed its stall: 0.1, 0.6, 1.1 s for c = 0.5.
  ServiceTimes c = flat(0.1, 0.01, 1, 8);
  c.frontend_request_s = 0.5;
  auto w = burst_traffic(c, 3);
  REQUIRE(w);
  CHECK(w->ttft_s.mean == Approx(0.6).epsilon(1e-9));
  c.frontend_request_s = -1;
  auto bad = burst_traffic(c, 3);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "frontend_request_s");
}

TEST_CASE("traffic: chat requests pay vLLM's template rendering, not gpt-oss's or SGLang's",
          "[traffic][request]") {
  auto chat = built({{"endpoint", "chat"}});
  REQUIRE(chat);
  CHECK(chat->request.knobs.chat_endpoint == true);
  auto plain = built({{"endpoint", "completions"}});
  REQUIRE(plain);
  CHECK(plain->request.knobs.chat_endpoint == false);
  CHECK(error_field(built({{"endpoint", "responses"}})) == "endpoint");
  // A burst of 1000 chat requests on vLLM reaches the engine one template at a time.
  const auto burst_ttft = [](const char* model, const char* quant, const char* runtime,
                             const char* endpoint) {
    RequestText text;
    text.set("model", model);
    text.set("quant", quant);
    text.set("runtime", runtime);
    text.set("card", "h100-sxm-80gb");
    text.set("users", "1000");
    text.set("prompt_tokens", "128");
    text.set("output_tokens", "4");
    text.set("endpoint", endpoint);
    auto req = build_request(text, catalog(), RequestKind::size);
    REQUIRE(req);
    auto report = size(req->request);
    REQUIRE(report);
    REQUIRE(report->speed);
    return report->speed->ttft_s;
  };
  const double vllm_chat = burst_ttft("qwen3-8b", "bf16", "vllm", "chat");
  const double vllm_plain = burst_ttft("qwen3-8b", "bf16", "vllm", "completions");
  // The mean request waits behind ~500 renderings of 20 ms (speed/engine.cpp).
  CHECK(vllm_chat - vllm_plain > 5.0);
  CHECK(burst_ttft("gpt-oss-20b", "mxfp4", "vllm", "chat") ==
        burst_ttft("gpt-oss-20b", "mxfp4", "vllm", "completions"));
  CHECK(burst_ttft("qwen3-8b", "bf16", "sglang", "chat") ==
        burst_ttft("qwen3-8b", "bf16", "sglang", "completions"));
}
