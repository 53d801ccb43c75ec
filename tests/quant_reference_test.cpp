// Reference quantizers/dequantizers against hand-made blocks and round trips.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "headroom/quant_reference.h"

using namespace headroom;

namespace {
std::vector<std::uint8_t> with_fp16(std::vector<std::uint8_t> bytes, std::size_t at, float v) {
  const std::uint16_t h = fp32_to_fp16(v);
  std::memcpy(bytes.data() + at, &h, 2);
  return bytes;
}
std::vector<float> random_weights(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> w(n);
  for (auto& v : w) v = dist(rng);
  return w;
}
}  // namespace

TEST_CASE("quant_reference: block sizes match ggml-common.h") {
  CHECK(reference_layout(DType::q4_0)->block_bytes == 18);
  CHECK(reference_layout(DType::q8_0)->block_bytes == 34);
  CHECK(reference_layout(DType::q2_k)->block_bytes == 84);
  CHECK(reference_layout(DType::q3_k)->block_bytes == 110);
  CHECK(reference_layout(DType::q4_k)->block_bytes == 144);
  CHECK(reference_layout(DType::q5_k)->block_bytes == 176);
  CHECK(reference_layout(DType::q6_k)->block_bytes == 210);
  CHECK(reference_layout(DType::iq4_xs)->block_bytes == 136);
  CHECK(reference_layout(DType::iq2_xxs)->block_bytes == 66);
  CHECK(reference_layout(DType::mxfp4)->block_bytes == 17);
  CHECK(bits_per_element(DType::q4_k) == Approx(4.5));
  // AWQ g128: 128 x 4 bits + fp16 scale + 4-bit zero = 532 bits per 128 weights; the reference
  // super-block of 8 groups holds exactly the same bytes.
  CHECK(reference_layout(DType::int4_awq_g128)->block_bytes * 8.0 / 1024 == Approx(532.0 / 128));
  for (const auto& info : reference_layouts()) {
    // The sizing table agrees with the reference layout, for every format.
    INFO(dtype_info(info.dtype).id);
    CHECK(bits_per_element(info.dtype) == Approx(8.0 * info.block_bytes / info.block_weights));
  }
  CHECK_FALSE(reference_layout(DType::q5_0));
}

TEST_CASE("quant_reference: scalar conversions") {
  CHECK(fp16_to_fp32(0x3C00) == 1.0f);
  CHECK(fp16_to_fp32(0xC000) == -2.0f);
  CHECK(fp16_to_fp32(0x0001) == std::ldexp(1.0f, -24));
  CHECK(fp32_to_fp16(1.0f) == 0x3C00);
  CHECK(fp32_to_fp16(65504.0f) == 0x7BFF);
  CHECK(fp32_to_fp16(1e6f) == 0x7C00);
  CHECK(fp32_to_fp16(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);  // tie -> even
  CHECK(fp32_to_fp16(std::ldexp(1.0f, -24)) == 0x0001);
  for (std::uint32_t h = 0; h < 0x7C00; ++h) {
    REQUIRE(fp32_to_fp16(fp16_to_fp32(static_cast<std::uint16_t>(h))) == h);
  }
  CHECK(bf16_to_fp32(0x3F80) == 1.0f);
  CHECK(fp32_to_bf16(1.0f) == 0x3F80);
  CHECK(fp8_e4m3_to_fp32(0x7E) == 448.0f);
  CHECK(fp8_e4m3_to_fp32(0x38) == 1.0f);
  CHECK(fp8_e4m3_to_fp32(0x01) == std::ldexp(1.0f, -9));
  CHECK(std::isnan(fp8_e4m3_to_fp32(0x7F)));
  CHECK(fp32_to_fp8_e4m3(1000.0f) == 0x7E);
  // Nearest-value rounding agrees with an exhaustive search (ties to the even code).
  for (float v = 0.0f; v < 460.0f; v = v * 1.01f + 1e-4f) {
    std::uint8_t best = 0;
    for (std::uint8_t c = 1; c < 0x7F; ++c) {
      const float e = std::fabs(fp8_e4m3_to_fp32(c) - std::min(v, 448.0f));
      const float b = std::fabs(fp8_e4m3_to_fp32(best) - std::min(v, 448.0f));
      if (e < b || (e == b && (c & 1) == 0)) best = c;
    }
    REQUIRE(fp32_to_fp8_e4m3(v) == best);
  }
  CHECK(fp32_to_fp8_e4m3(-1.0f) == 0xB8);
  CHECK(e8m0_to_fp32_half(127) == 0.5f);
  CHECK(e8m0_to_fp32_half(128) == 1.0f);
  CHECK(e8m0_to_fp32_half(1) == std::ldexp(1.0f, -127));
  CHECK(iq2_sign_pattern(1) == 0x81);
  CHECK(iq2_sign_pattern(3) == 0x03);
}

TEST_CASE("quant_reference: hand-made Q4_0 block") {
  std::vector<std::uint8_t> b(18, 0);
  b = with_fp16(b, 0, 0.5f);
  b[2] = 0x9F;  // weight 0: 15-8 = 7 -> 3.5; weight 16: 9-8 = 1 -> 0.5
  b[3] = 0x08;  // weight 1: 0 -> 0; weight 17: 0-8 -> -4
  const auto y = dequantize(DType::q4_0, b, 32);
  REQUIRE(y);
  CHECK((*y)[0] == 3.5f);
  CHECK((*y)[16] == 0.5f);
  CHECK((*y)[1] == 0.0f);
  CHECK((*y)[17] == -4.0f);
  CHECK((*y)[2] == -4.0f);
}

TEST_CASE("quant_reference: hand-made Q8_0 and MXFP4 blocks") {
  std::vector<std::uint8_t> q8(34, 0);
  q8 = with_fp16(q8, 0, 0.25f);
  q8[2] = static_cast<std::uint8_t>(-3);
  q8[33] = 100;
  auto y = dequantize(DType::q8_0, q8, 32);
  REQUIRE(y);
  CHECK((*y)[0] == -0.75f);
  CHECK((*y)[31] == 25.0f);

  std::vector<std::uint8_t> mx(17, 0);
  mx[0] = 128;   // d = 2^0 = 1 (e8m0 "half" scale)
  mx[1] = 0xF7;  // weight 0: code 7 -> 12; weight 16: code 15 -> -12
  y = dequantize(DType::mxfp4, mx, 32);
  REQUIRE(y);
  CHECK((*y)[0] == 12.0f);
  CHECK((*y)[16] == -12.0f);
}

TEST_CASE("quant_reference: hand-made Q4_K block uses get_scale_min_k4") {
  std::vector<std::uint8_t> b(144, 0);
  b = with_fp16(b, 0, 1.0f);  // d
  b = with_fp16(b, 2, 0.5f);  // dmin
  b[4 + 0] = 2;               // sub-block 0 scale 2
  b[4 + 4] = 4;               // sub-block 0 min 4 -> 2.0
  b[4 + 8] = 0x31;            // sub-block 4: scale low 1, min low 3
  b[4 + 0] |= 0x40;           // sub-block 4 scale high bits 1 -> 17
  b[16] = 0x05;               // weight 0: q 5
  b[16 + 64] = 0x03;          // chunk 2 byte 0 low nibble: weight 128 (sub-block 4): q 3
  const auto y = dequantize(DType::q4_k, b, 256);
  REQUIRE(y);
  CHECK((*y)[0] == 1.0f * 2 * 5 - 2.0f);
  CHECK((*y)[128] == 17.0f * 3 - 1.5f);
}

TEST_CASE("quant_reference: hand-made Q6_K and IQ4_XS blocks") {
  std::vector<std::uint8_t> b(210, 0);
  b[0] = 0x0F;    // ql[0] low nibble 15
  b[128] = 0x02;  // qh[0] bits 0-1 = 2 -> q = 15 | 32 = 47 - 32 = 15
  b[192] = 3;     // scales[0] = 3
  b = with_fp16(b, 208, 0.5f);
  auto y = dequantize(DType::q6_k, b, 256);
  REQUIRE(y);
  CHECK((*y)[0] == 0.5f * 3 * 15);
  CHECK((*y)[1] == 0.5f * 3 * -32);  // all-zero bits: q = -32
  std::vector<std::uint8_t> iq(136, 0);
  iq = with_fp16(iq, 0, 1.0f);
  iq[4] = 0x01;  // scales_l for sub-block 0: low 1; scales_h 0 -> ls = 1 -> 1-32 = -31
  iq[8] = 0x0F;  // weight 0: index 15 -> 113
  y = dequantize(DType::iq4_xs, iq, 256);
  REQUIRE(y);
  CHECK((*y)[0] == -31.0f * 113);
  CHECK((*y)[16] == -31.0f * -127);
}

TEST_CASE("quant_reference: hand-made IQ2_XXS block") {
  std::vector<std::uint8_t> b(66, 0);
  b = with_fp16(b, 0, 1.0f);
  b[2] = 1;  // group 0 -> grid[1] = 0x080808080808082b: weight 0 is 43, weights 1..7 are 8
  const std::uint32_t aux1 = (3u << 28) | 1u;  // scale 3 -> db = 3.5/4; signs 0b0000001 (+parity)
  std::memcpy(b.data() + 2 + 4, &aux1, 4);
  const auto y = dequantize(DType::iq2_xxs, b, 256);
  REQUIRE(y);
  CHECK((*y)[0] == -0.875f * 43);
  CHECK((*y)[1] == 0.875f * 8);
  CHECK((*y)[7] == -0.875f * 8);  // parity bit
  CHECK((*y)[8] == 0.875f * 8);   // group 1: grid[0], no signs, same sub-block scale
}

TEST_CASE("quant_reference: round trips stay close for every format") {
  const auto w = random_weights(1024, 7);
  for (const auto& info : reference_layouts()) {
    INFO(dtype_info(info.dtype).id);
    const auto q = quantize(info.dtype, w);
    REQUIRE(q);
    CHECK(q->size() == w.size() / info.block_weights * info.block_bytes);
    const auto y = dequantize(info.dtype, *q, w.size());
    REQUIRE(y);
    double err = 0, ref = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      err += ((*y)[i] - w[i]) * ((*y)[i] - w[i]);
      ref += w[i] * w[i];
    }
    // Relative RMS error well below the signal for every format (IQ2_XXS is ~2 bits).
    CHECK(std::sqrt(err / ref) < (info.dtype == DType::iq2_xxs ? 0.6 : 0.35));
  }
}

TEST_CASE("quant_reference: bad input is refused with the field named") {
  std::vector<float> w(33, 0.0f);
  auto q = quantize(DType::q4_0, w);
  REQUIRE_FALSE(q);
  CHECK(q.error().field == "weights");
  w.resize(32);
  w[3] = NAN;
  CHECK_FALSE(quantize(DType::q8_0, w));
  std::vector<std::uint8_t> few(10);
  CHECK_FALSE(dequantize(DType::q4_0, few, 32));
  CHECK_FALSE(parse_reference_dtype("q9_9"));
  CHECK_FALSE(parse_reference_dtype("q5_0"));  // a DType the reference code does not cover
  CHECK(*parse_reference_dtype("Q4_K") == DType::q4_k);
  CHECK(*parse_reference_dtype("int4_g128") == DType::int4_awq_g128);  // the bench's older id
}
