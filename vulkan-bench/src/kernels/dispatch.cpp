// Dispatch recording shared by the bandwidth and quant kernels.
#include "kernels/dispatch.h"

#include <algorithm>
#include <utility>

namespace headroom::bench {

Grid grid_for(std::uint64_t groups, std::uint32_t max_x) {
  const std::uint64_t x = std::min<std::uint64_t>(groups, max_x);
  return Grid{static_cast<std::uint32_t>(x), static_cast<std::uint32_t>((groups + x - 1) / x)};
}

RecordFn record_dispatch(const Context& ctx, Pipeline pipeline, std::vector<VkDescriptorSet> sets,
                         Grid grid, std::optional<PushConstants> push) {
  return [layout = ctx.layout(), pipeline, sets = std::move(sets), grid, push](
             VkCommandBuffer cmd, std::uint32_t index) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1,
                            &sets[index % sets.size()], 0, nullptr);
    if (push) {
      vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushConstants),
                         push->data());
    }
    vkCmdDispatch(cmd, grid.x, grid.y, 1);
  };
}

}  // namespace headroom::bench
