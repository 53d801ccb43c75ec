// Memory bandwidth: read, write and copy kernels swept over workgroup size and elements per
// thread; vkCmdCopyBuffer / vkCmdFillBuffer baselines; a 1 MiB .. limit size sweep of `read`.
// Working sets rotate through distinct buffers whose total is >= 4x the assumed last-level cache.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "bench_plan.h"
#include "kernels/dispatch.h"
#include "kernels/result_row.h"
#include "kernels/timing.h"

namespace headroom::bench {
namespace {

constexpr std::uint32_t kNeverMatched = 0x9E3779B9u;  // the read kernel's store mask
constexpr PushConstants kBandwidthPush = {kNeverMatched, 0, 0, 0};
constexpr std::uint32_t kMaxGroupsX = 32768;
constexpr std::uint32_t kFillPattern = 0x5A5A5A5Au;

// The rotation: src[i] is read (and copied) into dst[i]; sets[i] binds src[i] at 0, dst[i] at 2.
struct WorkingSet {
  std::uint64_t buffer_bytes = 0;
  std::uint32_t rotation = 1;
  std::vector<Buffer> src, dst;
  std::vector<VkDescriptorSet> sets;
};

// The best configuration of a sweep.
struct BestConfig {
  std::uint32_t workgroup = 64, elements_per_thread = 1;
};

Grid bandwidth_grid(std::uint64_t bytes, std::uint32_t wg, std::uint32_t ept) {
  return grid_for(bytes / 16 / (std::uint64_t{wg} * ept), kMaxGroupsX);
}

void fill_random(Context& ctx, const Buffer& b, std::uint32_t seed) {
  std::vector<std::uint32_t> data(b.size_bytes() / 4);
  std::uint32_t s = seed | 1u;
  for (auto& v : data) {  // xorshift32
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v = s;
  }
  ctx.upload(b, data.data(), b.size_bytes());
}

// Bandwidth rows count as verified: write and copy output is checked once per kernel
// (check_output); read and the driver commands leave nothing to compare.
BenchResult timed_row(Kernel kernel, Variant variant, std::uint64_t buffer_bytes,
                      std::uint32_t rotation, std::uint64_t bytes_moved, const Timed& t) {
  BenchResult r = make_row(kernel, variant, buffer_bytes, rotation, bytes_moved);
  set_timing(r, t);
  r.verified = true;
  return r;
}

WorkingSet make_working_set(Context& ctx, const Plan& plan) {
  WorkingSet w;
  w.buffer_bytes = max_binding_bytes(ctx, plan.quick ? (32ull << 20) : (512ull << 20));
  w.rotation =
      rotation_for(plan, w.buffer_bytes, ctx.device().usable_bytes() / 4 / (2 * w.buffer_bytes));
  progress("bandwidth: " + std::to_string(w.buffer_bytes >> 20) + " MiB buffers x " +
           std::to_string(w.rotation) + " (rotation)");
  for (std::uint32_t i = 0; i < w.rotation; ++i) {
    w.src.push_back(ctx.create_buffer(w.buffer_bytes, false));
    w.dst.push_back(ctx.create_buffer(w.buffer_bytes, false));
    fill_random(ctx, w.src[i], 1234 + i);
    ctx.fill(w.dst[i], 0);
  }
  for (std::uint32_t i = 0; i < w.rotation; ++i) {
    w.sets.push_back(ctx.bind(&w.src[i], nullptr, &w.dst[i], nullptr));
  }
  return w;
}

// Runs one dispatch of `rec` and checks dst[0]: copy reproduces src, write leaves the index
// pattern. Throws when the kernel wrote wrong data.
void check_output(Context& ctx, const WorkingSet& w, Kernel kernel, const RecordFn& rec,
                  std::uint32_t wg, std::uint32_t ept) {
  time_batches(ctx, rec, 1, 0, 1);
  const std::uint64_t vec4s = w.buffer_bytes / 16;
  std::vector<std::uint32_t> got(vec4s * 4), want(vec4s * 4);
  ctx.download(w.dst[0], got.data(), w.buffer_bytes);
  if (kernel == Kernel::copy) {
    ctx.download(w.src[0], want.data(), w.buffer_bytes);
  } else {
    for (std::uint64_t v = 0; v < vec4s; ++v) {
      const std::uint32_t i = static_cast<std::uint32_t>(v);
      want[4 * v] = i ^ kNeverMatched;
      want[4 * v + 1] = i;
      want[4 * v + 2] = kNeverMatched;
      want[4 * v + 3] = static_cast<std::uint32_t>((v / wg) % ept);
    }
  }
  if (got != want) {
    throw std::runtime_error(std::string("the ") + kernel_id(kernel) + " kernel wrote wrong data");
  }
}

// The workgroup x elements-per-thread sweep of one kernel; marks and returns its best row's
// configuration (the default when nothing was timed). --verify-only checks write and copy once.
BestConfig sweep(Context& ctx, const Plan& plan, const WorkingSet& w, Kernel kernel,
                 std::vector<BenchResult>& out) {
  const std::vector<std::uint32_t> wgs = plan.quick
                                             ? std::vector<std::uint32_t>{64, 256}
                                             : std::vector<std::uint32_t>{64, 128, 256, 512, 1024};
  const std::vector<std::uint32_t> epts =
      plan.quick ? std::vector<std::uint32_t>{1, 4, 16} : std::vector<std::uint32_t>{1, 4, 8, 16};
  const auto max_wg = ctx.device().props.limits.maxComputeWorkGroupInvocations;
  const std::string module = std::string("bw_") + kernel_id(kernel);
  const std::uint64_t bytes = kernel == Kernel::copy ? 2 * w.buffer_bytes : w.buffer_bytes;
  const std::size_t first_row = out.size();
  bool checked = false;
  for (std::uint32_t wg : wgs) {
    if (wg > max_wg) continue;
    for (std::uint32_t ept : epts) {
      if (plan.verify_only && (checked || kernel == Kernel::read)) continue;
      const Pipeline p = ctx.pipeline(module, wg, ept);
      const RecordFn rec =
          record_dispatch(ctx, p, w.sets, bandwidth_grid(w.buffer_bytes, wg, ept), kBandwidthPush);
      if (!checked && kernel != Kernel::read) {
        check_output(ctx, w, kernel, rec, wg, ept);
        checked = true;
      }
      if (plan.verify_only) continue;
      const std::uint32_t n = calibrate(ctx, rec, w.rotation, plan.target_batch_seconds);
      BenchResult row = timed_row(kernel, Variant::portable, w.buffer_bytes, w.rotation, bytes,
                                  time_batches(ctx, rec, n, plan.warmups, plan.samples));
      row.workgroup_size = wg;
      row.elements_per_thread = ept;
      out.push_back(row);
    }
  }
  if (out.size() == first_row) return BestConfig{};
  auto best = std::max_element(
      out.begin() + static_cast<std::ptrdiff_t>(first_row), out.end(),
      [](const BenchResult& a, const BenchResult& b) { return a.gb_per_s < b.gb_per_s; });
  best->best_of_sweep = true;
  progress(std::string(kernel_id(kernel)) + ": best " + std::to_string(best->gb_per_s) +
           " GB/s (wg " + std::to_string(best->workgroup_size) + ", " +
           std::to_string(best->elements_per_thread) + " x 16 B per thread)");
  return BestConfig{best->workgroup_size, best->elements_per_thread};
}

// vkCmdCopyBuffer and vkCmdFillBuffer over the same rotation.
void driver_baselines(Context& ctx, const Plan& plan, const WorkingSet& w,
                      std::vector<BenchResult>& out) {
  for (const Kernel kernel : {Kernel::copy_buffer, Kernel::fill_buffer}) {
    const bool copy = kernel == Kernel::copy_buffer;
    const RecordFn rec = [&](VkCommandBuffer cmd, std::uint32_t i) {
      if (copy) {
        VkBufferCopy region{0, 0, w.buffer_bytes};
        vkCmdCopyBuffer(cmd, w.src[i % w.rotation].handle(), w.dst[i % w.rotation].handle(), 1,
                        &region);
      } else {
        vkCmdFillBuffer(cmd, w.dst[i % w.rotation].handle(), 0, w.buffer_bytes, kFillPattern);
      }
    };
    const std::uint32_t n = calibrate(ctx, rec, w.rotation, plan.target_batch_seconds);
    out.push_back(timed_row(kernel, Variant::driver, w.buffer_bytes, w.rotation,
                            copy ? 2 * w.buffer_bytes : w.buffer_bytes,
                            time_batches(ctx, rec, n, plan.warmups, plan.samples)));
    out.back().best_of_sweep = true;
  }
}

// The best read configuration on the first buffer from 1 MiB to its full size: the cache
// plateau, then the DRAM plateau.
void size_sweep(Context& ctx, const Plan& plan, const WorkingSet& w, BestConfig best,
                std::vector<BenchResult>& out) {
  const Pipeline p = ctx.pipeline("bw_read", best.workgroup, best.elements_per_thread);
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t size = 1ull << 20; size < w.buffer_bytes; size *= (plan.quick ? 4 : 2)) {
    sizes.push_back(size);
  }
  sizes.push_back(w.buffer_bytes);
  for (const std::uint64_t size : sizes) {
    const RecordFn rec = record_dispatch(
        ctx, p, {w.sets[0]}, bandwidth_grid(size, best.workgroup, best.elements_per_thread),
        kBandwidthPush);
    const std::uint32_t n = calibrate(ctx, rec, 1, plan.target_batch_seconds);
    BenchResult row = timed_row(Kernel::size_sweep_read, Variant::portable, size, 1, size,
                                time_batches(ctx, rec, n, plan.warmups, plan.samples));
    row.workgroup_size = best.workgroup;
    row.elements_per_thread = best.elements_per_thread;
    out.push_back(row);
  }
}

}  // namespace

std::uint64_t max_binding_bytes(const Context& ctx, std::uint64_t cap) {
  const auto& d = ctx.device();
  std::uint64_t limit = static_cast<std::uint64_t>(d.props.limits.maxStorageBufferRange) / 10 * 9;
  limit = std::min(limit, d.usable_bytes() / 8);
  limit = std::min(limit, cap);
  std::uint64_t p = 1ull << 20;
  while (p * 2 <= limit) p *= 2;
  return p;
}

double measure_empty_dispatch(Context& ctx, const Plan& plan) {
  const Pipeline p = ctx.pipeline("empty", 64, 0);
  const VkDescriptorSet set = ctx.bind(nullptr, nullptr, nullptr, nullptr);
  const RecordFn rec = record_dispatch(ctx, p, {set}, Grid{1, 1});
  const Timed t = time_batches(ctx, rec, 100, 1, std::max<std::uint32_t>(3, plan.samples / 4));
  ctx.reset_descriptors();
  return sample_stats(t.per_dispatch_seconds).median_seconds;
}

void run_bandwidth(Context& ctx, const Plan& plan, std::vector<BenchResult>& out) {
  const WorkingSet w = make_working_set(ctx, plan);
  BestConfig best_read;
  for (const Kernel kernel : {Kernel::read, Kernel::write, Kernel::copy}) {
    const BestConfig best = sweep(ctx, plan, w, kernel, out);
    if (kernel == Kernel::read) best_read = best;
  }
  if (!plan.verify_only) {
    driver_baselines(ctx, plan, w, out);
    size_sweep(ctx, plan, w, best_read, out);
  }
  ctx.reset_descriptors();
}

}  // namespace headroom::bench
