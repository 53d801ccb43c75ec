// One compute dispatch of a timed batch, recorded the same way for every kernel, and the grid
// that covers a number of workgroups.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/timing.h"
#include "vk/vk_context.h"

namespace headroom::bench {

struct Grid {
  std::uint32_t x = 1, y = 1;
};

// `groups` workgroups as x (at most `max_x`) by y, y rounded up: the quant shaders skip the
// surplus, and the bandwidth grids are powers of two, so they have none.
Grid grid_for(std::uint64_t groups, std::uint32_t max_x);

// The 16 bytes of push constants the pipeline layout declares.
using PushConstants = std::array<std::uint32_t, 4>;

// A batch step that binds `pipeline` and descriptor set `index % sets.size()`, pushes `push`
// when there is one and dispatches `grid`.
RecordFn record_dispatch(const Context& ctx, Pipeline pipeline, std::vector<VkDescriptorSet> sets,
                         Grid grid, std::optional<PushConstants> push = std::nullopt);

}  // namespace headroom::bench
