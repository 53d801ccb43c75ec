// Reference quantizers/dequantizers for the codebook formats IQ4_XS (non-linear 4-bit values) and
// IQ2_XXS (E8-lattice grid of 8 magnitudes + 7 sign bits per 8 weights), after ggml-quants.c.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "headroom/quant_reference.h"
#include "quant_reference_blocks.h"

namespace headroom::detail {

void quantize_iq4_xs(const float* x, BlockIq4Xs& b) {
  float s[8], max_abs_s = 0.0f;
  for (int ib = 0; ib < 8; ++ib) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < 32; ++j) {
      if (std::fabs(x[32 * ib + j]) > amax) {
        amax = std::fabs(x[32 * ib + j]);
        max = x[32 * ib + j];
      }
    }
    s[ib] = max / static_cast<float>(kIq4nlValues[0]);  // the largest weight maps to -127
    max_abs_s = std::max(max_abs_s, std::fabs(s[ib]));
  }
  b.d = fp32_to_fp16(max_abs_s / 31.0f);
  const float d = fp16_to_fp32(b.d);
  b.scales_h = 0;
  std::memset(b.scales_l, 0, sizeof(b.scales_l));
  for (int ib = 0; ib < 8; ++ib) {
    const int sc = d != 0.0f ? std::clamp(round_to_int(s[ib] / d), -32, 31) : 0;
    const int ls = sc + 32;
    b.scales_l[ib / 2] =
        static_cast<std::uint8_t>(b.scales_l[ib / 2] | ((ls & 0xF) << (4 * (ib % 2))));
    b.scales_h = static_cast<std::uint16_t>(b.scales_h | ((ls >> 4) << (2 * ib)));
    const float dl = d * static_cast<float>(sc);
    for (int j = 0; j < 16; ++j) {
      int idx[2] = {8, 8};  // value 1: the code nearest zero
      for (int h = 0; h < 2; ++h) {
        if (dl == 0.0f) continue;
        const float v = x[32 * ib + j + 16 * h] / dl;
        float best_err = std::fabs(v - kIq4nlValues[0]);
        idx[h] = 0;
        for (int k = 1; k < 16; ++k) {
          const float err = std::fabs(v - kIq4nlValues[k]);
          if (err < best_err) {
            best_err = err;
            idx[h] = k;
          }
        }
      }
      b.qs[16 * ib + j] = static_cast<std::uint8_t>(idx[0] | (idx[1] << 4));
    }
  }
}

void dequantize_iq4_xs(const BlockIq4Xs& b, float* y) {
  const float d = fp16_to_fp32(b.d);
  for (int ib = 0; ib < 8; ++ib) {
    const int ls =
        ((b.scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF) | (((b.scales_h >> (2 * ib)) & 3) << 4);
    const float dl = d * static_cast<float>(ls - 32);
    const std::uint8_t* qs = b.qs + 16 * ib;
    for (int j = 0; j < 16; ++j) {
      y[j] = dl * static_cast<float>(kIq4nlValues[qs[j] & 0xF]);
      y[j + 16] = dl * static_cast<float>(kIq4nlValues[qs[j] >> 4]);
    }
    y += 32;
  }
}

void quantize_iq2_xxs(const float* x, BlockIq2Xxs& b) {
  // Per 32 weights: a 4-bit scale ls with step d*(0.5+ls)/4, four grid indices and four 7-bit
  // sign patterns whose 8th sign is the parity (so one weight per 8 may get the wrong sign).
  float want[8], max_want = 0.0f;
  for (int ib = 0; ib < 8; ++ib) {
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * ib + j]));
    want[ib] = amax / 43.0f;  // 43: the largest grid magnitude
    max_want = std::max(max_want, want[ib]);
  }
  b.d = fp32_to_fp16(max_want * 4.0f / 15.5f);
  const float d = fp16_to_fp32(b.d);
  for (int ib = 0; ib < 8; ++ib) {
    const int ls = d != 0.0f ? std::clamp(round_to_int(want[ib] * 4.0f / d - 0.5f), 0, 15) : 0;
    const float db = d * (0.5f + static_cast<float>(ls)) * 0.25f;
    std::uint32_t aux[2] = {0, static_cast<std::uint32_t>(ls) << 28};
    for (int g = 0; g < 4; ++g) {
      const float* xg = x + 32 * ib + 8 * g;
      std::uint32_t signs = 0;
      int smallest = 0;
      for (int j = 0; j < 8; ++j) {
        if (xg[j] < 0) signs |= 1u << j;
        if (std::fabs(xg[j]) < std::fabs(xg[smallest])) smallest = j;
      }
      // Even parity makes bit 7 implied by bits 0..6 (ggml ksigns_iq2xs), so only 7 are stored.
      if (std::popcount(signs) & 1) signs ^= 1u << smallest;
      int best = 0;
      float best_err = INFINITY;
      for (int k = 0; k < 256; ++k) {
        float err = 0.0f;
        for (int j = 0; j < 8; ++j) {
          const float g8 = static_cast<float>((kIq2xxsGrid[k] >> (8 * j)) & 0xFF);
          const float diff = (db != 0.0f ? std::fabs(xg[j]) / db : 0.0f) - g8;
          err += diff * diff;
        }
        if (err < best_err) {
          best_err = err;
          best = k;
        }
      }
      aux[0] |= static_cast<std::uint32_t>(best) << (8 * g);
      aux[1] |= (signs & 127u) << (7 * g);
    }
    std::memcpy(&b.qs[4 * ib], aux, 8);
  }
}

void dequantize_iq2_xxs(const BlockIq2Xxs& b, float* y) {
  const float d = fp16_to_fp32(b.d);
  for (int ib32 = 0; ib32 < 8; ++ib32) {
    std::uint32_t aux32[2];
    std::memcpy(aux32, &b.qs[4 * ib32], 8);
    const float db = d * (0.5f + static_cast<float>(aux32[1] >> 28)) * 0.25f;
    for (int l = 0; l < 4; ++l) {
      const std::uint64_t grid = kIq2xxsGrid[(aux32[0] >> (8 * l)) & 0xFF];
      const std::uint8_t signs = iq2_sign_pattern((aux32[1] >> (7 * l)) & 127u);
      for (int j = 0; j < 8; ++j) {
        const float g = static_cast<float>((grid >> (8 * j)) & 0xFF);
        y[j] = db * g * ((signs >> j) & 1u ? -1.0f : 1.0f);
      }
      y += 8;
    }
  }
}

}  // namespace headroom::detail
