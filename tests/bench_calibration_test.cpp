// --bench: a measured headroom-bench report calibrates llama.cpp's Vulkan backend directly (its
// read and per-format GEMV are those kernels' own figures) and every other backend and runtime
// through the card's measured DRAM; reports that cannot be from the card are refused.
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

TEST_CASE("vLLM takes the card's measured DRAM from a bench file, not its Vulkan AWQ GEMV",
          "[bench][speed]") {
  // vLLM's AWQ path runs its own CUDA kernels: a bench file's AWQ GEMV (a Vulkan shader) leaves
  // them as fitted, while a card whose DRAM reads slower than its class decodes slower.
  SizingRequest request =
      test::request("llama-3.1-8b-instruct", "awq", RuntimeId::vllm, "h100-sxm-80gb");
  auto decode_with = [&](double read_gb_per_s, double gemv_gb_per_s) {
    BenchReport report = bench_on(0x10DE, read_gb_per_s, gemv_gb_per_s);
    report.results.back().format = "awq_int4_g128";
    request.bench = report;
    auto sized = size(request);
    REQUIRE(sized);
    REQUIRE(sized->speed);
    return sized->speed->decode_tokens_per_s_per_user;
  };
  CHECK(decode_with(3000, 900) == Approx(decode_with(3000, 2700)));
  CHECK(decode_with(2400, 2000) < 0.95 * decode_with(3000, 2000));
}

TEST_CASE("a bench report says whose kernels it describes", "[bench][speed]") {
  auto line_with = [](const SizingReport& report, const std::string& text) {
    for (const auto& line : report.assumptions)
      if (line.find(text) != std::string::npos) return line;
    return std::string();
  };
  SizingRequest request = rtx_4090_request();
  // 4090: 1008 GB/s spec; nvidia-gddr cards usually read 96% of it (967.68 GB/s), so 870.9 is 90%.
  request.bench = bench_on(0x10DE, 870.912, 700);
  auto cuda = size(request);
  REQUIRE(cuda);
  const std::string scaled = line_with(*cuda, "scales the cuda backend's own fitted bandwidth");
  CHECK(scaled.find("90% of the 96% of spec") != std::string::npos);
  CHECK(scaled.find("describe llama.cpp's Vulkan kernels") != std::string::npos);
  request.backend = Backend::vulkan;
  auto vulkan = size(request);
  REQUIRE(vulkan);
  CHECK_FALSE(line_with(*vulkan, "decode from the measured Vulkan q4_k GEMV").empty());
  CHECK(line_with(*vulkan, "scales").empty());
  request.bench = bench_on(0x10DE, 870.912, 700);
  request.bench->results.pop_back();  // a file without this format's GEMV
  auto no_gemv = size(request);
  REQUIRE(no_gemv);
  CHECK_FALSE(line_with(*no_gemv, "the bench file has no q4_k GEMV").empty());
  request.backend.reset();
  request.runtime = RuntimeId::vllm;
  request.weight_format = "awq";
  request.bench = bench_on(0x10DE, 870.912, 700);
  auto vllm = size(request);
  REQUIRE(vllm);
  CHECK_FALSE(line_with(*vllm, "scales vllm's own fitted bandwidth").empty());
  request.bench.reset();
  auto none = size(request);
  REQUIRE(none);
  CHECK(line_with(*none, "measured").empty());
}

TEST_CASE("Vulkan decode follows the measured GEMV; CUDA decode follows the measured read",
          "[bench][speed]") {
  SizingRequest request = rtx_4090_request();
  auto decode = [&](std::optional<Backend> backend, double read, double gemv) {
    request.backend = backend;
    request.bench = bench_on(0x10DE, read, gemv);
    auto sized = size(request);
    REQUIRE(sized);
    REQUIRE(sized->speed);
    return sized->speed->decode_tokens_per_s_per_user;
  };
  // The same read, a GEMV 40% slower: only the Vulkan backend runs that kernel.
  CHECK(decode(Backend::vulkan, 900, 500) < 0.8 * decode(Backend::vulkan, 900, 850));
  CHECK(decode(Backend::cuda, 900, 500) == Approx(decode(Backend::cuda, 900, 850)));
  // The same GEMV share of the read, DRAM 25% slower: both backends slow down.
  CHECK(decode(Backend::cuda, 675, 500) < 0.9 * decode(Backend::cuda, 900, 500));
  CHECK(decode(Backend::vulkan, 675, 375) < 0.9 * decode(Backend::vulkan, 900, 500));
}

TEST_CASE("on the Vulkan backend the speedup over 16-bit is the bench's measured dequant tax",
          "[bench][speed]") {
  SizingRequest request = rtx_4090_request();
  request.backend = Backend::vulkan;
  auto speedup = [&](double q4_k_gemv_gb_per_s) {
    BenchReport report = bench_on(0x10DE, 900, q4_k_gemv_gb_per_s);
    BenchResult f16 = report.results.back();
    f16.format = "f16";
    f16.gb_per_s = 810;  // an f16 GEMV at 90% of the read
    report.results.push_back(f16);
    request.bench = report;
    auto sized = size(request);
    REQUIRE(sized);
    REQUIRE(sized->speed);
    return sized->speed->speedup_vs_fp16;
  };
  // A q4_k GEMV as efficient as the f16 one keeps most of the byte ratio; one at half the
  // efficiency gives a good part of it back (the fixed per-layer costs are the same in both).
  const double even = speedup(810);
  const double taxed = speedup(405);
  CHECK(even > 2.0);
  CHECK(taxed < 0.75 * even);
  CHECK(taxed > 0.5 * even);
}
