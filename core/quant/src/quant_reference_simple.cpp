// Reference quantizers/dequantizers for the single-scale block formats: Q4_0, Q8_0 (ggml),
// MXFP4 (OCP MX v1.0, ggml block_mxfp4) and AWQ/GPTQ-style int4 group 128.
#include <algorithm>
#include <cmath>

#include "headroom/quant_reference.h"
#include "quant_reference_blocks.h"

namespace headroom::detail {

void quantize_q4_0(const float* x, BlockQ4_0& b) {
  float amax = 0.0f, max = 0.0f;  // max keeps the sign of the largest magnitude
  for (int j = 0; j < 32; ++j) {
    if (std::fabs(x[j]) > amax) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  }
  const float d = max / -8.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  b.d = fp32_to_fp16(d);
  for (int j = 0; j < 16; ++j) {
    const int q0 = std::min(15, static_cast<int>(x[j] * id + 8.5f));
    const int q1 = std::min(15, static_cast<int>(x[j + 16] * id + 8.5f));
    b.qs[j] = static_cast<std::uint8_t>(std::max(0, q0) | (std::max(0, q1) << 4));
  }
}

void dequantize_q4_0(const BlockQ4_0& b, float* y) {
  const float d = fp16_to_fp32(b.d);
  for (int j = 0; j < 16; ++j) {
    y[j] = static_cast<float>((b.qs[j] & 0x0F) - 8) * d;
    y[j + 16] = static_cast<float>((b.qs[j] >> 4) - 8) * d;
  }
}

void quantize_q8_0(const float* x, BlockQ8_0& b) {
  float amax = 0.0f;
  for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  b.d = fp32_to_fp16(d);
  for (int j = 0; j < 32; ++j) {
    b.qs[j] = static_cast<std::int8_t>(std::clamp(round_to_int(x[j] * id), -127, 127));
  }
}

void dequantize_q8_0(const BlockQ8_0& b, float* y) {
  const float d = fp16_to_fp32(b.d);
  for (int j = 0; j < 32; ++j) y[j] = static_cast<float>(b.qs[j]) * d;
}

namespace {
int nearest_index(const std::int8_t* values, int count, float v) {
  int best = 0;
  float best_err = std::fabs(v - values[0]);
  for (int i = 1; i < count; ++i) {
    const float err = std::fabs(v - values[i]);
    if (err < best_err) {
      best_err = err;
      best = i;
    }
  }
  return best;
}
}  // namespace

void quantize_mxfp4(const float* x, BlockMxfp4& b) {
  float amax = 0.0f;
  for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
  // Smallest shared exponent with amax / d <= 12 (the largest doubled e2m1 magnitude).
  int e = 0;
  while (e < 254 && amax / e8m0_to_fp32_half(static_cast<std::uint8_t>(e)) > 12.0f) ++e;
  b.e = static_cast<std::uint8_t>(e);
  const float d = e8m0_to_fp32_half(b.e);
  for (int j = 0; j < 16; ++j) {
    const int lo = nearest_index(kMxfp4Values, 16, x[j] / d);
    const int hi = nearest_index(kMxfp4Values, 16, x[j + 16] / d);
    b.qs[j] = static_cast<std::uint8_t>(lo | (hi << 4));
  }
}

void dequantize_mxfp4(const BlockMxfp4& b, float* y) {
  const float d = e8m0_to_fp32_half(b.e);
  for (int j = 0; j < 16; ++j) {
    y[j] = static_cast<float>(kMxfp4Values[b.qs[j] & 0x0F]) * d;
    y[j + 16] = static_cast<float>(kMxfp4Values[b.qs[j] >> 4]) * d;
  }
}

void quantize_int4_g128(const float* x, BlockInt4G128& b) {
  for (int g = 0; g < 8; ++g) {
    const float* xg = x + 128 * g;
    float mn = xg[0], mx = xg[0];
    for (int j = 1; j < 128; ++j) {
      mn = std::min(mn, xg[j]);
      mx = std::max(mx, xg[j]);
    }
    mn = std::min(mn, 0.0f);
    mx = std::max(mx, 0.0f);
    float s = (mx - mn) / 15.0f;
    if (s == 0.0f) s = 1.0f;
    b.scales[g] = fp32_to_fp16(s);
    const float sh = fp16_to_fp32(b.scales[g]);
    const int zero = std::clamp(round_to_int(-mn / sh), 0, 15);
    if (g % 2 == 0)
      b.zeros[g / 2] = static_cast<std::uint8_t>(zero);
    else
      b.zeros[g / 2] = static_cast<std::uint8_t>(b.zeros[g / 2] | (zero << 4));
    for (int j = 0; j < 64; ++j) {
      const int q0 = std::clamp(round_to_int(xg[2 * j] / sh) + zero, 0, 15);
      const int q1 = std::clamp(round_to_int(xg[2 * j + 1] / sh) + zero, 0, 15);
      b.qs[64 * g + j] = static_cast<std::uint8_t>(q0 | (q1 << 4));
    }
  }
}

void dequantize_int4_g128(const BlockInt4G128& b, float* y) {
  for (int g = 0; g < 8; ++g) {
    const float s = fp16_to_fp32(b.scales[g]);
    const float z = static_cast<float>((b.zeros[g / 2] >> (4 * (g % 2))) & 0x0F);
    for (int j = 0; j < 64; ++j) {
      const std::uint8_t q = b.qs[64 * g + j];
      y[128 * g + 2 * j] = (static_cast<float>(q & 0x0F) - z) * s;  // (q - zero) * scale
      y[128 * g + 2 * j + 1] = (static_cast<float>(q >> 4) - z) * s;
    }
  }
}

}  // namespace headroom::detail
