// --bench: a measured headroom-bench report replaces the speed model's bandwidth and GEMV
// efficiency, and reports that cannot be from the card are refused.
#include <catch2/catch.hpp>

#include "headroom/catalog.h"
#include "headroom/quant_reference.h"
#include "headroom/sizing.h"
#include "sizing_fixtures.h"
#include "speed/calibration.h"

using namespace headroom;

namespace {

BenchReport bench_on(std::uint32_t vendor_id, double read_gb_per_s, double q4_k_gemv_gb_per_s) {
  BenchReport report;
  report.device.name = "test device";
  report.device.vendor_id = vendor_id;
  BenchResult read;
  read.kernel = "read";
  read.variant = "portable";
  read.gb_per_s = read_gb_per_s;
  read.median_seconds = 1e-3;
  read.best_seconds = 1e-3;
  read.bytes_moved = static_cast<std::uint64_t>(read_gb_per_s * 1e6);
  read.verified = true;
  read.best_of_sweep = true;
  report.results.push_back(read);
  BenchResult gemv = read;
  gemv.kernel = "gemv";
  gemv.format = "q4_k";
  gemv.m = 4096;
  gemv.k = 4096;
  gemv.n = 1;
  gemv.gb_per_s = q4_k_gemv_gb_per_s;
  report.results.push_back(gemv);
  return report;
}

SizingRequest rtx_4090_request() {
  const Catalog catalog = load_builtin_catalog().value();
  SizingRequest request;
  request.model = catalog.find_model("llama-3.1-8b-instruct").value()->arch;
  request.card = *catalog.find_card("rtx-4090").value();
  request.runtime = RuntimeId::llamacpp;
  request.weight_format = "q4_k_m";
  return request;
}

}  // namespace

TEST_CASE("a measured bench report moves the decode estimate", "[bench][speed]") {
  SizingRequest request = rtx_4090_request();
  auto baseline = size(request);
  REQUIRE(baseline);
  REQUIRE(baseline->speed);
  // 4090 spec is 1008 GB/s; a card that measures 700 GB/s read and 500 GB/s q4_k GEMV is slower.
  request.bench = bench_on(0x10DE, 700, 500);
  auto slow = size(request);
  REQUIRE(slow);
  REQUIRE(slow->speed);
  CHECK(slow->speed->decode_tokens_per_s_per_user < baseline->speed->decode_tokens_per_s_per_user);
  request.bench = bench_on(0x10DE, 1000, 950);
  auto fast = size(request);
  REQUIRE(fast);
  CHECK(fast->speed->decode_tokens_per_s_per_user > slow->speed->decode_tokens_per_s_per_user);
}

TEST_CASE("bench reports that cannot be from the card are refused", "[bench][errors]") {
  SizingRequest request = rtx_4090_request();
  request.bench = bench_on(0x10DE, 1200, 900);  // above the 1008 GB/s spec by 19%: a cache result
  auto cached = size(request);
  REQUIRE_FALSE(cached);
  CHECK(cached.error().field == "bench.results");
  CHECK(cached.error().message.find("exceeds") != std::string::npos);
  request.bench = bench_on(0x1002, 800, 600);  // an AMD device's report on an NVIDIA card
  auto other_vendor = size(request);
  REQUIRE_FALSE(other_vendor);
  CHECK(other_vendor.error().field == "bench.device.vendor_id");
  request.bench = bench_on(0x10DE, 800, 600);
  request.bench->card_id = "rtx-3090";  // same vendor, but matched to another catalog card
  auto other_card = size(request);
  REQUIRE_FALSE(other_card);
  CHECK(other_card.error().field == "bench.card_id");
  BenchReport empty;
  empty.device.vendor_id = 0x10DE;
  request.bench = empty;
  auto no_read = size(request);
  REQUIRE_FALSE(no_read);
  CHECK(no_read.error().message.find("no verified read-bandwidth") != std::string::npos);
}

TEST_CASE("every bench format maps to a DType, and its measured GEMV reaches the calibration",
          "[bench][speed]") {
  const Catalog catalog = load_builtin_catalog().value();
  const Card& card = *catalog.find_card("h100-sxm-80gb").value();
  for (const ReferenceLayout& layout : reference_layouts()) {
    // The id headroom-bench writes into its results is the DType's own id.
    const std::string id = dtype_info(layout.dtype).id;
    INFO(id);
    auto parsed = parse_dtype(id);
    REQUIRE(parsed);
    CHECK(*parsed == layout.dtype);
    BenchReport report = bench_on(0x10DE, 3000, 2400);
    report.results.back().format = id;
    auto calibration = calibrate_from_bench(report, card, layout.dtype);
    REQUIRE(calibration);
    REQUIRE(calibration->gemv_efficiency);
    CHECK(*calibration->gemv_efficiency == Approx(0.8));
  }
}

TEST_CASE("a measured AWQ GEMV reaches `size --quant awq --bench` (was silently dropped)",
          "[bench][speed]") {
  SizingRequest request =
      test::request("llama-3.1-8b-instruct", "awq", RuntimeId::vllm, "h100-sxm-80gb");
  // The same read bandwidth, two AWQ GEMV results: the slower kernel must give slower decode.
  // Both spellings of the format: the DType id and the bench's id before the shared table.
  for (const char* id : {"awq_int4_g128", "int4_g128"}) {
    INFO(id);
    BenchReport fast = bench_on(0x10DE, 3000, 2700);
    fast.results.back().format = id;
    BenchReport slow = bench_on(0x10DE, 3000, 900);
    slow.results.back().format = id;
    request.bench = fast;
    auto with_fast = size(request);
    request.bench = slow;
    auto with_slow = size(request);
    REQUIRE(with_fast);
    REQUIRE(with_slow);
    REQUIRE(with_fast->speed);
    REQUIRE(with_slow->speed);
    CHECK(with_slow->speed->decode_tokens_per_s_per_user <
          0.9 * with_fast->speed->decode_tokens_per_s_per_user);
  }
}

TEST_CASE("a bench report says whose kernels it describes", "[bench][speed]") {
  // headroom-bench runs Vulkan shaders: on llama.cpp's Vulkan backend its figures are that
  // backend's own; on CUDA (the default for an NVIDIA card) and on vLLM they stand in, and the
  // assumptions say so.
  auto stands_in = [](const SizingReport& report) {
    for (const auto& line : report.assumptions)
      if (line.find("stand in for") != std::string::npos) return true;
    return false;
  };
  SizingRequest request = rtx_4090_request();
  request.bench = bench_on(0x10DE, 900, 700);
  auto cuda = size(request);
  REQUIRE(cuda);
  CHECK(stands_in(*cuda));
  request.backend = Backend::vulkan;
  auto vulkan = size(request);
  REQUIRE(vulkan);
  CHECK_FALSE(stands_in(*vulkan));
  request.backend.reset();
  request.runtime = RuntimeId::vllm;
  request.weight_format = "awq";
  auto vllm = size(request);
  REQUIRE(vllm);
  CHECK(stands_in(*vllm));
  request.bench.reset();
  auto none = size(request);
  REQUIRE(none);
  CHECK_FALSE(stands_in(*none));
}
