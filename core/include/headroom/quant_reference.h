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

enum class QuantFormat {
  f16, bf16, fp8_e4m3, q8_0, q6_k, q5_k, q4_k, q4_0, q3_k, q2_k, int4_g128, mxfp4, iq4_xs, iq2_xxs,
};

struct QuantFormatInfo {
  QuantFormat format;
  const char* id;               // "q4_k"; the DType id where one exists
  DType dtype;                  // the sizing type with the same storage
  std::uint32_t block_weights;  // weights per block (1 for plain types)
  std::uint32_t block_bytes;    // bytes per block, scales included
  const char* layout_source;    // where the block layout is defined
  double bits_per_weight() const { return 8.0 * block_bytes / block_weights; }
};

// Every format, in the bench's stable order (fp16 first: the speedup baseline).
const std::vector<QuantFormatInfo>& quant_formats();
const QuantFormatInfo& quant_format_info(QuantFormat format);
Result<QuantFormat> parse_quant_format(std::string_view id);

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
Result<std::vector<std::uint8_t>> quantize(QuantFormat format, std::span<const float> weights);

// Dequantizes `num_weights` weights from `blocks` into fp32, bit-exactly as ggml does.
Result<std::vector<float>> dequantize(QuantFormat format, std::span<const std::uint8_t> blocks,
                                      std::size_t num_weights);

}  // namespace headroom
