// Quantized formats: a dequant-only kernel and a fused GEMV (n = 1, 2, 4, 8) per format and
// variant on model-shaped matrices filled with real blocks from the core's reference quantizers.
// Every kernel is checked before it is timed: dequant bit-exactly against the reference
// dequantizer, GEMV against an fp64 CPU product; a kernel that fails is reported unverified and
// untimed.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "bench_plan.h"
#include "headroom/quant_reference.h"
#include "timing.h"

namespace headroom::bench {
namespace {

constexpr std::uint32_t kGemvWorkgroup = 64;  // the dequant kernel's default label only
constexpr std::uint32_t kColumns[] = {1, 2, 4, 8};
constexpr std::uint32_t kMaxRowsTimesCols = 16;  // register budget of one GEMV invocation

struct GemvConfig { std::uint32_t workgroup, rows; };

// The n = 1 sweep; the best configuration then serves n = 2, 4, 8 (rows capped so rows x n fits).
std::vector<GemvConfig> gemv_sweep(bool quick) {
  if (quick) return {{32, 4}};  // lavapipe compiles each pipeline for ~0.3 s: keep --quick short
  std::vector<GemvConfig> out;
  for (std::uint32_t wg : {32u, 64u, 128u, 256u}) {
    for (std::uint32_t rows : {1u, 2u, 4u, 8u}) out.push_back({wg, rows});
  }
  return out;
}

// Bytes of one x column as the variant reads it.
std::uint64_t x_column_bytes(const std::string& variant, std::uint64_t k) {
  if (variant == "fp16") return 2 * k;
  if (variant == "int8dot") return k + k / 32 * 4;
  return 4 * k;
}
constexpr std::uint64_t kUniqueWeights = 1ull << 22;  // quantized once, then rows repeat
constexpr std::uint64_t kPadBytes = 16;               // tail padding for unaligned word reads

struct Shape { std::uint32_t m, k; };

// Weights of one format on one shape, plus the CPU references.
struct Prepared {
  std::uint32_t tile_rows = 0;              // unique rows; row r holds row r % tile_rows
  std::uint64_t row_bytes = 0;
  std::vector<std::uint8_t> blocks;         // tile_rows rows
  std::vector<float> dequantized;           // reference dequantizer output, tile_rows x k
  std::vector<double> y_ref, y_abs;         // [c][row] for 8 columns over tile rows
};

BenchResult base_row(const char* kernel, const std::string& format, const std::string& variant,
                     std::uint64_t m, std::uint64_t k, std::uint64_t n) {
  BenchResult r;
  r.kernel = kernel;
  r.format = format;
  r.variant = variant;
  r.m = m;
  r.k = k;
  r.n = n;
  r.workgroup_size = kGemvWorkgroup;
  if (std::string(kernel) == "gemv") r.rows_per_workgroup = 1;
  return r;
}

void finish_row(BenchResult& r, const Timed& t) {
  r.samples_seconds = t.per_dispatch_seconds;
  const Stats s = stats_of(t.per_dispatch_seconds);
  r.median_seconds = s.median_seconds;
  r.best_seconds = s.best_seconds;
  r.spread = s.spread;
  r.gb_per_s = s.median_seconds > 0 ? static_cast<double>(r.bytes_moved) / s.median_seconds / 1e9 : 0;
}

bool has_dequant(const std::string& variant) { return variant == "portable" || variant == "fast"; }

// Records a variant that did not run: its dequant row (if it has one) and every GEMV column.
void push_skipped(std::vector<BenchResult>& out, const std::string& format, const std::string& variant,
                  std::uint64_t dequant_rows, std::uint64_t m, std::uint64_t k, const std::string& why) {
  if (has_dequant(variant)) {
    BenchResult r = base_row("dequant", format, variant, dequant_rows, k, 0);
    r.skipped = why;
    out.push_back(r);
  }
  for (std::uint32_t n : kColumns) {
    BenchResult g = base_row("gemv", format, variant, m, k, n);
    g.skipped = why;
    out.push_back(g);
  }
}

// fp64 products of `rows` x k weights with 8 x columns, [c][row]; sums of |w x| into `abs_out`.
std::vector<double> products(const std::vector<float>& w, std::uint32_t rows, std::uint32_t k,
                             const std::vector<float>& x, std::vector<double>* abs_out) {
  std::vector<double> y(8ull * rows, 0.0);
  if (abs_out != nullptr) abs_out->assign(8ull * rows, 0.0);
  for (std::uint32_t r = 0; r < rows; ++r) {
    const float* wr = w.data() + std::uint64_t{r} * k;
    for (std::uint32_t c = 0; c < 8; ++c) {
      const float* xc = x.data() + std::uint64_t{c} * k;
      double sum = 0, abs = 0;
      for (std::uint32_t j = 0; j < k; ++j) {
        const double prod = static_cast<double>(wr[j]) * xc[j];
        sum += prod;
        abs += std::fabs(prod);
      }
      y[std::uint64_t{c} * rows + r] = sum;
      if (abs_out != nullptr) (*abs_out)[std::uint64_t{c} * rows + r] = abs;
    }
  }
  return y;
}

// x quantized per 32 values to int8 with an fp32 scale (amax / 127), as the int8dot kernel reads
// it: [8][k/4] packed words, then [8][k/32] scales. `values` receives the dequantized x.
std::vector<std::uint32_t> quantize_x_int8(const std::vector<float>& x, std::uint32_t k,
                                           std::vector<float>& values) {
  std::vector<std::uint32_t> words(8ull * k / 4 + 8ull * k / 32, 0);
  values.assign(x.size(), 0.0f);
  for (std::uint64_t b = 0; b < x.size() / 32; ++b) {
    float amax = 0;
    for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * b + j]));
    const float d = amax / 127.0f;
    for (int j = 0; j < 32; ++j) {
      const int q = d > 0 ? static_cast<int>(std::lround(x[32 * b + j] / d)) : 0;
      words[(32 * b + j) / 4] |= (static_cast<std::uint32_t>(q) & 0xFFu) << (8 * (j % 4));
      values[32 * b + j] = static_cast<float>(q) * d;
    }
    std::memcpy(&words[8ull * k / 4 + b], &d, 4);
  }
  return words;
}

Prepared prepare(DType format, Shape shape, const std::vector<float>& weights,
                 const std::vector<float>& x) {
  auto layout = reference_layout(format);
  if (!layout) throw std::runtime_error(layout.error().message);
  const ReferenceLayout& info = *layout;
  Prepared p;
  p.tile_rows = static_cast<std::uint32_t>(weights.size() / shape.k);
  p.row_bytes = std::uint64_t{shape.k} / info.block_weights * info.block_bytes;
  auto q = quantize(format, weights);
  if (!q) throw std::runtime_error(q.error().message);
  p.blocks = std::move(*q);
  auto d = dequantize(format, p.blocks, weights.size());
  if (!d) throw std::runtime_error(d.error().message);
  p.dequantized = std::move(*d);
  p.y_ref = products(p.dequantized, p.tile_rows, shape.k, x, &p.y_abs);
  return p;
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

}  // namespace

int run_quant(Context& ctx, const Plan& plan, std::vector<BenchResult>& out) {
  const std::vector<Shape> shapes = plan.quick ? std::vector<Shape>{{1024, 4096}}
                                               : std::vector<Shape>{{4096, 4096}, {4096, 14336}, {14336, 4096}, {8192, 28672}};
  const std::uint64_t binding_limit = ctx.device().props.limits.maxStorageBufferRange;
  const std::uint64_t memory_limit = ctx.device().usable_bytes() / 4;
  int failures = 0;
  // The IQ2_XXS grid as little-endian words for binding 3.
  Buffer lut = ctx.create_buffer(sizeof kIq2xxsGrid, false);
  ctx.upload(lut, kIq2xxsGrid, sizeof kIq2xxsGrid);

  for (const Shape shape : shapes) {
    std::mt19937 rng(42 + shape.m + shape.k);
    std::normal_distribution<float> dist(0.0f, 0.02f);
    const std::uint32_t tile_rows =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(shape.m, std::max<std::uint64_t>(1, kUniqueWeights / shape.k)));
    std::vector<float> weights(std::uint64_t{tile_rows} * shape.k);
    for (auto& v : weights) v = dist(rng);
    std::vector<float> x(8ull * shape.k);
    std::uniform_real_distribution<float> ux(-1.0f, 1.0f);
    for (auto& v : x) v = ux(rng);
    Buffer xbuf = ctx.create_buffer(x.size() * 4, false);
    ctx.upload(xbuf, x.data(), x.size() * 4);
    std::vector<std::uint16_t> x16(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) x16[i] = fp32_to_fp16(x[i]);
    Buffer xhalf = ctx.create_buffer(x16.size() * 2, false);
    ctx.upload(xhalf, x16.data(), x16.size() * 2);
    std::vector<float> xint8_values;
    const std::vector<std::uint32_t> xq = quantize_x_int8(x, shape.k, xint8_values);
    Buffer xint8 = ctx.create_buffer(xq.size() * 4, false);
    ctx.upload(xint8, xq.data(), xq.size() * 4);

    for (const auto& format_id : plan.formats) {
      const auto parsed = parse_reference_dtype(format_id);
      if (!parsed) throw std::runtime_error(parsed.error().message);
      const ReferenceLayout info = reference_layout(*parsed).value();
      const std::string id = dtype_info(*parsed).id;
      const std::uint64_t row_bytes = std::uint64_t{shape.k} / info.block_weights * info.block_bytes;
      const std::uint64_t weight_bytes = row_bytes * shape.m;
      const std::string shape_text = std::to_string(shape.m) + "x" + std::to_string(shape.k);
      std::string skip;
      if (weight_bytes + kPadBytes > binding_limit) {
        skip = "skipped: weights (" + std::to_string(weight_bytes) + " bytes) exceed maxStorageBufferRange";
      } else if (weight_bytes > memory_limit) {
        skip = "skipped: weights exceed a quarter of device-local memory";
      }
      if (!skip.empty()) {
        for (const auto& variant : plan.variants) push_skipped(out, id, variant, shape.m, shape.m, shape.k, skip);
        progress(id + " " + shape_text + ": " + skip);
        continue;
      }
      progress(id + " " + shape_text + ": quantizing and computing references");
      const Prepared prep = prepare(*parsed, shape, weights, x);
      // Rotation through distinct weight buffers whose total is >= 4x the assumed LLC.
      std::uint32_t rotation = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
          (4 * plan.llc_bytes + weight_bytes - 1) / weight_bytes, 1,
          std::max<std::uint64_t>(1, memory_limit / weight_bytes)));
      rotation = std::min(rotation, plan.verify_only ? 1u : plan.max_rotation);
      std::vector<Buffer> wbufs(rotation);
      {
        std::vector<std::uint8_t> full(weight_bytes + kPadBytes, 0);
        const std::uint64_t tile_bytes = prep.blocks.size();
        for (std::uint64_t off = 0; off < weight_bytes; off += tile_bytes) {
          std::memcpy(full.data() + off, prep.blocks.data(), std::min(tile_bytes, weight_bytes - off));
        }
        for (auto& b : wbufs) {
          b = ctx.create_buffer(full.size(), false);
          ctx.upload(b, full.data(), full.size());
        }
      }
      // Dequant output limited to what one binding can hold (rows from the top).
      const std::uint64_t dq_rows = std::min<std::uint64_t>(
          shape.m, std::min(binding_limit, memory_limit / 2) / (std::uint64_t{shape.k} * 4));
      const std::uint64_t y_bytes = std::max<std::uint64_t>(dq_rows * shape.k * 4, 8ull * shape.m * 4);
      Buffer ybuf = ctx.create_buffer(y_bytes, false);

      for (const auto& variant : plan.variants) {
        const std::string module_suffix = id + "_" + variant;
        std::string why;
        if (const auto missing = ctx.device().missing_features(variant); !missing.empty()) {
          why = "skipped: missing feature " + join(missing);
        } else if (!ctx.has_module("gemv_" + module_suffix)) {
          why = variant == "int8dot" && (*parsed == DType::q8_0 || *parsed == DType::q4_0)
                    ? "skipped: glslc lacked GL_EXT_integer_dot_product at build time"
                    : "skipped: no " + variant + " kernel for " + id;
        }
        if (!why.empty()) {
          push_skipped(out, id, variant, dq_rows, shape.m, shape.k, why);
          continue;
        }
        const Buffer& xin = variant == "fp16" ? xhalf : variant == "int8dot" ? xint8 : xbuf;
        std::vector<VkDescriptorSet> sets(rotation);
        for (std::uint32_t i = 0; i < rotation; ++i) sets[i] = ctx.bind(&wbufs[i], &xin, &ybuf, &lut);

        if (has_dequant(variant)) {
          const Pipeline p = ctx.pipeline("dequant_" + module_suffix, 256, 0);
          const std::uint32_t groups = static_cast<std::uint32_t>(dq_rows * shape.k / 8);
          const std::uint32_t wgs = (groups + 255) / 256;
          const std::uint32_t gx = std::min<std::uint32_t>(wgs, 65535), gy = (wgs + gx - 1) / gx;
          const std::uint32_t push[4] = {shape.k / 8, groups, static_cast<std::uint32_t>(row_bytes), 0};
          const RecordFn rec = [&](VkCommandBuffer cmd, std::uint32_t i) {
            vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
            vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, ctx.layout(), 0, 1, &sets[i % rotation], 0, nullptr);
            vkCmdPushConstants(cmd, ctx.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
            vkCmdDispatch(cmd, gx, gy, 1);
          };
          BenchResult r = base_row("dequant", id, variant, dq_rows, shape.k, 0);
          r.workgroup_size = 256;
          r.buffer_bytes = weight_bytes;
          r.rotation = rotation;
          r.bytes_moved = row_bytes * dq_rows + dq_rows * shape.k * 4;
          time_batches(ctx, rec, 1, 0, 1);
          std::vector<float> got(dq_rows * shape.k);
          ctx.download(ybuf, got.data(), got.size() * 4);
          std::uint64_t mismatches = 0;
          double max_diff = 0;
          for (std::uint64_t row = 0; row < dq_rows; ++row) {
            const float* want = prep.dequantized.data() + (row % prep.tile_rows) * shape.k;
            const float* have = got.data() + row * shape.k;
            if (std::memcmp(want, have, std::uint64_t{shape.k} * 4) == 0) continue;
            for (std::uint32_t j = 0; j < shape.k; ++j) {
              if (std::memcmp(&want[j], &have[j], 4) != 0) {
                ++mismatches;
                max_diff = std::max(max_diff, std::fabs(static_cast<double>(want[j]) - have[j]));
              }
            }
          }
          r.verified = mismatches == 0;
          r.max_error = max_diff;
          if (!r.verified) {
            ++failures;
            progress("FAILED: dequant " + id + " " + variant + ": " +
                     std::to_string(mismatches) + " weights differ from the reference dequantizer");
          } else if (!plan.verify_only) {
            const std::uint32_t n = calibrate(ctx, rec, rotation, plan.target_batch_seconds);
            finish_row(r, time_batches(ctx, rec, n, plan.warmups, plan.samples));
          }
          out.push_back(r);
        }

        // Fused GEMV: the (workgroup, rows) sweep at n = 1, then n = 2, 4, 8 with the best.
        // int8dot multiplies by the int8-quantized x: its reference is the product with that x.
        const std::vector<double> y_ref_int8 =
            variant == "int8dot" ? products(prep.dequantized, prep.tile_rows, shape.k, xint8_values, nullptr)
                                 : std::vector<double>{};
        const std::vector<double>& y_ref = variant == "int8dot" ? y_ref_int8 : prep.y_ref;
        const auto run_gemv = [&](std::uint32_t ncols, GemvConfig cfg) {
          const Pipeline p = ctx.pipeline("gemv_" + module_suffix, cfg.workgroup, ncols, cfg.rows);
          const std::uint32_t push[4] = {shape.m, shape.k, static_cast<std::uint32_t>(row_bytes), 0};
          const std::uint32_t groups = shape.m / cfg.rows;
          const std::uint32_t gx = std::min<std::uint32_t>(groups, 65535), gy = (groups + gx - 1) / gx;
          const RecordFn rec = [&](VkCommandBuffer cmd, std::uint32_t i) {
            vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
            vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, ctx.layout(), 0, 1, &sets[i % rotation], 0, nullptr);
            vkCmdPushConstants(cmd, ctx.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
            vkCmdDispatch(cmd, gx, gy, 1);
          };
          BenchResult r = base_row("gemv", id, variant, shape.m, shape.k, ncols);
          r.workgroup_size = cfg.workgroup;
          r.rows_per_workgroup = cfg.rows;
          r.buffer_bytes = weight_bytes;
          r.rotation = rotation;
          r.bytes_moved = weight_bytes + std::uint64_t{ncols} * x_column_bytes(variant, shape.k) +
                          std::uint64_t{ncols} * shape.m * 4;
          ctx.fill(ybuf, 0x7FC00000u);  // NaN: a row the kernel skips cannot pass
          time_batches(ctx, rec, 1, 0, 1);
          std::vector<float> got(std::uint64_t{ncols} * shape.m);
          ctx.download(ybuf, got.data(), got.size() * 4);
          double worst = 0;
          for (std::uint32_t c = 0; c < ncols; ++c) {
            for (std::uint32_t row = 0; row < shape.m; ++row) {
              const std::uint64_t ref = std::uint64_t{c} * prep.tile_rows + row % prep.tile_rows;
              const double denom = std::max(prep.y_abs[ref], 1e-30);
              const double err = std::fabs(got[std::uint64_t{c} * shape.m + row] - y_ref[ref]) / denom;
              worst = std::max(worst, std::isfinite(err) ? err : 1e30);
            }
          }
          r.max_error = worst;
          r.verified = worst <= plan.gemv_error_bound;
          if (!r.verified) {
            ++failures;
            progress("FAILED: gemv " + id + " " + variant + " n=" + std::to_string(ncols) +
                     " wg " + std::to_string(cfg.workgroup) + " rows " + std::to_string(cfg.rows) +
                     ": normalized error " + std::to_string(worst));
          } else if (!plan.verify_only) {
            const std::uint32_t n = calibrate(ctx, rec, rotation, plan.target_batch_seconds);
            finish_row(r, time_batches(ctx, rec, n, plan.warmups, plan.samples));
          }
          return r;
        };
        const std::uint64_t shared_limit = ctx.device().props.limits.maxComputeSharedMemorySize;
        const auto fits = [&](GemvConfig cfg, std::uint32_t ncols) {
          return cfg.workgroup <= ctx.device().props.limits.maxComputeWorkGroupInvocations &&
                 std::uint64_t{cfg.workgroup} * cfg.rows * ncols * 4 <= shared_limit &&
                 cfg.rows * ncols <= kMaxRowsTimesCols && shape.m % cfg.rows == 0;
        };
        GemvConfig best{64, 1};
        {
          const std::size_t first = out.size();
          double best_gbs = -1;
          for (const GemvConfig cfg : gemv_sweep(plan.quick)) {
            if (!fits(cfg, 1)) continue;
            if (plan.verify_only && out.size() > first) break;  // correctness of one config
            out.push_back(run_gemv(1, cfg));
            if (out.back().verified && out.back().gb_per_s > best_gbs) {
              best_gbs = out.back().gb_per_s;
              best = cfg;
            }
          }
          for (std::size_t i = first; i < out.size(); ++i) {
            out[i].best_of_sweep = out[i].workgroup_size == best.workgroup && out[i].rows_per_workgroup == best.rows;
          }
        }
        for (std::uint32_t ncols : kColumns) {
          if (ncols == 1 || (plan.quick && ncols != 4)) continue;  // --quick: n = 1 and 4
          GemvConfig cfg = best;
          while (cfg.rows > 1 && !fits(cfg, ncols)) cfg.rows /= 2;
          out.push_back(run_gemv(ncols, cfg));
        }
        progress(id + " " + variant + " " + shape_text + ": checked" +
                 (plan.verify_only ? "" : ", gemv n=1 best wg " + std::to_string(best.workgroup) + " rows " +
                                              std::to_string(best.rows)));
        ctx.reset_descriptors();
      }
      ctx.destroy(ybuf);
      for (auto& b : wbufs) ctx.destroy(b);
    }
    ctx.destroy(xbuf);
    ctx.destroy(xhalf);
    ctx.destroy(xint8);
  }
  ctx.destroy(lut);
  return failures;
}

}  // namespace headroom::bench
