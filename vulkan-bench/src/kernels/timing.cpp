// Batch timing with GPU timestamps and a wall-clock fallback.
#include "kernels/timing.h"

#include <algorithm>
#include <cmath>

namespace headroom::bench {

void full_barrier(VkCommandBuffer cmd) {
  VkMemoryBarrier mb{};
  mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                     VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  const VkPipelineStageFlags stages =
      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vkCmdPipelineBarrier(cmd, stages, stages, 0, 1, &mb, 0, nullptr, 0, nullptr);
}

Timed time_batches(Context& ctx, const RecordFn& record, std::uint32_t per_batch,
                   std::uint32_t warmups, std::uint32_t samples) {
  const DeviceInfo& dev = ctx.device();
  const bool timestamps =
      ctx.query_pool() != VK_NULL_HANDLE && dev.props.limits.timestampPeriod > 0;
  VkCommandBuffer cmd = ctx.begin();
  if (timestamps) {
    vkCmdResetQueryPool(cmd, ctx.query_pool(), 0, 2);
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, ctx.query_pool(), 0);
  }
  for (std::uint32_t i = 0; i < per_batch; ++i) {
    if (i > 0) full_barrier(cmd);
    record(cmd, i);
  }
  if (timestamps) {
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, ctx.query_pool(), 1);
  }
  vk_check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");

  const std::uint64_t mask =
      dev.timestamp_valid_bits >= 64 ? ~0ull : ((1ull << dev.timestamp_valid_bits) - 1);
  const double period_ns = static_cast<double>(dev.props.limits.timestampPeriod);
  Timed out;
  for (std::uint32_t s = 0; s < warmups + samples; ++s) {
    const double wall = ctx.resubmit();
    double seconds = wall;
    bool used_wall = true;
    if (timestamps) {
      std::uint64_t ticks[2] = {0, 0};
      vk_check(vkGetQueryPoolResults(ctx.handle(), ctx.query_pool(), 0, 2, sizeof ticks, ticks,
                                     sizeof(std::uint64_t),
                                     VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
               "vkGetQueryPoolResults");
      const std::uint64_t delta = (ticks[1] - ticks[0]) & mask;
      if (delta > 0 && (ticks[1] & mask) > (ticks[0] & mask)) {
        seconds = static_cast<double>(delta) * period_ns * 1e-9;
        used_wall = false;
      }
    }
    if (s < warmups) continue;
    out.wall_clock = out.wall_clock || used_wall;
    out.per_dispatch_seconds.push_back(seconds / per_batch);
  }
  return out;
}

std::uint32_t calibrate(Context& ctx, const RecordFn& record, std::uint32_t minimum,
                        double target_seconds) {
  const Timed probe = time_batches(ctx, record, minimum, 0, 1);
  const double per = probe.per_dispatch_seconds.front();
  if (per <= 0) return minimum;
  const double want = std::ceil(target_seconds / per);
  std::uint32_t n = static_cast<std::uint32_t>(std::clamp(want, 1.0, 256.0));
  n = std::max(n, minimum);
  return (n + minimum - 1) / minimum * minimum;  // whole rotations
}

}  // namespace headroom::bench
