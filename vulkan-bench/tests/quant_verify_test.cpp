// The checks that decide whether a quant kernel is verified (and so timed): each must pass the
// output of a correct kernel and fail the same output with one value changed.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "headroom/quant_reference.h"
#include "kernels/quant_verify.h"

using namespace headroom;
using namespace headroom::bench;

namespace {

std::vector<float> random_values(std::size_t count, float scale, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(count);
  for (auto& x : v) x = dist(rng);
  return v;
}

// `tile` (tile_rows x k) repeated down `rows` rows, as a kernel writes a matrix that repeats it.
std::vector<float> repeat_rows(const std::vector<float>& tile, std::uint32_t tile_rows,
                               std::uint32_t rows, std::uint32_t k) {
  std::vector<float> out(std::size_t{rows} * k);
  for (std::uint32_t r = 0; r < rows; ++r) {
    std::memcpy(&out[std::size_t{r} * k], &tile[std::size_t{r % tile_rows} * k], k * sizeof(float));
  }
  return out;
}

}  // namespace

TEST_CASE("verify_dequant: the reference dequantizer's output passes, one changed bit fails") {
  constexpr std::uint32_t kTileRows = 3, kRows = 7, kK = 256;
  const std::vector<float> weights = random_values(std::size_t{kTileRows} * kK, 0.02f, 1);
  const auto blocks = quantize(DType::q4_0, weights);
  REQUIRE(blocks);
  const auto reference = dequantize(DType::q4_0, *blocks, weights.size());
  REQUIRE(reference);
  std::vector<float> got = repeat_rows(*reference, kTileRows, kRows, kK);

  const DequantCheck ok = verify_dequant(got, kRows, *reference, kTileRows, kK);
  CHECK(ok.passed());
  CHECK(ok.mismatches == 0);
  CHECK(ok.max_abs_diff == 0.0);

  // One ulp in a row past the tile (row 5 compares with tile row 2).
  float& changed = got[5 * kK + 17];
  const float before = changed;
  changed = std::nextafter(before, std::numeric_limits<float>::infinity());
  const DequantCheck bad = verify_dequant(got, kRows, *reference, kTileRows, kK);
  CHECK_FALSE(bad.passed());
  CHECK(bad.mismatches == 1);
  CHECK(bad.max_abs_diff == Approx(static_cast<double>(changed) - before));
}

TEST_CASE("verify_dequant compares bits: -0 against +0 fails") {
  const std::vector<float> reference = {0.0f, 1.0f};
  const std::vector<float> got = {-0.0f, 1.0f};
  const DequantCheck check = verify_dequant(got, 1, reference, 1, 2);
  CHECK_FALSE(check.passed());
  CHECK(check.mismatches == 1);
  CHECK(check.max_abs_diff == 0.0);
}

TEST_CASE("gemv_reference: fp64 products and sums of |w x| per column") {
  // One row w = (1, -2); column c of x is (c, 1): y = c - 2, sum |w x| = c + 2.
  const std::vector<float> w = {1.0f, -2.0f};
  std::vector<float> x;
  for (std::uint32_t c = 0; c < kReferenceColumns; ++c) {
    x.push_back(static_cast<float>(c));
    x.push_back(1.0f);
  }
  const GemvReference ref = gemv_reference(w, 1, 2, x);
  REQUIRE(ref.y.size() == kReferenceColumns);
  for (std::uint32_t c = 0; c < kReferenceColumns; ++c) {
    CHECK(ref.y[c] == static_cast<double>(c) - 2.0);
    CHECK(ref.abs[c] == static_cast<double>(c) + 2.0);
  }
}

TEST_CASE("verify_gemv: the rounded fp64 product passes, one perturbed output fails") {
  constexpr std::uint32_t kTileRows = 4, kM = 12, kK = 512, kColumns = 4;
  const std::vector<float> w = random_values(std::size_t{kTileRows} * kK, 0.02f, 2);
  const std::vector<float> x = random_values(std::size_t{kReferenceColumns} * kK, 0.5f, 3);
  const GemvReference ref = gemv_reference(w, kTileRows, kK, x);
  std::vector<float> got(std::size_t{kColumns} * kM);
  for (std::uint32_t c = 0; c < kColumns; ++c) {
    for (std::uint32_t r = 0; r < kM; ++r) {
      got[std::size_t{c} * kM + r] =
          static_cast<float>(ref.y[std::size_t{c} * kTileRows + r % kTileRows]);
    }
  }
  constexpr double kBound = 1e-4;
  const GemvCheck ok = verify_gemv(got, kM, kColumns, ref, kBound);
  CHECK(ok.passed);
  CHECK(ok.max_error < 1e-6);

  SECTION("an error of 1e-3 of sum |w x| in a repeated row fails") {
    const std::size_t at = std::size_t{3} * kM + 9;  // column 3, row 9 (tile row 1)
    got[at] += static_cast<float>(1e-3 * ref.abs[std::size_t{3} * kTileRows + 1]);
    const GemvCheck bad = verify_gemv(got, kM, kColumns, ref, kBound);
    CHECK_FALSE(bad.passed);
    CHECK(bad.max_error == Approx(1e-3).epsilon(0.01));
  }
  SECTION("a NaN left where the kernel wrote nothing fails") {
    got[kM - 1] = std::numeric_limits<float>::quiet_NaN();
    const GemvCheck bad = verify_gemv(got, kM, kColumns, ref, kBound);
    CHECK_FALSE(bad.passed);
    CHECK(bad.max_error == 1e30);
  }
}

TEST_CASE("quantize_x_int8: packed bytes times the scale give the values, within half a step") {
  constexpr std::uint32_t kK = 64;
  const std::vector<float> x = random_values(std::size_t{kReferenceColumns} * kK, 0.5f, 4);
  const Int8X q = quantize_x_int8(x, kK);
  const std::size_t scales_at = std::size_t{kReferenceColumns} * kK / 4;
  REQUIRE(q.words.size() == scales_at + kReferenceColumns * kK / 32);
  REQUIRE(q.values.size() == x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    float d = 0;
    std::memcpy(&d, &q.words[scales_at + i / 32], sizeof d);
    const auto byte = static_cast<std::uint8_t>(q.words[i / 4] >> (8 * (i % 4)));
    const auto value = static_cast<std::int8_t>(byte);
    CHECK(q.values[i] == static_cast<float>(value) * d);
    CHECK(std::fabs(q.values[i] - x[i]) <= 0.5f * d * 1.0001f);
  }
}
