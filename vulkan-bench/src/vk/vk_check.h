// Vulkan failures as exceptions: every call that can fail goes through vk_check, which throws a
// VulkanError naming the call; main() reports it as one line and exits 2.
#pragma once

#include <vulkan/vulkan.h>

#include <stdexcept>

namespace headroom::bench {

struct VulkanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws a VulkanError naming `call` unless `result` is VK_SUCCESS.
void vk_check(VkResult result, const char* call);
const char* vk_result_name(VkResult result);

}  // namespace headroom::bench
