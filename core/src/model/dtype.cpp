#include "headroom/dtype.h"

#include "base/text_match.h"

#include <algorithm>
#include <cctype>

namespace headroom {
namespace {

constexpr const char* kGgmlSource =
    "ggml/src/ggml-common.h block structs and ggml.c type_traits (ggml-org/ggml)";

}  // namespace

const std::vector<DTypeInfo>& dtype_table() {
  // Bits per block: ggml's sizeof(block_x) * 8 (block_q4_0 = fp16 d + 16 bytes of nibbles = 18 B).
  static const std::vector<DTypeInfo> kTable = {
      {DType::f32, "f32", 1, 32, 0, true, kGgmlSource},
      {DType::f16, "f16", 1, 16, 0, true, kGgmlSource},
      {DType::bf16, "bf16", 1, 16, 0, true, kGgmlSource},
      {DType::f64, "f64", 1, 64, 0, true, kGgmlSource},
      {DType::i8, "i8", 1, 8, 0, true, kGgmlSource},
      {DType::i16, "i16", 1, 16, 0, true, kGgmlSource},
      {DType::i32, "i32", 1, 32, 0, true, kGgmlSource},
      {DType::i64, "i64", 1, 64, 0, true, kGgmlSource},
      {DType::q4_0, "q4_0", 32, 18 * 8, 0, true, kGgmlSource},
      {DType::q4_1, "q4_1", 32, 20 * 8, 0, true, kGgmlSource},
      {DType::q5_0, "q5_0", 32, 22 * 8, 0, true, kGgmlSource},
      {DType::q5_1, "q5_1", 32, 24 * 8, 0, true, kGgmlSource},
      {DType::q8_0, "q8_0", 32, 34 * 8, 0, true, kGgmlSource},
      {DType::q8_1, "q8_1", 32, 36 * 8, 0, true, kGgmlSource},
      {DType::q2_k, "q2_k", 256, 84 * 8, 0, true, kGgmlSource},
      {DType::q3_k, "q3_k", 256, 110 * 8, 0, true, kGgmlSource},
      {DType::q4_k, "q4_k", 256, 144 * 8, 0, true, kGgmlSource},
      {DType::q5_k, "q5_k", 256, 176 * 8, 0, true, kGgmlSource},
      {DType::q6_k, "q6_k", 256, 210 * 8, 0, true, kGgmlSource},
      {DType::q8_k, "q8_k", 256, 292 * 8, 0, true, kGgmlSource},
      {DType::iq2_xxs, "iq2_xxs", 256, 66 * 8, 0, true, kGgmlSource},
      {DType::iq2_xs, "iq2_xs", 256, 74 * 8, 0, true, kGgmlSource},
      {DType::iq2_s, "iq2_s", 256, 82 * 8, 0, true, kGgmlSource},
      {DType::iq3_xxs, "iq3_xxs", 256, 98 * 8, 0, true, kGgmlSource},
      {DType::iq3_s, "iq3_s", 256, 110 * 8, 0, true, kGgmlSource},
      {DType::iq1_s, "iq1_s", 256, 50 * 8, 0, true, kGgmlSource},
      {DType::iq1_m, "iq1_m", 256, 56 * 8, 0, true, kGgmlSource},
      {DType::iq4_nl, "iq4_nl", 32, 18 * 8, 0, true, kGgmlSource},
      {DType::iq4_xs, "iq4_xs", 256, 136 * 8, 0, true, kGgmlSource},
      {DType::tq1_0, "tq1_0", 256, 54 * 8, 0, true, kGgmlSource},
      {DType::tq2_0, "tq2_0", 256, 66 * 8, 0, true, kGgmlSource},
      // MXFP4 (OCP Microscaling v1.0): 32 fp4 e2m1 values + one e8m0 scale byte = 17 B.
      {DType::mxfp4, "mxfp4", 32, 17 * 8, 0, true,
       "OCP Microscaling Formats (MX) v1.0 spec; ggml block_mxfp4 (17 B per 32)"},
      {DType::fp8_e4m3, "fp8_e4m3", 1, 8, 0, false,
       "OCP 8-bit floating point spec (E4M3); scales counted per format"},
      {DType::fp8_e4m3_rowwise, "fp8_e4m3_rowwise", 1, 8, 32, false,
       "compressed-tensors FP8_DYNAMIC: weight_scale fp32 [out, 1] per output row"},
      // One fp32 per 128x128 block, counted over the flattened tensor (16384 values per scale).
      {DType::fp8_e4m3_block128, "fp8_e4m3_block128", 16384, 16384 * 8 + 32, 0, false,
       "DeepSeek-V3 quantization_config weight_block_size [128, 128], weight_scale_inv fp32", true},
      // NVFP4: 16 fp4 e2m1 values + one fp8 e4m3 scale along the input dim = 72 bits (4.5 bpw);
      // the two fp32 per-tensor scales (weight_scale_2, input_scale), 8 bytes a tensor, left out.
      {DType::nvfp4, "nvfp4", 16, 16 * 4 + 8, 0, false,
       "NVIDIA blog 'Introducing NVFP4' (E2M1 + E4M3 scale per 16 + FP32 per tensor); vLLM "
       "ModelOptNvFp4LinearMethod weight uint8 [out, in/2], weight_scale fp8 [out, in/16]"},
      {DType::fp8_e5m2, "fp8_e5m2", 1, 8, 0, false, "OCP 8-bit floating point spec (E5M2)"},
      // LLM.int8 / W8A8: int8 weights plus one fp32 scale per output row (bitsandbytes SCB).
      {DType::int8_rowwise, "int8", 1, 8, 32, false,
       "bitsandbytes Int8Params (CB int8 + SCB fp32 per row); vLLM W8A8 per-channel scales"},
      // AWQ: qweight int32 [in, out/8], qzeros int32 [in/g, out/8], scales fp16 [in/g, out]:
      // per group of 128 inputs of one output: 128*4 + 4 (zero) + 16 (scale) = 532 bits.
      {DType::int4_awq_g128, "awq_int4_g128", 128, 128 * 4 + 4 + 16, 0, false,
       "AutoAWQ WQLinear_GEMM tensors qweight/qzeros/scales (casper-hansen/AutoAWQ)"},
      {DType::int4_awq_g64, "awq_int4_g64", 64, 64 * 4 + 4 + 16, 0, false,
       "AutoAWQ WQLinear_GEMM tensors qweight/qzeros/scales (casper-hansen/AutoAWQ)"},
      // GPTQ: qweight int32 [in/8, out], qzeros int32 [in/g, out/8], scales fp16 [in/g, out];
      // g_idx int32 [in]: 32 bits per input column of the tensor (col_bits), about 0.008 bits
      // per weight at 4096 rows.
      {DType::int4_gptq_g128, "gptq_int4_g128", 128, 128 * 4 + 4 + 16, 0, false,
       "AutoGPTQ QuantLinear tensors qweight/qzeros/scales/g_idx (AutoGPTQ/AutoGPTQ)", false, 32},
      {DType::int4_gptq_g32, "gptq_int4_g32", 32, 32 * 4 + 4 + 16, 0, false,
       "AutoGPTQ QuantLinear tensors qweight/qzeros/scales/g_idx (AutoGPTQ/AutoGPTQ)", false, 32},
      // NF4: 64 values * 4 bits + fp32 absmax = 288 bits; double quantization stores the absmax
      // as 8 bits plus one fp32 (scale) per 256 absmax values: 256 + 8 + 32/256 bits, which we
      // round up per 256-block group: 256 blocks * (256 + 8) + 32 = 67616 bits per 16384 values.
      {DType::nf4, "nf4", 64, 64 * 4 + 32, 0, false,
       "bitsandbytes functional.quantize_4bit (blocksize 64, fp32 absmax)", true},
      {DType::nf4_dq, "nf4_dq", 16384, 256 * (256 + 8) + 32, 0, false,
       "bitsandbytes quantize_4bit compress_statistics=True (absmax 8-bit, blocksize 256)", true},
  };
  return kTable;
}

const DTypeInfo& dtype_info(DType type) {
  const auto& table = dtype_table();
  for (const auto& info : table) {
    if (info.type == type) return info;
  }
  return table.front();  // unreachable for valid enum values
}

double bits_per_element(DType type) {
  const auto& info = dtype_info(type);
  return static_cast<double>(info.block_bits) / static_cast<double>(info.block_elems);
}

bool is_fp8(DType type) {
  return type == DType::fp8_e4m3 || type == DType::fp8_e5m2 || type == DType::fp8_e4m3_rowwise ||
         type == DType::fp8_e4m3_block128;
}

Result<DType> parse_dtype(std::string_view id) {
  const std::string lower = to_lower(id);
  for (const auto& info : dtype_table()) {
    if (lower == info.id) return info.type;
  }
  if (lower == "fp16" || lower == "float16" || lower == "half") return DType::f16;
  if (lower == "bfloat16") return DType::bf16;
  if (lower == "fp32" || lower == "float32" || lower == "float") return DType::f32;
  if (lower == "fp8" || lower == "float8_e4m3fn" || lower == "fp8_e4m3fn" || lower == "e4m3") {
    return DType::fp8_e4m3;
  }
  if (lower == "int4_g128") return DType::int4_awq_g128;  // headroom-bench's id before 0.2
  return refused(ErrorCode::unknown_name, "dtype", "unknown data type '" + std::string(id) + "'");
}

std::optional<DType> dtype_from_ggml_id(std::uint32_t ggml_id) {
  for (const auto& info : dtype_table()) {
    if (info.is_ggml && static_cast<std::uint32_t>(info.type) == ggml_id) return info.type;
  }
  return std::nullopt;
}

std::uint64_t tensor_bytes(DType type, std::uint64_t rows, std::uint64_t cols) {
  const auto& info = dtype_info(type);
  const std::uint64_t column_bits = cols * info.col_bits;
  if (info.flat_blocks) {
    const std::uint64_t blocks = (rows * cols + info.block_elems - 1) / info.block_elems;
    return (blocks * info.block_bits + rows * info.row_bits + column_bits + 7) / 8;
  }
  const std::uint64_t blocks_per_row = (cols + info.block_elems - 1) / info.block_elems;
  // Bits can exceed 2^64 only for absurd shapes, which callers reject before this point.
  const std::uint64_t bits =
      rows * (blocks_per_row * info.block_bits + info.row_bits) + column_bits;
  return (bits + 7) / 8;
}

}  // namespace headroom
