// The CPU side of the quant kernels, free of Vulkan so it can be unit-tested: the fp64 GEMV
// reference, the int8 x that the int8dot kernel reads, and the checks that decide whether a
// kernel's output counts as verified (only verified kernels are timed).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace headroom::bench {

// x columns the references cover: the widest GEMV the bench runs (n = 8).
inline constexpr std::uint32_t kReferenceColumns = 8;

// fp64 products of a tile of weights with kReferenceColumns x columns. A taller matrix repeats
// the tile: its row r is tile row r % rows.
struct GemvReference {
  std::uint32_t rows = 0;
  std::vector<double> y;    // [column][row]: sum_j w_j x_j
  std::vector<double> abs;  // [column][row]: sum_j |w_j x_j|, the scale the error is divided by
};

// `w` holds rows x k weights, `x` kReferenceColumns x k values, both row-major.
GemvReference gemv_reference(std::span<const float> w, std::uint32_t rows, std::uint32_t k,
                             std::span<const float> x);

// x quantized per 32 values to int8 with an fp32 scale (amax / 127).
struct Int8X {
  // As the kernel reads it: kReferenceColumns x k / 4 packed words, then the k / 32 scales of
  // each column.
  std::vector<std::uint32_t> words;
  std::vector<float> values;  // the dequantized x, what the int8dot product really multiplies
};
Int8X quantize_x_int8(std::span<const float> x, std::uint32_t k);

struct DequantCheck {
  std::uint64_t mismatches = 0;  // weights whose bits differ from the reference
  double max_abs_diff = 0;       // largest |reference - got| among them
  bool passed() const { return mismatches == 0; }
};

// Bit-for-bit comparison of `rows` x k dequantized weights with the reference dequantizer's
// output for the tile, `reference_rows` x k (row r compares with tile row r % reference_rows).
DequantCheck verify_dequant(std::span<const float> got, std::uint64_t rows,
                            std::span<const float> reference, std::uint64_t reference_rows,
                            std::uint32_t k);

struct GemvCheck {
  double max_error = 0;  // max of |y - y_ref| / sum_j |w_j x_j|; 1e30 where y is not finite
  bool passed = false;   // max_error <= the bound
};

// Compares `columns` x m GEMV outputs (`got`, [column][row]) with `ref`; a NaN left where the
// kernel wrote nothing fails.
GemvCheck verify_gemv(std::span<const float> got, std::uint32_t m, std::uint32_t columns,
                      const GemvReference& ref, double bound);

}  // namespace headroom::bench
