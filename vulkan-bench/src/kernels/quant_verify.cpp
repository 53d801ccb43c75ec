// CPU references and output checks of the quant kernels.
#include "kernels/quant_verify.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace headroom::bench {

GemvReference gemv_reference(std::span<const float> w, std::uint32_t rows, std::uint32_t k,
                             std::span<const float> x) {
  GemvReference ref;
  ref.rows = rows;
  ref.y.assign(std::uint64_t{kReferenceColumns} * rows, 0.0);
  ref.abs.assign(std::uint64_t{kReferenceColumns} * rows, 0.0);
  for (std::uint32_t r = 0; r < rows; ++r) {
    const float* wr = w.data() + std::uint64_t{r} * k;
    for (std::uint32_t c = 0; c < kReferenceColumns; ++c) {
      const float* xc = x.data() + std::uint64_t{c} * k;
      double sum = 0, abs = 0;
      for (std::uint32_t j = 0; j < k; ++j) {
        const double prod = static_cast<double>(wr[j]) * xc[j];
        sum += prod;
        abs += std::fabs(prod);
      }
      ref.y[std::uint64_t{c} * rows + r] = sum;
      ref.abs[std::uint64_t{c} * rows + r] = abs;
    }
  }
  return ref;
}

Int8X quantize_x_int8(std::span<const float> x, std::uint32_t k) {
  const std::uint64_t scales_at = std::uint64_t{kReferenceColumns} * k / 4;
  Int8X out;
  out.words.assign(scales_at + std::uint64_t{kReferenceColumns} * k / 32, 0);
  out.values.assign(x.size(), 0.0f);
  for (std::uint64_t b = 0; b < x.size() / 32; ++b) {
    float amax = 0;
    for (std::uint64_t j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * b + j]));
    const float d = amax / 127.0f;
    for (std::uint64_t j = 0; j < 32; ++j) {
      const int q = d > 0 ? static_cast<int>(std::lround(x[32 * b + j] / d)) : 0;
      // Two's complement byte of q, little-endian within the word.
      out.words[(32 * b + j) / 4] |= (static_cast<std::uint32_t>(q) & 0xFFu) << (8 * (j % 4));
      out.values[32 * b + j] = static_cast<float>(q) * d;
    }
    std::memcpy(&out.words[scales_at + b], &d, 4);
  }
  return out;
}

DequantCheck verify_dequant(std::span<const float> got, std::uint64_t rows,
                            std::span<const float> reference, std::uint64_t reference_rows,
                            std::uint32_t k) {
  DequantCheck check;
  for (std::uint64_t row = 0; row < rows; ++row) {
    const float* want = reference.data() + (row % reference_rows) * k;
    const float* have = got.data() + row * k;
    if (std::memcmp(want, have, std::uint64_t{k} * 4) == 0) continue;
    for (std::uint32_t j = 0; j < k; ++j) {
      // Bits, not values: -0 against +0 or a different NaN is a mismatch too.
      if (std::memcmp(&want[j], &have[j], 4) != 0) {
        ++check.mismatches;
        check.max_abs_diff =
            std::max(check.max_abs_diff, std::fabs(static_cast<double>(want[j]) - have[j]));
      }
    }
  }
  return check;
}

GemvCheck verify_gemv(std::span<const float> got, std::uint32_t m, std::uint32_t columns,
                      const GemvReference& ref, double bound) {
  double worst = 0;
  for (std::uint32_t c = 0; c < columns; ++c) {
    for (std::uint32_t row = 0; row < m; ++row) {
      const std::uint64_t at = std::uint64_t{c} * ref.rows + row % ref.rows;
      const double denom = std::max(ref.abs[at], 1e-30);
      const double err = std::fabs(got[std::uint64_t{c} * m + row] - ref.y[at]) / denom;
      worst = std::max(worst, std::isfinite(err) ? err : 1e30);
    }
  }
  return GemvCheck{worst, worst <= bound};
}

}  // namespace headroom::bench
