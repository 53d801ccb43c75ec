// Quant inputs: weights quantized once per format and repeated down the matrix, x uploaded once
// per shape in three encodings (fp32, fp16, int8 with scales).
#include "kernels/quant_inputs.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <stdexcept>

#include "headroom/quant_reference.h"

namespace headroom::bench {
namespace {

constexpr std::uint64_t kUniqueWeights = 1ull << 22;  // quantized once, then rows repeat
constexpr std::uint64_t kPadBytes = 16;               // tail padding for unaligned word reads

// Weights may take a quarter of what the device offers.
std::uint64_t memory_limit(const Context& ctx) { return ctx.device().usable_bytes() / 4; }

std::uint64_t binding_limit(const Context& ctx) {
  return ctx.device().props.limits.maxStorageBufferRange;
}

}  // namespace

std::vector<Shape> quant_shapes(bool quick) {
  if (quick) return {{1024, 4096}};
  return {{4096, 4096}, {4096, 14336}, {14336, 4096}, {8192, 28672}};
}

const Buffer& ShapeInputs::x_for(Variant variant) const {
  return variant == Variant::fp16 ? x_f16 : variant == Variant::int8dot ? x_int8 : x_f32;
}

Buffer device_copy(Context& ctx, const void* data, std::uint64_t size_bytes) {
  Buffer b = ctx.create_buffer(size_bytes, false);
  ctx.upload(b, data, size_bytes);
  return b;
}

ShapeInputs prepare_inputs(Context& ctx, Shape shape) {
  ShapeInputs in;
  in.shape = shape;
  in.text = std::to_string(shape.m) + "x" + std::to_string(shape.k);
  std::mt19937 rng(42 + shape.m + shape.k);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  const std::uint64_t tile_rows =
      std::min<std::uint64_t>(shape.m, std::max<std::uint64_t>(1, kUniqueWeights / shape.k));
  in.weights.resize(tile_rows * shape.k);
  for (auto& v : in.weights) v = dist(rng);
  in.x.resize(std::uint64_t{kReferenceColumns} * shape.k);
  std::uniform_real_distribution<float> ux(-1.0f, 1.0f);
  for (auto& v : in.x) v = ux(rng);
  in.x_f32 = device_copy(ctx, in.x.data(), in.x.size() * 4);
  std::vector<std::uint16_t> x16(in.x.size());
  for (std::size_t i = 0; i < in.x.size(); ++i) x16[i] = fp32_to_fp16(in.x[i]);
  in.x_f16 = device_copy(ctx, x16.data(), x16.size() * 2);
  Int8X xq = quantize_x_int8(in.x, shape.k);
  in.x_int8 = device_copy(ctx, xq.words.data(), xq.words.size() * 4);
  in.x_int8_values = std::move(xq.values);
  return in;
}

std::uint64_t row_bytes(DType dtype, std::uint32_t k) {
  const auto layout = reference_layout(dtype);
  if (!layout) throw std::runtime_error(layout.error().message);
  return std::uint64_t{k} / layout->block_weights * layout->block_bytes;
}

std::string weights_skip_reason(const Context& ctx, std::uint64_t weight_bytes) {
  if (weight_bytes + kPadBytes > binding_limit(ctx)) {
    return "skipped: weights (" + std::to_string(weight_bytes) +
           " bytes) exceed maxStorageBufferRange";
  }
  if (weight_bytes > memory_limit(ctx)) {
    return "skipped: weights exceed a quarter of device-local memory";
  }
  return "";
}

FormatInputs prepare_format(Context& ctx, const Plan& plan, const ShapeInputs& in, DType dtype) {
  const Shape shape = in.shape;
  FormatInputs f;
  f.dtype = dtype;
  f.id = dtype_info(dtype).id;
  f.row_bytes = row_bytes(dtype, shape.k);
  f.weight_bytes = f.row_bytes * shape.m;
  f.tile_rows = static_cast<std::uint32_t>(in.weights.size() / shape.k);
  const auto blocks = quantize(dtype, in.weights);
  if (!blocks) throw std::runtime_error(blocks.error().message);
  auto dequantized = dequantize(dtype, *blocks, in.weights.size());
  if (!dequantized) throw std::runtime_error(dequantized.error().message);
  f.dequantized = std::move(*dequantized);
  f.reference = gemv_reference(f.dequantized, f.tile_rows, shape.k, in.x);

  // --verify-only checks correctness, which needs one copy.
  f.rotation =
      plan.verify_only ? 1 : rotation_for(plan, f.weight_bytes, memory_limit(ctx) / f.weight_bytes);
  {
    // The tile repeated down the matrix, freed before y is allocated.
    std::vector<std::uint8_t> full(f.weight_bytes + kPadBytes, 0);
    const std::uint64_t tile_bytes = blocks->size();
    for (std::uint64_t off = 0; off < f.weight_bytes; off += tile_bytes) {
      std::memcpy(full.data() + off, blocks->data(), std::min(tile_bytes, f.weight_bytes - off));
    }
    for (std::uint32_t i = 0; i < f.rotation; ++i) {
      f.weights.push_back(device_copy(ctx, full.data(), full.size()));
    }
  }

  // Dequant output limited to what one binding can hold; the GEMV writes y for 8 columns.
  const std::uint64_t output_limit = std::min(binding_limit(ctx), memory_limit(ctx) / 2);
  f.dequant_rows = std::min<std::uint64_t>(shape.m, output_limit / (std::uint64_t{shape.k} * 4));
  const std::uint64_t y_bytes = std::max<std::uint64_t>(
      f.dequant_rows * shape.k * 4, std::uint64_t{kReferenceColumns} * shape.m * 4);
  f.y = ctx.create_buffer(y_bytes, false);
  return f;
}

}  // namespace headroom::bench
