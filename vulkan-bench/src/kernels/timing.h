// GPU-timestamp timing of batches of dispatches recorded into one command buffer: warm-ups,
// then one sample per submit = (end - start ticks, masked to the valid bits) * timestampPeriod / N.
// Falls back to host wall clock (submit to fence) when the queue has no timestamps or they do not
// advance (MoltenVK, some mobile drivers).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "vk/vk_context.h"

namespace headroom::bench {

struct Timed {
  std::vector<double> per_dispatch_seconds;  // one per sample
  bool wall_clock = false;                   // true when timestamps were unusable
};

using RecordFn = std::function<void(VkCommandBuffer cmd, std::uint32_t index)>;

// Records `per_batch` dispatches (barrier between each) and submits warmups + samples times.
Timed time_batches(Context& ctx, const RecordFn& record, std::uint32_t per_batch,
                   std::uint32_t warmups, std::uint32_t samples);

// Dispatches per batch so a batch lasts about `target_seconds` (at least `minimum`, at most 256).
std::uint32_t calibrate(Context& ctx, const RecordFn& record, std::uint32_t minimum,
                        double target_seconds);

// A compute-to-compute (and transfer) memory barrier between dependent commands.
void full_barrier(VkCommandBuffer cmd);

}  // namespace headroom::bench
