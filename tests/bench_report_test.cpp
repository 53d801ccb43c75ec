// headroom.bench.v1: round trip, refusal of bad documents, and the derived metrics.
#include <catch2/catch.hpp>

#include <string>

#include "headroom/bench_report.h"
#include "headroom/documents.h"
#include "headroom/quant_reference.h"

using namespace headroom;

namespace {
BenchResult make_result(std::string kernel, std::string format, std::uint64_t n, double seconds,
                        std::uint64_t bytes) {
  BenchResult r;
  r.kernel = std::move(kernel);
  r.format = std::move(format);
  r.variant = "portable";
  r.m = 4096;
  r.k = 4096;
  r.n = n;
  r.bytes_moved = bytes;
  r.samples_seconds = {seconds, seconds * 1.1};
  r.median_seconds = seconds;
  r.best_seconds = seconds;
  r.gb_per_s = static_cast<double>(bytes) / seconds / 1e9;
  r.verified = true;
  return r;
}
BenchReport sample_report() {
  BenchReport rep;
  rep.device.name = "llvmpipe";
  rep.device.device_type = "cpu";
  rep.settings.quick = true;
  rep.settings.samples = 2;
  rep.settings.timer = "gpu_timestamp";
  rep.results.push_back(make_result("read", "", 0, 0.1, 100'000'000));       // 1 GB/s
  rep.results.push_back(make_result("gemv", "f16", 1, 0.032, 32'000'000));   // 1 GB/s
  rep.results.push_back(make_result("gemv", "q4_0", 1, 0.0125, 9'000'000));  // 0.72 GB/s
  auto skipped = make_result("gemv", "q4_0", 1, 0.001, 9'000'000);
  skipped.variant = "fast";
  skipped.skipped = "missing feature storageBuffer8BitAccess";
  skipped.verified = false;
  rep.results.push_back(skipped);
  return rep;
}
}  // namespace

TEST_CASE("bench_report: bench report round-trips through JSON") {
  auto rep = derive_bench_metrics(sample_report());
  const std::string text = bench_json_text(rep);
  CHECK(text.find("\"schema\": \"headroom.bench.v1\"") != std::string::npos);
  const auto back = parse_bench_report(text);
  REQUIRE(back);
  CHECK(back->device.name == "llvmpipe");
  CHECK(back->settings.quick);
  REQUIRE(back->results.size() == 4);
  CHECK(back->results[2].samples_seconds.size() == 2);
  CHECK(back->results[3].skipped == "missing feature storageBuffer8BitAccess");
  CHECK(*back->results[2].speedup_vs_fp16 == Approx(2.56));
  CHECK(*back->results[2].ideal_speedup == Approx(16.0 / 4.5));
  CHECK(*back->results[2].dequant_tax == Approx(1.0 - 2.56 / (16.0 / 4.5)));
}

TEST_CASE("bench_report: measured read bandwidth and GEMV efficiency") {
  const auto rep = sample_report();
  REQUIRE(measured_read_bytes_per_s(rep));
  CHECK(*measured_read_bytes_per_s(rep) == Approx(1e9));
  CHECK(*gemv_efficiency(rep, DType::f16) == Approx(1.0));
  CHECK(*gemv_efficiency(rep, DType::q4_0) == Approx(0.72));  // the skipped fast row is ignored
  CHECK_FALSE(gemv_efficiency(rep, DType::q2_k));
  // 8e9 params at 4.5 bpw = 4.5e9 bytes per token at 0.72 GB/s.
  CHECK(*projected_decode_tokens_per_s(rep, "q4_0", 8e9, 4.5) == Approx(0.72e9 / 4.5e9));
  BenchReport empty;
  CHECK_FALSE(measured_read_bytes_per_s(empty));
}

TEST_CASE("bench_report: bad bench documents are refused naming the field") {
  CHECK(parse_bench_report("").error().code == ErrorCode::parse_error);
  CHECK(parse_bench_report("{").error().field == "bench");
  CHECK(parse_bench_report("[1,2]").error().field == "bench");
  CHECK(parse_bench_report(R"({"schema":"headroom.bench.v0"})").error().field == "schema");
  const std::string good = bench_json_text(sample_report());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return parse_bench_report(s);
  };
  auto r = replace("\"median_seconds\": 0.1", "\"median_seconds\": -0.1");
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "results[0].median_seconds");
  CHECK(r.error().message.find("results[0].median_seconds") != std::string::npos);
  r = replace("\"name\": \"llvmpipe\"", "\"name\": 3");
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "device.name");
  r = replace("\"quick\": true", "\"quick\": \"yes\"");
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "settings.quick");
  r = replace("\"samples\": 2", "\"sample_count\": 2");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "settings.samples is missing");
  r = replace("\"gb_per_s\": 1.0", "\"gb_per_s\": 1e999");
  CHECK_FALSE(r);
}

TEST_CASE("bench_report: card match, budget and GEMV shape fields round-trip") {
  auto rep = sample_report();
  rep.device.device_local_budget_bytes = 25'000'000'000ull;
  rep.results[1].rows_per_workgroup = 4;
  rep.results[1].workgroup_size = 64;
  rep.card_id = "rtx-4090";
  rep.card_name = "NVIDIA GeForce RTX 4090 24GB";
  rep.spec_bandwidth_bytes_per_s = 1.008e12;
  const auto back = parse_bench_report(bench_json_text(derive_bench_metrics(rep)));
  REQUIRE(back);
  CHECK(back->device.device_local_budget_bytes == 25'000'000'000ull);
  CHECK(back->results[1].rows_per_workgroup == 4);
  CHECK(back->results[1].workgroup_size == 64);
  CHECK(back->card_id == "rtx-4090");
  CHECK(back->card_name == "NVIDIA GeForce RTX 4090 24GB");
  REQUIRE(back->spec_bandwidth_bytes_per_s);
  CHECK(*back->spec_bandwidth_bytes_per_s == Approx(1.008e12));
  // 1 GB/s read against a 1008 GB/s spec: about 0.1% of spec.
  REQUIRE(back->results[0].pct_of_spec);
  CHECK(*back->results[0].pct_of_spec == Approx(100.0 / 1008.0));
}
