// Exact storage bytes of one 4096 x 4096 weight matrix in each layout, computed by hand from
// the block structs and tensor lists each format's source defines.
#include <catch2/catch.hpp>

#include "headroom/dtype.h"

using namespace headroom;

TEST_CASE("tensor bytes per layout, hand-computed", "[dtype]") {
  const std::uint64_t n = 4096;
  CHECK(tensor_bytes(DType::bf16, n, n) == n * n * 2);
  CHECK(tensor_bytes(DType::q4_0, n, n) == n * n / 32 * 18);    // block_q4_0: fp16 d + 16 B
  CHECK(tensor_bytes(DType::q4_k, n, n) == n * n / 256 * 144);  // block_q4_K
  CHECK(tensor_bytes(DType::q6_k, n, n) == n * n / 256 * 210);  // block_q6_K
  CHECK(tensor_bytes(DType::mxfp4, n, n) == n * n / 32 * 17);   // 16 B of e2m1 + e8m0 scale
  // AWQ g128: int4 weights + 4-bit zero + fp16 scale per 128 inputs of each output.
  CHECK(tensor_bytes(DType::int4_awq_g128, n, n) == n * n / 128 * (128 * 4 + 4 + 16) / 8);
  // GPTQ g128: the same plus g_idx, one int32 per input column.
  CHECK(tensor_bytes(DType::int4_gptq_g128, n, n) == n * n / 128 * (128 * 4 + 4 + 16) / 8 + n * 4);
  // fp8 with a per-output-row fp32 scale; with a 128 x 128 block fp32 scale.
  CHECK(tensor_bytes(DType::fp8_e4m3_rowwise, n, n) == n * n + n * 4);
  CHECK(tensor_bytes(DType::fp8_e4m3_block128, n, n) == n * n + (n / 128) * (n / 128) * 4);
  // bitsandbytes NF4 with double quantization: 4 bits per weight, an 8-bit absmax per 64,
  // and an fp32 per 256 absmax values, over the flattened tensor.
  CHECK(tensor_bytes(DType::nf4_dq, n, n) == n * n / 2 + n * n / 64 + n * n / 64 / 256 * 4);
  // A partial last block is stored whole.
  CHECK(tensor_bytes(DType::q8_0, 1, 33) == 2 * 34);
  CHECK(bits_per_element(DType::q4_k) == Approx(4.5));
  CHECK(is_fp8(DType::fp8_e4m3_block128));
  CHECK_FALSE(is_fp8(DType::int8_rowwise));
  auto unknown = parse_dtype("q9_9");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("q9_9") != std::string::npos);
}
