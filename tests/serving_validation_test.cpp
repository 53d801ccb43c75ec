// The serving speed model against public serving benchmarks (tests/data/serving_validation.json,
// built from tests/data/measurements/serving.json by scripts/serving-validation-rows.py): each
// row is one metric (TPOT, TTFT, total output tok/s) a source measured under its arrival
// pattern, predicted by the traffic model. Prints every row and the per-runtime, per-metric
// summaries, and checks issue 12's thresholds as far as they are met (see kThresholds).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/validation.h"
#include "speed/engine.h"

using namespace headroom;

namespace {

std::string read_file(const std::string& name) {
  std::ifstream file(std::string(HEADROOM_TEST_DATA_DIR) + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("serving validation: rows per runtime, errors per runtime and metric",
          "[speed][validation][serving]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  const std::string text = read_file("serving_validation.json");
  REQUIRE_FALSE(text.empty());
  auto rows = run_validation(*catalog, text);
  if (!rows) FAIL(rows.error().message);
  std::cout << format_validation_table(*rows);

  std::map<std::string, std::size_t> per_runtime;
  for (const auto& r : *rows) {
    CHECK_FALSE(r.source.empty());
    CHECK_FALSE(r.arrival.empty());
    CHECK(std::isfinite(r.error_pct));
    ++per_runtime[r.runtime];
  }
  // Issue 12: at least 10 rows for each serving runtime.
  for (const char* runtime : {"vllm", "sglang", "trtllm", "tgi"}) {
    INFO(runtime);
    CHECK(per_runtime[runtime] >= 10);
  }
  // Issue 12 asks for a median |error| of at most 15% per runtime (5+ rows) and no row past 50%.
  // NOT MET YET. What the model reaches (all metrics of a runtime together) is asserted instead,
  // so a change that makes it worse fails; the gap to the issue's thresholds, per runtime:
  //   runtime  rows  median  rows past 50%   (issue: median <= 15%, 0 rows past 50%)
  //   vllm     374   14.5%   35              (median met)
  //   sglang   132   17.0%   21
  //   trtllm   141   13.5%   14              (median met)
  //   tgi       27    7.9%    0              (met)
  // (2026-12-02, second change: MoE prefill rates cover the routed experts' GEMMs only, attention
  // and dense layers at the dense rate; vLLM's gpt-oss on A100s at its Triton-attention and
  // Marlin rates; every MoE rate and vLLM V1's per-sequence cost refit, each on its own group
  // (core/src/speed/engine.cpp). Before: vllm 24.6% / 73, sglang 30.7% / 45, trtllm 16.1% / 23,
  // the one row newly past 50% being TensorRT-LLM's InferenceX DeepSeek-R1 8k/1k at 4 users,
  // TTFT -46.7% -> -62.0%. Then vLLM's fp8 block-scaled experts took a 190 us floor per MoE
  // layer (speed/params.cpp): vllm 17.8% / 60 -> 17.0% / 55. Then attention ran at the 16-bit
  // peak whatever the weights, block-scaled fp8 GEMMs at 0.4 of the fp8 peak on NVIDIA
  // (engine_dense_gemm_scale), vLLM's fused_moe rate refit 0.23 -> 0.4 and the AMD MoE scale
  // 0.32 -> 0.35: vllm 15.9% / 61, sglang 27.2% / 33 -> 16.6% / 25, trtllm 16.1% / 24 -> 14.2% /
  // 14; vLLM's rows past 50% grow by 6 with the fused_moe refit, which its group's median chose.
  // The block-fp8 rate then applied to prefill's GEMMs only, at 0.35: vllm 15.2% / 57, sglang
  // 17.0% / 21, trtllm 13.5% / 14. Then the GPUStack rows carried their chat endpoint and vLLM's
  // API server renders each chat request's template, 20 ms one at a time (speed/engine.cpp
  // engine_chat_template_s): vllm 14.5% / 41. Then the 30 runs whose serving command sets
  // --async-scheduling were stepped with host and GPU overlapped: vllm 14.5% / 35.)
  // (Before the TPOT of bursts with 4 or fewer output tokens left the set, a class rule from
  // GPUStack's repeated runs, see the test below: vllm 392 rows 25.0% / 81, sglang 134 32.3% / 45,
  // trtllm 144 16.2% / 24.)
  // By metric: TPOT vllm 22.7%, sglang 26.0%, trtllm 27.9%, tgi 7.7%; TTFT vllm 30.1%, sglang
  // 36.4%, trtllm 28.3%, tgi 9.3%. These figures moved only by new rows, no model change: 524
  // validation rows (319 vLLM, 102 SGLang, 103 TensorRT-LLM) came from 214 candidates added on
  // 2026-12-02 (the GPUStack Performance Lab blocks not used before, ids ending '-L<line>', and the
  // remaining dense FP8 H100/H200 cells of TensorRT-LLM's perf-overview). Before them: vllm 73
  // rows 13.6% / 9 past 50%, sglang 32 rows 16.7% / 2, trtllm 41 rows 16.1% / 11; by metric TPOT
  // vllm 15.1%, sglang 16.7%, trtllm 13.5%; TTFT vllm 20.2%, sglang 16.2%, trtllm 46.7%. The new
  // rows alone: vLLM 26.7% (72 past 50%), SGLang 37.8% (43), TensorRT-LLM 16.3% (13; its 52
  // perf-overview throughput rows 10.2%, none past 50%). Worst: GPUStack random 128-in / 4-out
  // bursts of 1000 (TPOT over 3 tokens, up to +1328%), SGLang's 32K-prompt bursts, SGLang
  // gpt-oss-20b on one A100 (throughput +815%). The InferenceX rows carry their random dataset's
  // mean lengths (range ratio 0.8) and the AMD MoE prefill scale was refit on the MI325X rows:
  // SGLang 17.4% -> 16.7%, TensorRT-LLM TTFT 44.9% -> 46.7% (its median unchanged). vLLM's MoE
  // prefill was refit on its 27 MoE rows (0.15 -> 0.33 of the dense rate,
  // core/src/speed/engine.cpp): 15.1% and 14 rows past 50% before; 14.2% before its A100 rows took
  // vLLM's 2048-token chunked-prefill budget there (its default below 70 GiB and on A100s;
  // Qwen3-14B TPOT +14 -> +18%, gpt-oss-20b TPOT +95 -> +101%) and its MoE prefill was split by
  // kernel family (Triton fused_moe 0.27, MXFP4 0.5: 14.4% and 10 rows past 50% before). What is
  // left past 50%: gpt-oss on vLLM (gpt-oss-120b TPOT +63/+123/+197% at TP1/2/4, A100 gpt-oss-20b
  // TPOT and TTFT), vLLM's DeepSeek-R1 burst of 1000 (TTFT -71%, throughput +118%), TensorRT-LLM's
  // GPUStack bursts (gpt-oss-120b / DeepSeek-R1 / Qwen3-32B: throughput +83..+280%, TTFT -58..-78%;
  // gpt-oss-120b TPOT -53%, 11 rows with it: since TensorRT-LLM's KV cache holds gpt-oss's
  // sliding-window layers at full length (runtime/kv_layout.cpp) that burst runs 398 sequences at
  // once, not 609, its TTFT went -86% -> -58% and its TPOT -30% -> -53%; the runs kept ~236
  // decoding, Little's law on their throughput and mean TPOT) and its InferenceX DeepSeek-R1 closed
  // loops at 4-16 users (TTFT -62..-69%), SGLang's GPUStack ShareGPT bursts (DeepSeek-R1 8x H200
  // throughput +64/+52%; gpt-oss-120b on one H100 came to TTFT -43% / throughput +33% from -54% /
  // +58% once its window layers hold every token, as SGLang 0.5.x sizes them, runtime/memory.cpp).
  // ShareGPT's output lengths vary per request; the rows keep fixed lengths because a spread
  // (output_length_cv, traffic_test) did not lower the median of those bursts at any cv tried
  // (README). README, "How accurate is the speed model?".
  struct Limit {
    const char* runtime;
    double median_pct;
    std::size_t over_50;
  };
  const Limit kThresholds[] = {
      {"vllm", 14.6, 35}, {"sglang", 17.1, 21}, {"trtllm", 13.6, 14}, {"tgi", 8.0, 0}};
  const auto by_runtime = summarize_serving_by_runtime(*rows);
  for (const Limit& limit : kThresholds) {
    INFO(limit.runtime);
    bool found = false;
    for (const auto& g : by_runtime) {
      if (g.name != limit.runtime) continue;
      found = true;
      std::size_t over = 0;
      for (const auto& r : *rows)
        if (r.runtime == limit.runtime && std::fabs(r.error_pct) > 50.0) ++over;
      INFO("median " << g.summary.median_abs_error_pct << "%, " << over << " rows past 50%");
      CHECK(g.summary.median_abs_error_pct <= limit.median_pct);
      CHECK(over <= limit.over_50);
    }
    CHECK(found);
  }
  // Every runtime reports TPOT and TTFT, and bursts their throughput; the text table and the JSON
  // document carry the same per-runtime, per-metric groups.
  const auto groups = summarize_by_runtime_metric(*rows);
  for (const char* name : {"vllm tpot_ms", "vllm ttft_ms", "vllm output_tokens_per_s",
                           "sglang tpot_ms", "sglang ttft_ms", "trtllm tpot_ms",
                           "trtllm output_tokens_per_s", "tgi tpot_ms", "tgi ttft_ms"}) {
    INFO(name);
    bool present = false;
    for (const auto& g : groups) present |= g.name == name && g.summary.rows >= 5;
    CHECK(present);
  }
  const std::string table = format_validation_table(*rows);
  CHECK(table.find("serving vllm tpot_ms: ") != std::string::npos);
  CHECK(table.find("serving tgi: ") != std::string::npos);
  const std::string doc = validation_json_text(*rows);
  for (const char* key : {"\"serving_by_runtime\"", "\"serving_by_runtime_metric\"",
                          "\"metric\": \"ttft_ms\"", "\"arrival\": \"closed-loop\""}) {
    INFO(key);
    CHECK(doc.find(key) != std::string::npos);
  }
}

TEST_CASE("serving validation: malformed serving rows name the row and the field",
          "[speed][validation][serving]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  const auto field_of = [&](const std::string& row) {
    auto result = run_validation(*catalog, "{\"rows\": [" + row + "]}");
    return result ? std::string() : result.error().field;
  };
  const std::string head =
      R"({"id": "x", "card": "h100-sxm-80gb", "model": "qwen3-8b", "quant": "bf16",
          "runtime": "vllm", "prompt_tokens": 200, "output_tokens": 200, )";
  const std::string ok_measured = R"("measured": {"metric": "tpot_ms", "value": 7.4})";
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, )" + ok_measured + "}").empty());
  CHECK(field_of(head + R"("arrival": "poisson", "users": 4, )" + ok_measured + "}") ==
        "rows[0] (x).arrival");
  CHECK(field_of(head + R"("arrival": "closed-loop", )" + ok_measured + "}") ==
        "rows[0] (x).users");
  CHECK(field_of(head + R"("arrival": "rate", )" + ok_measured + "}") ==
        "rows[0] (x).request_rate");
  CHECK(field_of(head + R"("arrival": "burst", "users": 4, "measured": {"metric": "e2e_ms",
                           "value": 3})" +
                 "}") == "rows[0] (x).measured.metric");
  CHECK(field_of(head + R"("arrival": "burst", "users": 4, "measured": {"metric": "tpot_ms",
                           "value": -1})" +
                 "}") == "rows[0] (x).measured.value");
  CHECK(field_of(head + R"("arrival": "burst", "users": 4, "measured": {"metric": "tpot_ms",
                           "value": 7, "stat": "p99"})" +
                 "}") == "rows[0] (x).measured.stat");
  CHECK(field_of(head + R"("arrival": "burst", "users": 4, "max_batch_prefill_tokens": 0, )" +
                 ok_measured + "}") == "rows[0] (x).max_batch_prefill_tokens");
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "stream_interval": 0, )" +
                 ok_measured + "}") == "rows[0] (x).stream_interval");
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "streaming": "no", )" +
                 ok_measured + "}") == "rows[0] (x).streaming");
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "endpoint": "chat", )" +
                 ok_measured + "}")
            .empty());
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "endpoint": "grpc", )" +
                 ok_measured + "}") == "rows[0] (x).endpoint");
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "async_scheduling": "yes", )" +
                 ok_measured + "}") == "rows[0] (x).async_scheduling");
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "streaming": false,
                           "stream_interval": 4, )" +
                 ok_measured + "}") == "rows[0] (x).stream_interval");
  // Not streamed: modelled for TensorRT-LLM (its per-response host cost), refused elsewhere.
  std::string trt_head = head;
  trt_head.replace(trt_head.find("\"vllm\""), 6, "\"trtllm\"");
  CHECK(field_of(trt_head + R"("arrival": "closed-loop", "users": 4, "streaming": false, )" +
                 ok_measured + "}")
            .empty());
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "streaming": false, )" +
                 ok_measured + "}") == "rows[0] (x)");
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "cuda_graph_max_batch": 0, )" +
                 ok_measured + "}") == "rows[0] (x).cuda_graph_max_batch");
  CHECK(field_of(head + R"("arrival": "closed-loop", "users": 4, "batch_wait_max_tokens_ratio":
                           "high", )" +
                 ok_measured + "}") == "rows[0] (x).batch_wait_max_tokens_ratio");
  CHECK(field_of(head + R"("arrival": "burst", "users": 64, "output_length_cv": "wide", )" +
                 ok_measured + "}") == "rows[0] (x).output_length_cv");
  CHECK(field_of(head + R"("arrival": "burst", "users": 64, "output_length_cv": -1, )" +
                 ok_measured + "}") == "rows[0] (x).output_length_cv");
}

TEST_CASE("serving validation: a burst row's output-length spread reaches the traffic model",
          "[speed][validation][serving]") {
  // The same burst of 1000 with fixed replies and with replies of cv 1 around the same mean:
  // the spread's longest replies hold slots after the rest have ended, so the burst runs
  // longer and its output tok/s is lower, while a closed-loop row ignores the key.
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  const auto predicted = [&](const std::string& extra, const std::string& arrival) {
    const std::string row =
        R"({"id": "x", "card": "h100-sxm-80gb", "model": "qwen3-8b", "quant": "bf16",
            "runtime": "vllm", "prompt_tokens": 200, "output_tokens": 200, "arrival": ")" +
        arrival + R"(", "users": 1000, )" + extra +
        R"("measured": {"metric": "output_tokens_per_s", "value": 5000}})";
    auto result = run_validation(*catalog, "{\"rows\": [" + row + "]}");
    REQUIRE(result);
    REQUIRE(result->size() == 1);
    return result->front().predicted_value;
  };
  const double fixed = predicted("", "burst");
  const double spread = predicted(R"("output_length_cv": 1, )", "burst");
  CHECK(spread < fixed);
  CHECK(predicted(R"("output_length_cv": 0, )", "burst") == Approx(fixed).epsilon(1e-12));
  CHECK(predicted(R"("output_length_cv": 1, )", "closed-loop") ==
        Approx(predicted("", "closed-loop")).epsilon(1e-12));
}

TEST_CASE("serving validation: no TPOT row for bursts of replies of 4 tokens or fewer",
          "[speed][validation][serving]") {
  // scripts/serving-validation-rows.py leaves these out: over 3 gaps a request's TPOT is set by
  // where its decode steps fall among the burst's prefill chunks, and repeats of one GPUStack run
  // differ up to 12x (208.0 vs 17.0 ms). Their TTFT and throughput rows stay.
  const auto doc = nlohmann::json::parse(read_file("serving_validation.json"), nullptr, false);
  REQUIRE(doc.is_object());
  std::size_t short_bursts = 0;
  for (const auto& row : doc["rows"]) {
    if (row.value("arrival", "") != "burst" || row.value("output_tokens", 0) > 4) continue;
    ++short_bursts;
    INFO(row.value("id", ""));
    CHECK(row["measured"].value("metric", "") != "tpot_ms");
  }
  CHECK(short_bursts >= 20);  // the 23 GPUStack runs' TTFT and throughput rows are still there
  // GPUStack's runs sent chat requests (vllm bench serve --backend openai-chat); the rows say so.
  std::size_t chat = 0;
  for (const auto& row : doc["rows"]) {
    const bool gpustack = row.value("id", "").rfind("gs-", 0) == 0 &&
                          row.value("source", "").find("vllm bench serve") != std::string::npos;
    if (gpustack) {
      INFO(row.value("id", ""));
      CHECK(row.value("endpoint", "") == "chat");
      ++chat;
    }
  }
  CHECK(chat >= 300);
}

TEST_CASE("measured release range: the oldest and newest release of each runtime's rows",
          "[speed][validation][serving]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  struct Seen {
    Release oldest, newest;
    std::string oldest_month, newest_month;
  };
  std::map<RuntimeId, Seen> seen;
  for (const char* file : {"serving_validation.json", "speed_validation.json"}) {
    auto rows = run_validation(*catalog, read_file(file));
    REQUIRE(rows.has_value());
    for (const auto& r : *rows) {
      auto runtime = parse_runtime(r.runtime);
      REQUIRE(runtime.has_value());
      Seen& s = seen[*runtime];
      if (is_llama_cpp(*runtime)) {
        if (r.date.size() < 7) continue;
        const std::string month = r.date.substr(0, 7);
        if (s.oldest_month.empty() || month < s.oldest_month) s.oldest_month = month;
        if (month > s.newest_month) s.newest_month = month;
        continue;
      }
      // A NIM container's release numbers the container, not its engine (sizing/validation.cpp).
      if (r.build.rfind("NIM ", 0) == 0) continue;
      const Release release = parse_release(r.build);
      if (!release.known()) continue;
      if (!s.oldest.known() || release.before(s.oldest.major, s.oldest.minor, s.oldest.patch))
        s.oldest = release;
      if (!s.newest.known() || s.newest.before(release.major, release.minor, release.patch))
        s.newest = release;
    }
  }
  // llama.cpp and Ollama share one range (Ollama runs llama.cpp's kernels).
  Seen llama = seen[RuntimeId::llamacpp];
  const Seen& ollama = seen[RuntimeId::ollama];
  if (!ollama.oldest_month.empty()) {
    llama.oldest_month = std::min(llama.oldest_month, ollama.oldest_month);
    llama.newest_month = std::max(llama.newest_month, ollama.newest_month);
  }
  for (RuntimeId runtime : {RuntimeId::llamacpp, RuntimeId::ollama}) {
    const speed::MeasuredRange range = speed::measured_range(runtime);
    CHECK(range.oldest_month == llama.oldest_month);
    CHECK(range.newest_month == llama.newest_month);
  }
  for (RuntimeId runtime :
       {RuntimeId::vllm, RuntimeId::sglang, RuntimeId::trtllm, RuntimeId::tgi}) {
    INFO(runtime_profile(runtime).name);
    const speed::MeasuredRange range = speed::measured_range(runtime);
    const Seen& s = seen[runtime];
    REQUIRE(s.newest.known());
    CHECK(range.oldest.major == s.oldest.major);
    CHECK(range.oldest.minor == s.oldest.minor);
    CHECK(range.oldest.patch == s.oldest.patch);
    CHECK(range.newest.major == s.newest.major);
    CHECK(range.newest.minor == s.newest.minor);
    CHECK(range.newest.patch == s.newest.patch);
  }
}
