// Reference quantizers and bit-exact dequantizers for the weight formats the Vulkan bench
// measures. Block layouts follow ggml's src/ggml-common.h (GGUF types) and the OCP MX v1.0 spec;
// the dequantizers repeat ggml's float operations in the same order, so a GPU kernel that does the
// same (without fused multiply-add) matches them bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "headroom/dtype.h"
#include "headroom/result.h"

namespace headroom {

// How the reference code lays out one storage type. The type itself (its id, its bits per
// weight) is the core's DType: one table for the bench, the calibration and the sizing.
struct ReferenceLayout {
  DType dtype;
  std::uint32_t block_weights;  // weights per block (1 for plain types)
  std::uint32_t block_bytes;    // bytes per block, scales included
  const char* layout_source;    // where the block layout is defined
};

// Every type the reference code (and so headroom-bench) covers, in the bench's stable order
// (f16 first: the speedup baseline).
const std::vector<ReferenceLayout>& reference_layouts();
// The layout of `dtype`; an error naming the type when the reference code does not cover it.
Result<ReferenceLayout> reference_layout(DType dtype);
// A DType id ("q4_k", "fp16", "awq_int4_g128") that the reference code covers.
Result<DType> parse_reference_dtype(std::string_view id);

// Scalar conversions (round to nearest even where narrowing).
float fp16_to_fp32(std::uint16_t bits);
std::uint16_t fp32_to_fp16(float value);
float bf16_to_fp32(std::uint16_t bits);
std::uint16_t fp32_to_bf16(float value);
float fp8_e4m3_to_fp32(std::uint8_t bits);   // OCP E4M3: bias 7, 0x7F/0xFF are NaN, max 448
std::uint8_t fp32_to_fp8_e4m3(float value);  // saturates to +-448
float e8m0_to_fp32_half(std::uint8_t e);     // 2^(e-128): ggml's GGML_E8M0_TO_FP32_HALF

// The 16 values of the IQ4_NL/IQ4_XS codebook and the doubled MXFP4 (e2m1) values.
extern const std::int8_t kIq4nlValues[16];
extern const std::int8_t kMxfp4Values[16];
// IQ2_XXS: 256 grid points of 8 magnitudes each (bytes 0x08, 0x19, 0x2b), and sign patterns.
extern const std::uint64_t kIq2xxsGrid[256];
std::uint8_t iq2_sign_pattern(std::uint32_t index7);  // 7 bits + parity bit (ggml ksigns_iq2xs)

// Quantizes `weights` (a multiple of block_weights) into consecutive blocks. The quantizers are
// simple round-to-nearest schemes producing valid, realistic blocks, not ggml's error-minimizing
// searches. Fails on a size that is not a whole number of blocks or on non-finite input.
Result<std::vector<std::uint8_t>> quantize(DType dtype, std::span<const float> weights);

// Dequantizes `num_weights` weights from `blocks` into fp32, bit-exactly as ggml does.
Result<std::vector<float>> dequantize(DType dtype, std::span<const std::uint8_t> blocks,
                                      std::size_t num_weights);

}  // namespace headroom
