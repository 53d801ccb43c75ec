// Format table, scalar conversions and the block-loop dispatch of the reference quantizers.
#include "headroom/quant_reference.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "quant_reference_blocks.h"

namespace headroom {
namespace {

// std::bit_cast is missing from Emscripten 3.1.6's libc++; memcpy is the portable spelling.
template <typename To, typename From>
To bits_as(const From& from) {
  static_assert(sizeof(To) == sizeof(From));
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

constexpr const char* kGgmlLayout = "ggml src/ggml-common.h block structs (ggml-org/ggml)";

template <typename Block>
void quantize_blocks(void (*fn)(const float*, Block&), std::span<const float> x, std::uint32_t qk,
                     std::vector<std::uint8_t>& out) {
  const std::size_t nb = x.size() / qk;
  out.resize(nb * sizeof(Block));
  for (std::size_t i = 0; i < nb; ++i) {
    Block b{};
    fn(x.data() + i * qk, b);
    std::memcpy(out.data() + i * sizeof(Block), &b, sizeof(Block));
  }
}

template <typename Block>
void dequantize_blocks(void (*fn)(const Block&, float*), std::span<const std::uint8_t> in,
                       std::uint32_t qk, std::vector<float>& y) {
  const std::size_t nb = y.size() / qk;
  for (std::size_t i = 0; i < nb; ++i) {
    Block b;
    std::memcpy(&b, in.data() + i * sizeof(Block), sizeof(Block));
    fn(b, y.data() + i * qk);
  }
}

}  // namespace

const std::int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                      1,    13,   25,  38,  53,  69,  89,  113};
const std::int8_t kMxfp4Values[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

const std::vector<ReferenceLayout>& reference_layouts() {
  static const std::vector<ReferenceLayout> kTable = {
      {DType::f16, 1, 2, "IEEE 754 binary16"},
      {DType::bf16, 1, 2, "bfloat16: upper 16 bits of binary32"},
      {DType::fp8_e4m3, 1, 1, "OCP 8-bit floating point spec v1.0 (E4M3, per-tensor scale 1)"},
      {DType::q8_0, 32, 34, kGgmlLayout},
      {DType::q6_k, 256, 210, kGgmlLayout},
      {DType::q5_k, 256, 176, kGgmlLayout},
      {DType::q4_k, 256, 144, kGgmlLayout},
      {DType::q4_0, 32, 18, kGgmlLayout},
      {DType::q3_k, 256, 110, kGgmlLayout},
      {DType::q2_k, 256, 84, kGgmlLayout},
      {DType::int4_awq_g128, 1024, 532,
       "AWQ int4 group 128 (fp16 scale, 4-bit zero per 128) repacked row-major in 1024-weight "
       "super-blocks (Headroom)"},
      {DType::mxfp4, 32, 17, "OCP Microscaling Formats v1.0; ggml block_mxfp4"},
      {DType::iq4_xs, 256, 136, kGgmlLayout},
      {DType::iq2_xxs, 256, 66, kGgmlLayout},
  };
  return kTable;
}

Result<ReferenceLayout> reference_layout(DType dtype) {
  for (const auto& layout : reference_layouts()) {
    if (layout.dtype == dtype) return layout;
  }
  return refused(ErrorCode::unknown_name, "format",
                 std::string("the reference quantizers do not cover ") + dtype_info(dtype).id);
}

Result<DType> parse_reference_dtype(std::string_view id) {
  auto dtype = parse_dtype(id);
  if (!dtype) return dtype.error();
  auto layout = reference_layout(*dtype);
  if (!layout) return layout.error();
  return *dtype;
}

float fp16_to_fp32(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1Fu;
  std::uint32_t man = h & 0x3FFu;
  std::uint32_t bits = 0;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man != 0) {  // subnormal: normalize
    int e = -1;
    do {
      ++e;
      man <<= 1;
    } while ((man & 0x400u) == 0);
    bits = sign | (static_cast<std::uint32_t>(112 - e) << 23) | ((man & 0x3FFu) << 13);
  } else {
    bits = sign;
  }
  return bits_as<float>(bits);
}

std::uint16_t fp32_to_fp16(float value) {
  const std::uint32_t x = bits_as<std::uint32_t>(value);
  const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t abs = x & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) return static_cast<std::uint16_t>(sign | 0x7E00u);   // NaN
  if (abs >= 0x477FF000u) return static_cast<std::uint16_t>(sign | 0x7C00u);  // rounds to inf
  if (abs < 0x38800000u) {  // result is subnormal or zero: scale by 2^24 and round
    const float scaled = bits_as<float>(abs) * 16777216.0f;
    const float r = std::nearbyint(scaled);  // default rounding mode: to nearest even
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(r));
  }
  const std::uint32_t mant_odd = (abs >> 13) & 1u;
  const std::uint32_t rounded = abs + 0xFFFu + mant_odd;  // round to nearest even at bit 13
  return static_cast<std::uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
}

float bf16_to_fp32(std::uint16_t bits) {
  return bits_as<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t fp32_to_bf16(float value) {
  const std::uint32_t x = bits_as<std::uint32_t>(value);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<std::uint16_t>((x >> 16) | 0x40u);
  return static_cast<std::uint16_t>((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

float fp8_e4m3_to_fp32(std::uint8_t b) {
  const float sign = (b & 0x80u) ? -1.0f : 1.0f;
  const int exp = (b >> 3) & 0xF;
  const int man = b & 0x7;
  if (exp == 0xF && man == 0x7) return std::nanf("");
  if (exp == 0) return sign * std::ldexp(static_cast<float>(man), -9);  // subnormal: man/8 * 2^-6
  return sign * std::ldexp(static_cast<float>(8 + man), exp - 10);      // (1+man/8) * 2^(exp-7)
}

std::uint8_t fp32_to_fp8_e4m3(float value) {
  // Nearest of the 127 finite magnitudes (codes 0..0x7E ascend with their value); ties go to the
  // even code. Saturates at 448.
  const std::uint8_t sign = std::signbit(value) ? 0x80u : 0u;
  const float a = std::min(std::fabs(value), 448.0f);
  int lo = 0, hi = 0x7E;  // find the first code whose value is >= a
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (fp8_e4m3_to_fp32(static_cast<std::uint8_t>(mid)) < a)
      lo = mid + 1;
    else
      hi = mid;
  }
  int best = lo;
  if (lo > 0) {
    const float up = fp8_e4m3_to_fp32(static_cast<std::uint8_t>(lo)) - a;
    const float down = a - fp8_e4m3_to_fp32(static_cast<std::uint8_t>(lo - 1));
    if (down < up || (down == up && ((lo - 1) & 1) == 0)) best = lo - 1;
  }
  return static_cast<std::uint8_t>(sign | best);
}

float e8m0_to_fp32_half(std::uint8_t e) {
  const std::uint32_t bits = e < 2 ? (0x00200000u << e) : (static_cast<std::uint32_t>(e - 1) << 23);
  return bits_as<float>(bits);
}

std::uint8_t iq2_sign_pattern(std::uint32_t index7) {
  const std::uint32_t i = index7 & 127u;
  return static_cast<std::uint8_t>(i | ((static_cast<std::uint32_t>(std::popcount(i)) & 1u) << 7));
}

Result<std::vector<std::uint8_t>> quantize(DType format, std::span<const float> x) {
  auto layout = reference_layout(format);
  if (!layout) return layout.error();
  const ReferenceLayout& info = *layout;
  const char* id = dtype_info(format).id;
  if (x.size() % info.block_weights != 0) {
    return refused(ErrorCode::invalid_argument, "weights",
                   std::string("weights must be a multiple of ") +
                       std::to_string(info.block_weights) + " for " + id + " (got " +
                       std::to_string(x.size()) + ")");
  }
  for (float v : x) {
    if (!std::isfinite(v)) {
      return invalid("weights", "must be finite");
    }
  }
  std::vector<std::uint8_t> out;
  const std::uint32_t qk = info.block_weights;
  switch (format) {
    case DType::f16:
    case DType::bf16:
      out.resize(x.size() * 2);
      for (std::size_t i = 0; i < x.size(); ++i) {
        const std::uint16_t h = format == DType::f16 ? fp32_to_fp16(x[i]) : fp32_to_bf16(x[i]);
        std::memcpy(out.data() + 2 * i, &h, 2);
      }
      break;
    case DType::fp8_e4m3:
      out.resize(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) out[i] = fp32_to_fp8_e4m3(x[i]);
      break;
    case DType::q8_0:
      quantize_blocks(detail::quantize_q8_0, x, qk, out);
      break;
    case DType::q6_k:
      quantize_blocks(detail::quantize_q6_k, x, qk, out);
      break;
    case DType::q5_k:
      quantize_blocks(detail::quantize_q5_k, x, qk, out);
      break;
    case DType::q4_k:
      quantize_blocks(detail::quantize_q4_k, x, qk, out);
      break;
    case DType::q4_0:
      quantize_blocks(detail::quantize_q4_0, x, qk, out);
      break;
    case DType::q3_k:
      quantize_blocks(detail::quantize_q3_k, x, qk, out);
      break;
    case DType::q2_k:
      quantize_blocks(detail::quantize_q2_k, x, qk, out);
      break;
    case DType::int4_awq_g128:
      quantize_blocks(detail::quantize_int4_g128, x, qk, out);
      break;
    case DType::mxfp4:
      quantize_blocks(detail::quantize_mxfp4, x, qk, out);
      break;
    case DType::iq4_xs:
      quantize_blocks(detail::quantize_iq4_xs, x, qk, out);
      break;
    case DType::iq2_xxs:
      quantize_blocks(detail::quantize_iq2_xxs, x, qk, out);
      break;
    default:
      break;  // reference_layout() refused every other type above
  }
  return out;
}

Result<std::vector<float>> dequantize(DType format, std::span<const std::uint8_t> in,
                                      std::size_t num_weights) {
  auto layout = reference_layout(format);
  if (!layout) return layout.error();
  const ReferenceLayout& info = *layout;
  const char* id = dtype_info(format).id;
  const std::uint32_t qk = info.block_weights;
  if (num_weights % qk != 0) {
    return refused(ErrorCode::invalid_argument, "num_weights",
                   std::string("num_weights must be a multiple of ") + std::to_string(qk) +
                       " for " + id + " (got " + std::to_string(num_weights) + ")");
  }
  if (in.size() < num_weights / qk * info.block_bytes) {
    return refused(ErrorCode::invalid_argument, "blocks",
                   std::string("blocks hold fewer bytes than ") + std::to_string(num_weights) +
                       " " + id + " weights need");
  }
  std::vector<float> y(num_weights);
  switch (format) {
    case DType::f16:
    case DType::bf16:
      for (std::size_t i = 0; i < num_weights; ++i) {
        std::uint16_t h = 0;
        std::memcpy(&h, in.data() + 2 * i, 2);
        y[i] = format == DType::f16 ? fp16_to_fp32(h) : bf16_to_fp32(h);
      }
      break;
    case DType::fp8_e4m3:
      for (std::size_t i = 0; i < num_weights; ++i) y[i] = fp8_e4m3_to_fp32(in[i]);
      break;
    case DType::q8_0:
      dequantize_blocks(detail::dequantize_q8_0, in, qk, y);
      break;
    case DType::q6_k:
      dequantize_blocks(detail::dequantize_q6_k, in, qk, y);
      break;
    case DType::q5_k:
      dequantize_blocks(detail::dequantize_q5_k, in, qk, y);
      break;
    case DType::q4_k:
      dequantize_blocks(detail::dequantize_q4_k, in, qk, y);
      break;
    case DType::q4_0:
      dequantize_blocks(detail::dequantize_q4_0, in, qk, y);
      break;
    case DType::q3_k:
      dequantize_blocks(detail::dequantize_q3_k, in, qk, y);
      break;
    case DType::q2_k:
      dequantize_blocks(detail::dequantize_q2_k, in, qk, y);
      break;
    case DType::int4_awq_g128:
      dequantize_blocks(detail::dequantize_int4_g128, in, qk, y);
      break;
    case DType::mxfp4:
      dequantize_blocks(detail::dequantize_mxfp4, in, qk, y);
      break;
    case DType::iq4_xs:
      dequantize_blocks(detail::dequantize_iq4_xs, in, qk, y);
      break;
    case DType::iq2_xxs:
      dequantize_blocks(detail::dequantize_iq2_xxs, in, qk, y);
      break;
    default:
      break;  // reference_layout() refused every other type above
  }
  return y;
}

}  // namespace headroom
