// Memory bandwidth: read, write and copy kernels swept over workgroup size and elements per
// thread; vkCmdCopyBuffer / vkCmdFillBuffer baselines; a 1 MiB .. limit size sweep of `read`.
// Working sets rotate through distinct buffers whose total is >= 4x the assumed last-level cache.
#include <algorithm>
#include <cstring>
#include <iostream>

#include "bench_plan.h"
#include "timing.h"

namespace headroom::bench {
namespace {

constexpr std::uint32_t kNeverMatched = 0x9E3779B9u;  // the read kernel's store mask

struct Dispatch { std::uint32_t x = 1, y = 1; };

Dispatch grid_for(std::uint64_t vec4s, std::uint32_t wg, std::uint32_t ept) {
  const std::uint64_t groups = vec4s / (std::uint64_t{wg} * ept);
  const std::uint64_t x = std::min<std::uint64_t>(groups, 32768);
  return Dispatch{static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(groups / x)};
}

void fill_random(Context& ctx, const Buffer& b, std::uint32_t seed) {
  std::vector<std::uint32_t> data(b.size_bytes / 4);
  std::uint32_t s = seed | 1u;
  for (auto& v : data) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; v = s; }  // xorshift32
  ctx.upload(b, data.data(), b.size_bytes);
}

BenchResult make_row(const char* kernel, const char* variant, std::uint64_t buffer_bytes,
                     std::uint32_t rotation, std::uint64_t bytes_moved, const Timed& t) {
  BenchResult r;
  r.kernel = kernel;
  r.variant = variant;
  r.buffer_bytes = buffer_bytes;
  r.rotation = rotation;
  r.bytes_moved = bytes_moved;
  r.samples_seconds = t.per_dispatch_seconds;
  const Stats s = stats_of(t.per_dispatch_seconds);
  r.median_seconds = s.median_seconds;
  r.best_seconds = s.best_seconds;
  r.spread = s.spread;
  r.gb_per_s = s.median_seconds > 0 ? static_cast<double>(bytes_moved) / s.median_seconds / 1e9 : 0;
  r.verified = true;
  return r;
}

}  // namespace

void progress(const std::string& line) { std::cerr << "headroom-bench: " << line << std::endl; }

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
  VkDescriptorSet set = ctx.bind(nullptr, nullptr, nullptr, nullptr);
  const RecordFn rec = [&](VkCommandBuffer cmd, std::uint32_t) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, ctx.layout(), 0, 1, &set, 0, nullptr);
    vkCmdDispatch(cmd, 1, 1, 1);
  };
  const Timed t = time_batches(ctx, rec, 100, 1, std::max<std::uint32_t>(3, plan.samples / 4));
  ctx.reset_descriptors();
  return stats_of(t.per_dispatch_seconds).median_seconds;
}

void run_bandwidth(Context& ctx, const Plan& plan, std::vector<BenchResult>& out) {
  const std::uint64_t buf_bytes = max_binding_bytes(ctx, plan.quick ? (32ull << 20) : (512ull << 20));
  const std::uint64_t mem_cap = std::max<std::uint64_t>(1, ctx.device().usable_bytes() / 4 / (2 * buf_bytes));
  std::uint32_t rotation = static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>((4 * plan.llc_bytes + buf_bytes - 1) / buf_bytes, 1, mem_cap));
  rotation = std::min(rotation, plan.max_rotation);
  progress("bandwidth: " + std::to_string(buf_bytes >> 20) + " MiB buffers x " + std::to_string(rotation) +
           " (rotation)");
  std::vector<Buffer> src(rotation), dst(rotation);
  for (std::uint32_t i = 0; i < rotation; ++i) {
    src[i] = ctx.create_buffer(buf_bytes, false);
    dst[i] = ctx.create_buffer(buf_bytes, false);
    fill_random(ctx, src[i], 1234 + i);
    ctx.fill(dst[i], 0);
  }
  std::vector<VkDescriptorSet> sets(rotation);
  for (std::uint32_t i = 0; i < rotation; ++i) sets[i] = ctx.bind(&src[i], nullptr, &dst[i], nullptr);
  const std::uint64_t vec4s = buf_bytes / 16;

  const std::vector<std::uint32_t> wgs = plan.quick ? std::vector<std::uint32_t>{64, 256}
                                                    : std::vector<std::uint32_t>{64, 128, 256, 512, 1024};
  const std::vector<std::uint32_t> epts = plan.quick ? std::vector<std::uint32_t>{1, 4, 16}
                                                     : std::vector<std::uint32_t>{1, 4, 8, 16};
  const auto max_wg = ctx.device().props.limits.maxComputeWorkGroupInvocations;
  std::uint32_t best_wg = 64, best_ept = 1;
  for (const char* kernel : {"read", "write", "copy"}) {
    const std::string module = std::string("bw_") + kernel;
    const std::uint64_t bytes = std::string(kernel) == "copy" ? 2 * buf_bytes : buf_bytes;
    std::size_t first_row = out.size();
    bool checked = false;
    for (std::uint32_t wg : wgs) {
      if (wg > max_wg) continue;
      for (std::uint32_t ept : epts) {
        if (plan.verify_only && (checked || std::string(kernel) == "read")) continue;
        const Pipeline p = ctx.pipeline(module, wg, ept);
        const Dispatch grid = grid_for(vec4s, wg, ept);
        const RecordFn rec = [&](VkCommandBuffer cmd, std::uint32_t i) {
          const std::uint32_t push[4] = {kNeverMatched, 0, 0, 0};
          vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
          vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, ctx.layout(), 0, 1,
                                  &sets[i % rotation], 0, nullptr);
          vkCmdPushConstants(cmd, ctx.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
          vkCmdDispatch(cmd, grid.x, grid.y, 1);
        };
        BenchResult row;
        if (!checked && std::string(kernel) != "read") {
          // Verify once per kernel: copy reproduces src, write leaves the index pattern.
          time_batches(ctx, rec, 1, 0, 1);
          std::vector<std::uint32_t> got(vec4s * 4), want(vec4s * 4);
          ctx.download(dst[0], got.data(), buf_bytes);
          if (std::string(kernel) == "copy") {
            ctx.download(src[0], want.data(), buf_bytes);
          } else {
            for (std::uint64_t v = 0; v < vec4s; ++v) {
              const std::uint32_t i = static_cast<std::uint32_t>(v);
              want[4 * v] = i ^ kNeverMatched;
              want[4 * v + 1] = i;
              want[4 * v + 2] = kNeverMatched;
              want[4 * v + 3] = static_cast<std::uint32_t>((v / wg) % ept);
            }
          }
          if (got != want) throw std::runtime_error(std::string("the ") + kernel + " kernel wrote wrong data");
          checked = true;
        }
        if (plan.verify_only) continue;
        const std::uint32_t n = calibrate(ctx, rec, rotation, plan.target_batch_seconds);
        row = make_row(kernel, "portable", buf_bytes, rotation, bytes,
                       time_batches(ctx, rec, n, plan.warmups, plan.samples));
        row.workgroup_size = wg;
        row.elements_per_thread = ept;
        out.push_back(row);
      }
    }
    if (out.size() > first_row) {
      auto best = std::max_element(out.begin() + static_cast<long>(first_row), out.end(),
                                   [](const BenchResult& a, const BenchResult& b) { return a.gb_per_s < b.gb_per_s; });
      best->best_of_sweep = true;
      progress(std::string(kernel) + ": best " + std::to_string(best->gb_per_s) + " GB/s (wg " +
               std::to_string(best->workgroup_size) + ", " + std::to_string(best->elements_per_thread) +
               " x 16 B per thread)");
      if (std::string(kernel) == "read") { best_wg = best->workgroup_size; best_ept = best->elements_per_thread; }
    }
  }
  if (!plan.verify_only) {
    // Driver baselines.
    for (const char* kernel : {"copy_buffer", "fill_buffer"}) {
      const bool copy = std::string(kernel) == "copy_buffer";
      const RecordFn rec = [&](VkCommandBuffer cmd, std::uint32_t i) {
        if (copy) {
          VkBufferCopy region{0, 0, buf_bytes};
          vkCmdCopyBuffer(cmd, src[i % rotation].buffer, dst[i % rotation].buffer, 1, &region);
        } else {
          vkCmdFillBuffer(cmd, dst[i % rotation].buffer, 0, buf_bytes, 0x5A5A5A5Au);
        }
      };
      const std::uint32_t n = calibrate(ctx, rec, rotation, plan.target_batch_seconds);
      out.push_back(make_row(kernel, "driver", buf_bytes, rotation, copy ? 2 * buf_bytes : buf_bytes,
                             time_batches(ctx, rec, n, plan.warmups, plan.samples)));
      out.back().best_of_sweep = true;
    }
    // Size sweep of the best read configuration on one buffer: cache plateau, then DRAM plateau.
    const Pipeline p = ctx.pipeline("bw_read", best_wg, best_ept);
    std::vector<std::uint64_t> sizes;
    for (std::uint64_t size = 1ull << 20; size < buf_bytes; size *= (plan.quick ? 4 : 2)) sizes.push_back(size);
    sizes.push_back(buf_bytes);
    for (const std::uint64_t size : sizes) {
      const Dispatch grid = grid_for(size / 16, best_wg, best_ept);
      const RecordFn rec = [&](VkCommandBuffer cmd, std::uint32_t) {
        const std::uint32_t push[4] = {kNeverMatched, 0, 0, 0};
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, ctx.layout(), 0, 1, &sets[0], 0, nullptr);
        vkCmdPushConstants(cmd, ctx.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
        vkCmdDispatch(cmd, grid.x, grid.y, 1);
      };
      const std::uint32_t n = calibrate(ctx, rec, 1, plan.target_batch_seconds);
      BenchResult row = make_row("size_sweep_read", "portable", size, 1, size,
                                 time_batches(ctx, rec, n, plan.warmups, plan.samples));
      row.workgroup_size = best_wg;
      row.elements_per_thread = best_ept;
      out.push_back(row);
    }
  }
  ctx.reset_descriptors();
  for (auto& b : src) ctx.destroy(b);
  for (auto& b : dst) ctx.destroy(b);
}

}  // namespace headroom::bench
