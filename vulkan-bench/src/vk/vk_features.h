// The feature-struct chain the kernels care about, built once for both querying a device
// (vkGetPhysicalDeviceFeatures2) and enabling features on it (VkDeviceCreateInfo::pNext).
#pragma once

#include <vulkan/vulkan.h>

namespace headroom::bench {

struct FeatureChain {
  VkPhysicalDeviceFeatures2 f2{};
  VkPhysicalDeviceVulkan11Features f11{};
  VkPhysicalDeviceVulkan12Features f12{};
  VkPhysicalDeviceShaderIntegerDotProductFeatures dot{};

  // Links f2 -> f11 -> f12 (-> dot) on Vulkan 1.2+ devices; older ones get f2 alone.
  FeatureChain(bool vulkan_1_2, bool with_integer_dot) {
    f2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    f11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
    f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    dot.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
    if (!vulkan_1_2) return;
    f2.pNext = &f11;
    f11.pNext = &f12;
    if (with_integer_dot) f12.pNext = &dot;
  }
  // The chain points into itself: copying it would leave pointers to the original.
  FeatureChain(const FeatureChain&) = delete;
  FeatureChain& operator=(const FeatureChain&) = delete;
};

}  // namespace headroom::bench
