// Reference quantizers/dequantizers for ggml's K-quants (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K): 256-weight
// super-blocks with per-sub-block scales. Dequantizers follow ggml-quants.c dequantize_row_q*_K.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "headroom/quant_reference.h"
#include "quant_reference_blocks.h"

namespace headroom::detail {
namespace {

// Min/max over a sub-block, with the range always containing zero (so the min is <= 0).
void range_of(const float* x, int n, float& mn, float& mx) {
  mn = 0.0f;
  mx = 0.0f;
  for (int i = 0; i < n; ++i) {
    mn = std::min(mn, x[i]);
    mx = std::max(mx, x[i]);
  }
}

int quant_level(float v, float step, int lo, int hi) {
  return step != 0.0f ? std::clamp(round_to_int(v / step), lo, hi) : 0;
}

// ggml get_scale_min_k4: 8 six-bit scales and 8 six-bit mins packed into 12 bytes.
void get_scale_min_k4(int j, const std::uint8_t* q, int& sc, int& m) {
  if (j < 4) {
    sc = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

void set_scale_min_k4(int j, std::uint8_t* q, int sc, int m) {
  if (j < 4) {
    q[j] = static_cast<std::uint8_t>((q[j] & 0xC0) | sc);
    q[j + 4] = static_cast<std::uint8_t>((q[j + 4] & 0xC0) | m);
  } else {
    q[j + 4] = static_cast<std::uint8_t>((sc & 0xF) | ((m & 0xF) << 4));
    q[j - 4] = static_cast<std::uint8_t>(q[j - 4] | ((sc >> 4) << 6));
    q[j] = static_cast<std::uint8_t>(q[j] | ((m >> 4) << 6));
  }
}

// Shared by Q4_K/Q5_K: 8 sub-blocks of 32 with (scale, min) quantized to 6 bits; returns levels.
void quantize_scale_min_8x32(const float* x, int nmax, std::uint16_t& d_out,
                             std::uint16_t& dmin_out, std::uint8_t* scales, int* levels) {
  float scale[8], mins[8], max_scale = 0.0f, max_min = 0.0f;
  for (int j = 0; j < 8; ++j) {
    float mn = 0.0f, mx = 0.0f;
    range_of(x + 32 * j, 32, mn, mx);
    scale[j] = (mx - mn) / static_cast<float>(nmax);
    mins[j] = -mn;
    max_scale = std::max(max_scale, scale[j]);
    max_min = std::max(max_min, mins[j]);
  }
  d_out = fp32_to_fp16(max_scale / 63.0f);
  dmin_out = fp32_to_fp16(max_min / 63.0f);
  const float d = fp16_to_fp32(d_out), dmin = fp16_to_fp32(dmin_out);
  std::memset(scales, 0, 12);
  for (int j = 0; j < 8; ++j) {
    const int ls = quant_level(scale[j], d, 0, 63);
    const int lm = quant_level(mins[j], dmin, 0, 63);
    set_scale_min_k4(j, scales, ls, lm);
    const float dl = d * static_cast<float>(ls), ml = dmin * static_cast<float>(lm);
    for (int i = 0; i < 32; ++i) levels[32 * j + i] = quant_level(x[32 * j + i] + ml, dl, 0, nmax);
  }
}

// Q3_K/Q6_K: the scale of each of the 16 sub-blocks of 16 weights (their largest magnitude over
// `max_level`, the largest level of the sub-block's quants); returns the largest scale.
float symmetric_scales(const float* x, float max_level, float (&s)[16]) {
  float max_s = 0.0f;
  for (int j = 0; j < 16; ++j) {
    float amax = 0.0f;
    for (int i = 0; i < 16; ++i) amax = std::max(amax, std::fabs(x[16 * j + i]));
    s[j] = amax / max_level;
    max_s = std::max(max_s, s[j]);
  }
  return max_s;
}

}  // namespace

void quantize_q2_k(const float* x, BlockQ2K& b) {
  float scale[16], mins[16], max_scale = 0.0f, max_min = 0.0f;
  for (int j = 0; j < 16; ++j) {
    float mn = 0.0f, mx = 0.0f;
    range_of(x + 16 * j, 16, mn, mx);
    scale[j] = (mx - mn) / 3.0f;
    mins[j] = -mn;
    max_scale = std::max(max_scale, scale[j]);
    max_min = std::max(max_min, mins[j]);
  }
  b.d = fp32_to_fp16(max_scale / 15.0f);
  b.dmin = fp32_to_fp16(max_min / 15.0f);
  const float d = fp16_to_fp32(b.d), dmin = fp16_to_fp32(b.dmin);
  std::memset(b.qs, 0, sizeof(b.qs));
  for (int j = 0; j < 16; ++j) {
    const int sc = quant_level(scale[j], d, 0, 15), m = quant_level(mins[j], dmin, 0, 15);
    b.scales[j] = static_cast<std::uint8_t>(sc | (m << 4));
    const float dl = d * static_cast<float>(sc), ml = dmin * static_cast<float>(m);
    for (int i = 0; i < 16; ++i) {
      const int w = 16 * j + i;  // weight w = 128*n + 32*shift_index + l
      const int q = quant_level(x[w] + ml, dl, 0, 3);
      b.qs[32 * (w / 128) + w % 32] |= static_cast<std::uint8_t>(q << (2 * ((w % 128) / 32)));
    }
  }
}

void dequantize_q2_k(const BlockQ2K& b, float* y) {
  const float d = fp16_to_fp32(b.d), min = fp16_to_fp32(b.dmin);
  const std::uint8_t* q = b.qs;
  int is = 0;
  for (int n = 0; n < kQkK; n += 128) {
    for (int shift = 0; shift < 8; shift += 2) {
      for (int half = 0; half < 2; ++half) {
        const std::uint8_t sc = b.scales[is++];
        const float dl = d * static_cast<float>(sc & 0xF), ml = min * static_cast<float>(sc >> 4);
        for (int l = 0; l < 16; ++l)
          *y++ = dl * static_cast<float>((q[l + 16 * half] >> shift) & 3) - ml;
      }
    }
    q += 32;
  }
}

void quantize_q3_k(const float* x, BlockQ3K& b) {
  float s[16];
  const float max_s = symmetric_scales(x, 4.0f, s);
  b.d = fp32_to_fp16(max_s / 31.0f);
  const float d = fp16_to_fp32(b.d);
  std::memset(b.hmask, 0, sizeof(b.hmask));
  std::memset(b.qs, 0, sizeof(b.qs));
  std::memset(b.scales, 0, sizeof(b.scales));
  for (int j = 0; j < 16; ++j) {
    const int sc = quant_level(s[j], d, -32, 31);
    const int u = sc + 32;  // 6 bits: low 4 in byte j%8 (nibble j/8), high 2 in byte 8+j%4
    b.scales[j % 8] |= static_cast<std::uint8_t>((u & 0xF) << (4 * (j / 8)));
    b.scales[8 + j % 4] |= static_cast<std::uint8_t>((u >> 4) << (2 * (j / 4)));
    const float dl = d * static_cast<float>(sc);
    for (int i = 0; i < 16; ++i) {
      const int w = 16 * j + i;
      const int q = quant_level(x[w], dl, -4, 3) + 4;  // 0..7: low 2 bits in qs, bit 2 in hmask
      const int n = w / 128, shift_index = (w % 128) / 32, l = w % 32;
      b.qs[32 * n + l] |= static_cast<std::uint8_t>((q & 3) << (2 * shift_index));
      if (q & 4) b.hmask[l] |= static_cast<std::uint8_t>(1u << (4 * n + shift_index));
    }
  }
}

void dequantize_q3_k(const BlockQ3K& b, float* y) {
  const float d_all = fp16_to_fp32(b.d);
  std::int8_t scales[16];
  for (int j = 0; j < 16; ++j) {
    const int low = (b.scales[j % 8] >> (4 * (j / 8))) & 0xF;
    const int high = (b.scales[8 + j % 4] >> (2 * (j / 4))) & 3;
    scales[j] = static_cast<std::int8_t>(low | (high << 4));
  }
  const std::uint8_t* q = b.qs;
  std::uint8_t m = 1;
  int is = 0;
  for (int n = 0; n < kQkK; n += 128) {
    for (int shift = 0; shift < 8; shift += 2) {
      for (int half = 0; half < 2; ++half) {
        const float dl = d_all * static_cast<float>(scales[is++] - 32);
        for (int l = 16 * half; l < 16 * half + 16; ++l) {
          const int v = ((q[l] >> shift) & 3) - ((b.hmask[l] & m) ? 0 : 4);
          *y++ = dl * static_cast<float>(v);
        }
      }
      m = static_cast<std::uint8_t>(m << 1);
    }
    q += 32;
  }
}

void quantize_q4_k(const float* x, BlockQ4K& b) {
  int levels[256];
  quantize_scale_min_8x32(x, 15, b.d, b.dmin, b.scales, levels);
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) {
      b.qs[32 * c + l] =
          static_cast<std::uint8_t>(levels[64 * c + l] | (levels[64 * c + 32 + l] << 4));
    }
  }
}

void dequantize_q4_k(const BlockQ4K& b, float* y) {
  const float d = fp16_to_fp32(b.d), min = fp16_to_fp32(b.dmin);
  const std::uint8_t* q = b.qs;
  for (int is = 0; is < 8; is += 2) {
    int sc = 0, m = 0;
    get_scale_min_k4(is, b.scales, sc, m);
    const float d1 = d * static_cast<float>(sc), m1 = min * static_cast<float>(m);
    get_scale_min_k4(is + 1, b.scales, sc, m);
    const float d2 = d * static_cast<float>(sc), m2 = min * static_cast<float>(m);
    for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
    for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
    q += 32;
  }
}

void quantize_q5_k(const float* x, BlockQ5K& b) {
  int levels[256];
  quantize_scale_min_8x32(x, 31, b.d, b.dmin, b.scales, levels);
  std::memset(b.qh, 0, sizeof(b.qh));
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) {
      const int lo = levels[64 * c + l], hi = levels[64 * c + 32 + l];
      b.qs[32 * c + l] = static_cast<std::uint8_t>((lo & 0xF) | ((hi & 0xF) << 4));
      b.qh[l] =
          static_cast<std::uint8_t>(b.qh[l] | ((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1)));
    }
  }
}

void dequantize_q5_k(const BlockQ5K& b, float* y) {
  const float d = fp16_to_fp32(b.d), min = fp16_to_fp32(b.dmin);
  const std::uint8_t* ql = b.qs;
  int u1 = 1, u2 = 2;
  for (int is = 0; is < 8; is += 2) {
    int sc = 0, m = 0;
    get_scale_min_k4(is, b.scales, sc, m);
    const float d1 = d * static_cast<float>(sc), m1 = min * static_cast<float>(m);
    get_scale_min_k4(is + 1, b.scales, sc, m);
    const float d2 = d * static_cast<float>(sc), m2 = min * static_cast<float>(m);
    for (int l = 0; l < 32; ++l) {
      *y++ = d1 * static_cast<float>((ql[l] & 0xF) + ((b.qh[l] & u1) ? 16 : 0)) - m1;
    }
    for (int l = 0; l < 32; ++l) {
      *y++ = d2 * static_cast<float>((ql[l] >> 4) + ((b.qh[l] & u2) ? 16 : 0)) - m2;
    }
    ql += 32;
    u1 <<= 2;
    u2 <<= 2;
  }
}

void quantize_q6_k(const float* x, BlockQ6K& b) {
  float s[16];
  const float max_s = symmetric_scales(x, 31.0f, s);
  b.d = fp32_to_fp16(max_s / 127.0f);
  const float d = fp16_to_fp32(b.d);
  std::memset(b.ql, 0, sizeof(b.ql));
  std::memset(b.qh, 0, sizeof(b.qh));
  for (int j = 0; j < 16; ++j) {
    const int sc = quant_level(s[j], d, -128, 127);
    b.scales[j] = static_cast<std::int8_t>(sc);
    const float dl = d * static_cast<float>(sc);
    for (int i = 0; i < 16; ++i) {
      const int w = 16 * j + i;  // w = 128*n + 32*g + l
      const int q = quant_level(x[w], dl, -32, 31) + 32;
      const int n = w / 128, g = (w % 128) / 32, l = w % 32;
      const int ql_index = 64 * n + l + 32 * (g & 1);
      b.ql[ql_index] = static_cast<std::uint8_t>(b.ql[ql_index] | ((q & 0xF) << (4 * (g >> 1))));
      b.qh[32 * n + l] = static_cast<std::uint8_t>(b.qh[32 * n + l] | ((q >> 4) << (2 * g)));
    }
  }
}

void dequantize_q6_k(const BlockQ6K& b, float* y) {
  const float d = fp16_to_fp32(b.d);
  const std::uint8_t* ql = b.ql;
  const std::uint8_t* qh = b.qh;
  const std::int8_t* sc = b.scales;
  for (int n = 0; n < kQkK; n += 128) {
    for (int l = 0; l < 32; ++l) {
      const int is = l / 16;
      const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
      const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
      const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
      const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      y[l] = d * static_cast<float>(sc[is + 0]) * static_cast<float>(q1);
      y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
      y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
      y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
    }
    y += 128;
    ql += 64;
    qh += 32;
    sc += 8;
  }
}

}  // namespace headroom::detail
