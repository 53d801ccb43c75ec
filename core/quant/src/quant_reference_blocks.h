// Block structs of the reference formats (private to the core). Field order and sizes follow
// ggml src/ggml-common.h; each size is checked here and again in tests/quant_reference_test.cpp.
#pragma once

#include <bit>
#include <cstdint>

namespace headroom::detail {

static_assert(std::endian::native == std::endian::little, "blocks are stored little-endian");

inline constexpr int kQkK = 256;  // ggml QK_K: weights per super-block

struct BlockQ4_0 {
  std::uint16_t d;
  std::uint8_t qs[16];
};
struct BlockQ8_0 {
  std::uint16_t d;
  std::int8_t qs[32];
};
struct BlockQ2K {
  std::uint8_t scales[16];
  std::uint8_t qs[64];
  std::uint16_t d;
  std::uint16_t dmin;
};
struct BlockQ3K {
  std::uint8_t hmask[32];
  std::uint8_t qs[64];
  std::uint8_t scales[12];
  std::uint16_t d;
};
struct BlockQ4K {
  std::uint16_t d;
  std::uint16_t dmin;
  std::uint8_t scales[12];
  std::uint8_t qs[128];
};
struct BlockQ5K {
  std::uint16_t d;
  std::uint16_t dmin;
  std::uint8_t scales[12];
  std::uint8_t qh[32];
  std::uint8_t qs[128];
};
struct BlockQ6K {
  std::uint8_t ql[128];
  std::uint8_t qh[64];
  std::int8_t scales[16];
  std::uint16_t d;
};
struct BlockIq4Xs {
  std::uint16_t d;
  std::uint16_t scales_h;
  std::uint8_t scales_l[4];
  std::uint8_t qs[128];
};
struct BlockIq2Xxs {
  std::uint16_t d;
  std::uint16_t qs[32];
};
struct BlockMxfp4 {
  std::uint8_t e;
  std::uint8_t qs[16];
};
// AWQ-style int4, group 128, repacked row-major [out][in] into super-blocks of 8 groups (1024
// weights) so the 4-bit zero points pack into whole bytes: 512 bytes of nibbles (weight i at bits
// 4*(i%2) of byte i/2, GPTQ's along-K order), 8 fp16 scales, 8 zero nibbles (group j at bits
// 4*(j%2) of byte j/2). 532 bytes per 1024 weights = 532 bits per 128, as AWQ/GPTQ store it.
struct BlockInt4G128 {
  std::uint8_t qs[512];
  std::uint16_t scales[8];
  std::uint8_t zeros[4];
};

static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ2K) == 84);
static_assert(sizeof(BlockQ3K) == 110);
static_assert(sizeof(BlockQ4K) == 144);
static_assert(sizeof(BlockQ5K) == 176);
static_assert(sizeof(BlockQ6K) == 210);
static_assert(sizeof(BlockIq4Xs) == 136);
static_assert(sizeof(BlockIq2Xxs) == 66);
static_assert(sizeof(BlockMxfp4) == 17);
static_assert(sizeof(BlockInt4G128) == 532);

// One block in, one block out; `x`/`y` hold block_weights floats.
void quantize_q4_0(const float* x, BlockQ4_0& b);
void dequantize_q4_0(const BlockQ4_0& b, float* y);
void quantize_q8_0(const float* x, BlockQ8_0& b);
void dequantize_q8_0(const BlockQ8_0& b, float* y);
void quantize_mxfp4(const float* x, BlockMxfp4& b);
void dequantize_mxfp4(const BlockMxfp4& b, float* y);
void quantize_int4_g128(const float* x, BlockInt4G128& b);
void dequantize_int4_g128(const BlockInt4G128& b, float* y);
void quantize_q2_k(const float* x, BlockQ2K& b);
void dequantize_q2_k(const BlockQ2K& b, float* y);
void quantize_q3_k(const float* x, BlockQ3K& b);
void dequantize_q3_k(const BlockQ3K& b, float* y);
void quantize_q4_k(const float* x, BlockQ4K& b);
void dequantize_q4_k(const BlockQ4K& b, float* y);
void quantize_q5_k(const float* x, BlockQ5K& b);
void dequantize_q5_k(const BlockQ5K& b, float* y);
void quantize_q6_k(const float* x, BlockQ6K& b);
void dequantize_q6_k(const BlockQ6K& b, float* y);
void quantize_iq4_xs(const float* x, BlockIq4Xs& b);
void dequantize_iq4_xs(const BlockIq4Xs& b, float* y);
void quantize_iq2_xxs(const float* x, BlockIq2Xxs& b);
void dequantize_iq2_xxs(const BlockIq2Xxs& b, float* y);

// Nearest integer, halves away from zero (C's roundf), as an int.
inline int round_to_int(float v) { return static_cast<int>(v < 0 ? v - 0.5f : v + 0.5f); }

}  // namespace headroom::detail
