// compare_cards: one workload on every card, ranked fits > tight > does-not-fit > refused,
// fastest first within each group.
#include <catch2/catch.hpp>

#include "headroom/compare.h"
#include "headroom/documents.h"
#include "sizing_fixtures.h"

using namespace headroom;

TEST_CASE("compare ranks every card for one workload", "[compare]") {
  auto request = test::request("llama-3.1-70b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  request.workload = {2000, 500, 2};
  const auto compared = compare_cards(test::catalog(), request, "");
  REQUIRE(compared);
  const auto& fits = compared.value();
  REQUIRE(fits.size() == test::catalog().cards.size());
  auto rank = [](const CardFit& fit) {
    return !fit.sized()                           ? 3
           : fit.report.verdict == Verdict::fits  ? 0
           : fit.report.verdict == Verdict::tight ? 1
                                                  : 2;
  };
  for (std::size_t i = 1; i < fits.size(); ++i) {
    INFO(fits[i - 1].card->id << " then " << fits[i].card->id);
    CHECK(rank(fits[i - 1]) <= rank(fits[i]));
    if (rank(fits[i - 1]) == rank(fits[i]) && fits[i].sized()) {
      CHECK(fits[i - 1].report.speed->decode_tokens_per_s_total >=
            fits[i].report.speed->decode_tokens_per_s_total);
    }
  }
  auto find = [&](const char* id) -> const CardFit& {
    for (const auto& fit : fits) {
      if (fit.card->id == id) return fit;
    }
    FAIL("missing " << id);
    return fits.front();
  };
  // 42 GiB of weights: not on a 24 GB card, fine on an 80 GB one; llama.cpp has no Gaudi backend.
  CHECK(find("rtx-4090").report.verdict == Verdict::does_not_fit);
  CHECK(find("h100-sxm-80gb").report.verdict == Verdict::fits);
  CHECK_FALSE(find("gaudi-3").sized());
  // The JSON names the schema and one row per card.
  const std::string json = compare_json_text(fits);
  CHECK(json.find("\"schema\": \"headroom.compare.v1\"") != std::string::npos);
  CHECK(json.find("\"card\": \"gaudi-3\"") != std::string::npos);
}

TEST_CASE("compare filters by vendor", "[compare]") {
  auto request = test::request("qwen3-8b", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  const auto compared = compare_cards(test::catalog(), request, "apple");
  REQUIRE(compared);
  const auto& apple = compared.value();
  REQUIRE_FALSE(apple.empty());
  for (const auto& fit : apple) CHECK(fit.card->vendor == "apple");
}

TEST_CASE("reality check: every format the runtime loads, speedup below the byte ratio",
          "[compare]") {
  auto request = test::request("llama-3.1-8b-instruct", "bf16", RuntimeId::llamacpp, "rtx-4090");
  const auto formats = compare_formats(request);
  REQUIRE(formats);
  const auto& fits = formats.value();
  REQUIRE(fits.size() > 20);  // the GGUF mixes llama.cpp loads
  bool saw_q4_k_m = false;
  for (const auto& fit : fits) {
    INFO(fit.format);
    REQUIRE(fit.sized());
    REQUIRE(fit.report.speed);
    CHECK(fit.report.speed->speedup_vs_fp16 <=
          fit.report.speed->ideal_speedup_vs_fp16 * 1.0001);  // f32 norms: bpw a hair over 16
    CHECK_FALSE(fit.quality.empty());
    if (fit.format == "q4_k_m") {
      saw_q4_k_m = true;
      // "4-bit is 4x faster" is false: well under 4x, and under the 3.27x byte ratio too.
      CHECK(fit.report.speed->speedup_vs_fp16 < 3.27);
    }
  }
  CHECK(saw_q4_k_m);
  // vLLM loads the HF formats, not GGUF mixes.
  auto vllm = test::request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  const auto vllm_formats = compare_formats(vllm);
  REQUIRE(vllm_formats);
  for (const auto& fit : vllm_formats.value()) {
    CHECK(fit.format.find("q4_k") == std::string::npos);
    CHECK(fit.format != "mxfp4");  // MXFP4 experts: listed for the models released in them
  }
  // gpt-oss's own release format is a row, on vLLM and as llama.cpp's MXFP4_MOE GGUF.
  for (const auto& [runtime, id] : {std::pair{RuntimeId::vllm, "mxfp4"},
                                    std::pair{RuntimeId::llamacpp, "mxfp4-gguf"}}) {
    auto oss = test::request("gpt-oss-20b", "native", runtime, "h100-sxm-80gb");
    const auto oss_formats = compare_formats(oss);
    REQUIRE(oss_formats);
    bool listed = false;
    for (const auto& fit : oss_formats.value()) listed |= fit.format == id && fit.sized();
    CHECK(listed);
  }
  CHECK(reality_json_text(fits).find("\"schema\": \"headroom.reality.v1\"") != std::string::npos);
}

TEST_CASE("compare refuses a problem of the request once, not as a table of refused rows",
          "[compare]") {
  auto request = test::request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  request.weight_format = "q9_9";
  const auto compared = compare_cards(test::catalog(), request, "");
  REQUIRE_FALSE(compared);
  CHECK(compared.error().field == "quant");
  // A card the runtime cannot drive stays a refused row of its own.
  request.weight_format = "bf16";
  const auto rows = compare_cards(test::catalog(), request, "apple");
  REQUIRE(rows);
  for (const auto& fit : rows.value()) CHECK_FALSE(fit.sized());
}

TEST_CASE("compare uses a card's measured results for that card only", "[compare][bench]") {
  auto request = test::request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  const auto spec = compare_cards(test::catalog(), request, "nvidia");
  REQUIRE(spec);
  // A measured RTX 4090 at half its spec bandwidth: its row slows down and says so; others do not.
  BenchReport slow;
  slow.device.name = "NVIDIA GeForce RTX 4090";
  slow.device.vendor_id = 0x10DE;
  BenchResult read;
  read.kernel = "read";
  read.variant = "portable";
  read.gb_per_s = 504;
  read.median_seconds = 1e-3;
  read.best_seconds = 1e-3;
  read.verified = true;
  slow.results.push_back(read);
  const auto measured = compare_cards(test::catalog(), request, "nvidia", {{"rtx-4090", slow}});
  REQUIRE(measured);
  auto row = [](const std::vector<CardFit>& fits, const char* id) -> const CardFit& {
    for (const auto& fit : fits) {
      if (fit.card->id == id) return fit;
    }
    FAIL("missing " << id);
    return fits.front();
  };
  const CardFit& before = row(spec.value(), "rtx-4090");
  const CardFit& after = row(measured.value(), "rtx-4090");
  REQUIRE(after.sized());
  CHECK(after.measured);
  CHECK_FALSE(before.measured);
  CHECK(after.report.speed->decode_tokens_per_s_per_user <
        0.8 * before.report.speed->decode_tokens_per_s_per_user);
  CHECK(row(measured.value(), "rtx-3090").report.speed->decode_tokens_per_s_per_user ==
        row(spec.value(), "rtx-3090").report.speed->decode_tokens_per_s_per_user);
  const std::string json = compare_json_text(measured.value());
  CHECK(json.find("\"speed_from\": \"measured\"") != std::string::npos);
}
