// Quantized formats: a dequant-only kernel and a fused GEMV (n = 1, 2, 4, 8) per format and
// variant on model-shaped matrices filled with real blocks from the core's reference quantizers.
// Every kernel is checked before it is timed (quant_verify.h): dequant bit-exactly against the
// reference dequantizer, GEMV against an fp64 CPU product; a kernel that fails is reported
// unverified and untimed.
#include <iterator>
#include <string>

#include "bench_plan.h"
#include "headroom/quant_reference.h"
#include "kernels/dispatch.h"
#include "kernels/quant_inputs.h"
#include "kernels/quant_verify.h"
#include "kernels/result_row.h"
#include "kernels/timing.h"

namespace headroom::bench {
namespace {

constexpr std::uint32_t kDefaultWorkgroup = 64;  // the label of rows that never ran
constexpr std::uint32_t kDequantWorkgroup = 256;
constexpr std::uint32_t kDequantWeightsPerInvocation = 8;
constexpr std::uint32_t kColumns[] = {1, 2, 4, 8};
static_assert(kColumns[std::size(kColumns) - 1] == kReferenceColumns,
              "the CPU references cover the widest GEMV");
constexpr std::uint32_t kMaxRowsTimesCols = 16;  // register budget of one GEMV invocation
constexpr std::uint32_t kMaxGroupsX = 65535;
constexpr std::uint32_t kNanBits = 0x7FC00000u;

struct GemvConfig {
  std::uint32_t workgroup, rows;
};

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
std::uint64_t x_column_bytes(Variant variant, std::uint64_t k) {
  switch (variant) {
    case Variant::fp16:
      return 2 * k;
    case Variant::int8dot:
      return k + k / 32 * 4;
    default:
      return 4 * k;
  }
}

// fp16 and int8dot exist only as GEMVs.
bool has_dequant(Variant variant) {
  return variant == Variant::portable || variant == Variant::fast;
}

// Device features `variant` needs and `d` lacks.
std::vector<std::string> missing_features(const DeviceInfo& d, Variant variant) {
  if (variant == Variant::portable) return {};
  std::vector<std::string> out = d.missing_fast_features();
  if (variant == Variant::fp16 && !d.float16) out.push_back("shaderFloat16");
  if (variant == Variant::int8dot && !d.integer_dot_product) {
    out.push_back("shaderIntegerDotProduct");
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

// A quant row before it runs; rows that never run keep these labels.
BenchResult quant_row(Kernel kernel, const std::string& format, Variant variant, std::uint64_t m,
                      std::uint64_t k, std::uint64_t n) {
  BenchResult r = make_row(kernel, variant);
  r.format = format;
  r.m = m;
  r.k = k;
  r.n = n;
  r.workgroup_size = kDefaultWorkgroup;
  if (kernel == Kernel::gemv) r.rows_per_workgroup = 1;
  return r;
}

// A variant of one format, bound: set i reads weights[i], the variant's x, y and the LUT.
struct VariantRun {
  const ShapeInputs& in;
  const FormatInputs& f;
  Variant variant;
  std::string module_suffix;  // "<format>_<variant>"
  std::vector<VkDescriptorSet> sets;
};

class QuantBench {
 public:
  QuantBench(Context& ctx, const Plan& plan, std::vector<BenchResult>& out)
      : ctx_(ctx),
        plan_(plan),
        out_(out),
        lut_(device_copy(ctx, kIq2xxsGrid, sizeof kIq2xxsGrid)) {}  // IQ2_XXS grid for binding 3

  int run() {
    for (const Shape shape : quant_shapes(plan_.quick)) {
      const ShapeInputs in = prepare_inputs(ctx_, shape);
      for (const DType dtype : plan_.formats) run_format(in, dtype);
    }
    return failures_;
  }

 private:
  void run_format(const ShapeInputs& in, DType dtype) {
    const std::string id = dtype_info(dtype).id;
    const std::string skip = weights_skip_reason(ctx_, row_bytes(dtype, in.shape.k) * in.shape.m);
    if (!skip.empty()) {
      for (const Variant variant : plan_.variants) {
        push_skipped(id, variant, in.shape.m, in.shape, skip);
      }
      progress(id + " " + in.text + ": " + skip);
      return;
    }
    progress(id + " " + in.text + ": quantizing and computing references");
    const FormatInputs f = prepare_format(ctx_, plan_, in, dtype);
    for (const Variant variant : plan_.variants) run_variant(in, f, variant);
  }

  void run_variant(const ShapeInputs& in, const FormatInputs& f, Variant variant) {
    const std::string name = variant_id(variant);
    const std::string module_suffix = f.id + "_" + name;
    std::string why;
    if (const auto missing = missing_features(ctx_.device(), variant); !missing.empty()) {
      why = "skipped: missing feature " + join(missing);
    } else if (!ctx_.has_module("gemv_" + module_suffix)) {
      why = variant == Variant::int8dot && (f.dtype == DType::q8_0 || f.dtype == DType::q4_0)
                ? "skipped: glslc lacked GL_EXT_integer_dot_product at build time"
                : "skipped: no " + name + " kernel for " + f.id;
    }
    if (!why.empty()) {
      push_skipped(f.id, variant, f.dequant_rows, in.shape, why);
      return;
    }
    VariantRun run{in, f, variant, module_suffix, {}};
    for (const Buffer& w : f.weights) {
      run.sets.push_back(ctx_.bind(&w, &in.x_for(variant), &f.y, &lut_));
    }
    if (has_dequant(variant)) out_.push_back(run_dequant(run));
    const GemvConfig best = run_gemv_sweep(run);
    progress(f.id + " " + name + " " + in.text + ": checked" +
             (plan_.verify_only ? ""
                                : ", gemv n=1 best wg " + std::to_string(best.workgroup) +
                                      " rows " + std::to_string(best.rows)));
    ctx_.reset_descriptors();
  }

  // A variant that does not run: its dequant row (if it has one) and every GEMV column.
  void push_skipped(const std::string& format, Variant variant, std::uint64_t dequant_rows,
                    Shape shape, const std::string& why) {
    if (has_dequant(variant)) {
      BenchResult r = quant_row(Kernel::dequant, format, variant, dequant_rows, shape.k, 0);
      r.skipped = why;
      out_.push_back(r);
    }
    for (std::uint32_t n : kColumns) {
      BenchResult g = quant_row(Kernel::gemv, format, variant, shape.m, shape.k, n);
      g.skipped = why;
      out_.push_back(g);
    }
  }

  BenchResult run_dequant(const VariantRun& run) {
    const Shape shape = run.in.shape;
    const FormatInputs& f = run.f;
    const Pipeline p = ctx_.pipeline("dequant_" + run.module_suffix, kDequantWorkgroup, 0);
    const std::uint32_t groups =
        static_cast<std::uint32_t>(f.dequant_rows * shape.k / kDequantWeightsPerInvocation);
    const PushConstants push = {shape.k / kDequantWeightsPerInvocation, groups,
                                static_cast<std::uint32_t>(f.row_bytes), 0};
    const std::uint64_t workgroups =
        (std::uint64_t{groups} + kDequantWorkgroup - 1) / kDequantWorkgroup;
    const RecordFn rec =
        record_dispatch(ctx_, p, run.sets, grid_for(workgroups, kMaxGroupsX), push);
    BenchResult r = quant_row(Kernel::dequant, f.id, run.variant, f.dequant_rows, shape.k, 0);
    r.workgroup_size = kDequantWorkgroup;
    r.buffer_bytes = f.weight_bytes;
    r.rotation = f.rotation;
    r.bytes_moved = f.row_bytes * f.dequant_rows + f.dequant_rows * shape.k * 4;
    const std::vector<float> got = run_once(rec, f.y, f.dequant_rows * shape.k);
    const DequantCheck check =
        verify_dequant(got, f.dequant_rows, f.dequantized, f.tile_rows, shape.k);
    r.verified = check.passed();
    r.max_error = check.max_abs_diff;
    time_if_verified(r, rec, [&] {
      return "dequant " + f.id + " " + variant_id(run.variant) + ": " +
             std::to_string(check.mismatches) + " weights differ from the reference dequantizer";
    });
    return r;
  }

  // The (workgroup, rows) sweep at n = 1, then n = 2, 4, 8 (--quick: 4) with the best; returns
  // the best n = 1 configuration.
  GemvConfig run_gemv_sweep(const VariantRun& run) {
    // int8dot multiplies by the int8-quantized x: its reference is the product with that x (the
    // error still scaled by the exact x's sums of |w x|).
    GemvReference int8_reference;
    if (run.variant == Variant::int8dot) {
      int8_reference =
          gemv_reference(run.f.dequantized, run.f.tile_rows, run.in.shape.k, run.in.x_int8_values);
      int8_reference.abs = run.f.reference.abs;
    }
    const GemvReference& ref = run.variant == Variant::int8dot ? int8_reference : run.f.reference;
    const std::uint32_t m = run.in.shape.m;
    GemvConfig best{kDefaultWorkgroup, 1};
    const std::size_t first = out_.size();
    double best_gbs = -1;
    for (const GemvConfig cfg : gemv_sweep(plan_.quick)) {
      if (!fits(cfg, 1, m)) continue;
      if (plan_.verify_only && out_.size() > first) break;  // correctness of one config
      out_.push_back(run_gemv(run, ref, 1, cfg));
      if (out_.back().verified && out_.back().gb_per_s > best_gbs) {
        best_gbs = out_.back().gb_per_s;
        best = cfg;
      }
    }
    for (std::size_t i = first; i < out_.size(); ++i) {
      out_[i].best_of_sweep =
          out_[i].workgroup_size == best.workgroup && out_[i].rows_per_workgroup == best.rows;
    }
    for (std::uint32_t columns : kColumns) {
      if (columns == 1 || (plan_.quick && columns != 4)) continue;
      GemvConfig cfg = best;
      while (cfg.rows > 1 && !fits(cfg, columns, m)) cfg.rows /= 2;
      out_.push_back(run_gemv(run, ref, columns, cfg));
    }
    return best;
  }

  BenchResult run_gemv(const VariantRun& run, const GemvReference& ref, std::uint32_t columns,
                       GemvConfig cfg) {
    const Shape shape = run.in.shape;
    const FormatInputs& f = run.f;
    const Pipeline p = ctx_.pipeline("gemv_" + run.module_suffix, cfg.workgroup, columns, cfg.rows);
    const PushConstants push = {shape.m, shape.k, static_cast<std::uint32_t>(f.row_bytes), 0};
    const RecordFn rec =
        record_dispatch(ctx_, p, run.sets, grid_for(shape.m / cfg.rows, kMaxGroupsX), push);
    BenchResult r = quant_row(Kernel::gemv, f.id, run.variant, shape.m, shape.k, columns);
    r.workgroup_size = cfg.workgroup;
    r.rows_per_workgroup = cfg.rows;
    r.buffer_bytes = f.weight_bytes;
    r.rotation = f.rotation;
    r.bytes_moved = f.weight_bytes + std::uint64_t{columns} * x_column_bytes(run.variant, shape.k) +
                    std::uint64_t{columns} * shape.m * 4;
    ctx_.fill(f.y, kNanBits);  // a row the kernel skips cannot pass
    const std::vector<float> got = run_once(rec, f.y, std::uint64_t{columns} * shape.m);
    const GemvCheck check = verify_gemv(got, shape.m, columns, ref, plan_.gemv_error_bound);
    r.max_error = check.max_error;
    r.verified = check.passed;
    time_if_verified(r, rec, [&] {
      return "gemv " + f.id + " " + variant_id(run.variant) + " n=" + std::to_string(columns) +
             " wg " + std::to_string(cfg.workgroup) + " rows " + std::to_string(cfg.rows) +
             ": normalized error " + std::to_string(check.max_error);
    });
    return r;
  }

  // Whether a GEMV configuration fits the device's limits and the kernel's register budget.
  bool fits(GemvConfig cfg, std::uint32_t columns, std::uint32_t m) const {
    const auto& limits = ctx_.device().props.limits;
    return cfg.workgroup <= limits.maxComputeWorkGroupInvocations &&
           std::uint64_t{cfg.workgroup} * cfg.rows * columns * 4 <=
               limits.maxComputeSharedMemorySize &&
           cfg.rows * columns <= kMaxRowsTimesCols && m % cfg.rows == 0;
  }

  // One dispatch, untimed; returns the first `count` floats of its output `y`.
  std::vector<float> run_once(const RecordFn& rec, const Buffer& y, std::uint64_t count) {
    time_batches(ctx_, rec, 1, 0, 1);
    std::vector<float> got(count);
    ctx_.download(y, got.data(), count * 4);
    return got;
  }

  // A row that failed its check is counted and reported (`failure` says how); one that passed is
  // timed, in whole rotations, unless the run only verifies.
  template <typename Describe>
  void time_if_verified(BenchResult& row, const RecordFn& rec, Describe failure) {
    if (!row.verified) {
      ++failures_;
      progress("FAILED: " + failure());
      return;
    }
    if (plan_.verify_only) return;
    const std::uint32_t n = calibrate(ctx_, rec, row.rotation, plan_.target_batch_seconds);
    set_timing(row, time_batches(ctx_, rec, n, plan_.warmups, plan_.samples));
  }

  Context& ctx_;
  const Plan& plan_;
  std::vector<BenchResult>& out_;
  const Buffer lut_;
  int failures_ = 0;
};

}  // namespace

int run_quant(Context& ctx, const Plan& plan, std::vector<BenchResult>& out) {
  return QuantBench(ctx, plan, out).run();
}

}  // namespace headroom::bench
