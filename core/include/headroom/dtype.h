// Storage types of weights and KV cache: how many bits a block of elements takes.
// GGML types keep their GGUF type ids so the GGUF reader maps them directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/result.h"

namespace headroom {

enum class DType {
  // GGML / GGUF types (value = ggml_type id in ggml.h).
  f32 = 0,
  f16 = 1,
  q4_0 = 2,
  q4_1 = 3,
  q5_0 = 6,
  q5_1 = 7,
  q8_0 = 8,
  q8_1 = 9,
  q2_k = 10,
  q3_k = 11,
  q4_k = 12,
  q5_k = 13,
  q6_k = 14,
  q8_k = 15,
  iq2_xxs = 16,
  iq2_xs = 17,
  iq3_xxs = 18,
  iq1_s = 19,
  iq4_nl = 20,
  iq3_s = 21,
  iq2_s = 22,
  iq4_xs = 23,
  i8 = 24,
  i16 = 25,
  i32 = 26,
  i64 = 27,
  f64 = 28,
  iq1_m = 29,
  bf16 = 30,
  tq1_0 = 34,
  tq2_0 = 35,
  mxfp4 = 39,
  // Types outside GGUF (ids above 1000 so they never collide with ggml's).
  fp8_e4m3 = 1001,  // one byte per weight; scales counted by the format (per tensor / row)
  fp8_e5m2 = 1002,
  int8_rowwise = 1003,    // W8A8 / bitsandbytes LLM.int8: int8 + one fp32 scale per output row
  int4_awq_g128 = 1004,   // AWQ: int4 + fp16 scale + int4 zero per 128 inputs
  int4_gptq_g128 = 1005,  // GPTQ: int4 + fp16 scale + int4 zero per 128 inputs (+ g_idx per input)
  nf4 = 1006,             // bitsandbytes NF4, blocks of 64, fp32 absmax
  nf4_dq = 1007,          // NF4 with double quantization: 8-bit absmax, fp32 per 256 absmax
  int4_awq_g64 = 1008,
  int4_gptq_g32 = 1009,
  fp8_e4m3_rowwise = 1010,   // fp8 + one fp32 scale per output row (compressed-tensors channel)
  fp8_e4m3_block128 = 1011,  // fp8 + one fp32 scale per 128x128 block (DeepSeek weight_scale_inv)
  nvfp4 = 1012,              // fp4 e2m1 + one fp8 e4m3 scale per 16 inputs (ModelOpt NVFP4)
};

struct DTypeInfo {
  DType type;
  const char* id;              // lower-case id used on the CLI and in JSON ("q4_k", "bf16")
  std::uint32_t block_elems;   // elements per block (1 for plain types)
  std::uint32_t block_bits;    // bits per block, scales and zero points included
  std::uint32_t row_bits;      // extra bits per output row (per-row scales), 0 if none
  bool is_ggml;                // a GGUF tensor type
  const char* source;          // where the layout is defined
  bool flat_blocks = false;    // blocks run over the flattened tensor, not per row (bitsandbytes)
  std::uint32_t col_bits = 0;  // extra bits per input column of the tensor (GPTQ g_idx)
};

// Every known type, in a stable order.
const std::vector<DTypeInfo>& dtype_table();
const DTypeInfo& dtype_info(DType type);
double bits_per_element(DType type);
bool is_fp8(DType type);                         // any fp8 storage, whatever its scales
Result<DType> parse_dtype(std::string_view id);  // case-insensitive id
std::optional<DType> dtype_from_ggml_id(std::uint32_t ggml_id);

// Exact bytes of a weight tensor of `rows` x `cols` elements stored as `type`, blocks running
// along `cols` (GGUF's ne0). Rounds the last partial block up, as storage does.
std::uint64_t tensor_bytes(DType type, std::uint64_t rows, std::uint64_t cols);

}  // namespace headroom
