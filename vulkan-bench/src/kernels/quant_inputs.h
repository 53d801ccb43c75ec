// The inputs of the quant kernels: model-shaped matrices of real blocks from the core's reference
// quantizers, x in each encoding a variant reads, and the CPU references, on host and device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_plan.h"
#include "headroom/dtype.h"
#include "kernels/kernel_ids.h"
#include "kernels/quant_verify.h"
#include "vk/vk_context.h"

namespace headroom::bench {

struct Shape {
  std::uint32_t m, k;
};

// The matrices the quant kernels run on (--quick: one small one).
std::vector<Shape> quant_shapes(bool quick);

// One shape's inputs: the unique weights (a tile of rows the matrix repeats) and x, on the host,
// and x on the device in each encoding a variant reads.
struct ShapeInputs {
  Shape shape{};
  std::string text;                  // "1024x4096"
  std::vector<float> weights;        // tile rows x k
  std::vector<float> x;              // kReferenceColumns x k
  std::vector<float> x_int8_values;  // x as the int8dot kernel sees it
  Buffer x_f32, x_f16, x_int8;

  const Buffer& x_for(Variant variant) const;
};

// Random weights and x, the same on every run for a shape.
ShapeInputs prepare_inputs(Context& ctx, Shape shape);

// Bytes of one matrix row in `dtype`. Throws when the reference code lacks the type.
std::uint64_t row_bytes(DType dtype, std::uint32_t k);
// Why a matrix of `weight_bytes` cannot run on this device ("skipped: ..."), or empty.
std::string weights_skip_reason(const Context& ctx, std::uint64_t weight_bytes);

// One format on one shape: its blocks on the device (one copy of the matrix per rotation
// buffer), the output buffer, and the CPU references for the tile.
struct FormatInputs {
  DType dtype{};
  std::string id;
  std::uint64_t row_bytes = 0, weight_bytes = 0;
  std::uint64_t dequant_rows = 0;  // rows from the top that one output binding can hold
  std::uint32_t rotation = 1;
  std::uint32_t tile_rows = 0;
  std::vector<float> dequantized;  // the reference dequantizer's output, tile rows x k
  GemvReference reference;         // fp64 products with x
  std::vector<Buffer> weights;
  Buffer y;
};

// Quantizes the shape's weights to `dtype`, computes the references and uploads the matrix.
// Throws on a quantizer error or a failed allocation.
FormatInputs prepare_format(Context& ctx, const Plan& plan, const ShapeInputs& in, DType dtype);

// A device-local buffer holding a copy of `size_bytes` at `data`.
Buffer device_copy(Context& ctx, const void* data, std::uint64_t size_bytes);

}  // namespace headroom::bench
