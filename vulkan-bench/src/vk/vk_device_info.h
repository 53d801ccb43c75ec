// What the bench knows about one physical device (identity, limits, memory heaps, the optional
// features the fast kernels use) and how it is queried and listed.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <vector>

namespace headroom::bench {

struct DeviceInfo {
  VkPhysicalDevice handle = VK_NULL_HANDLE;
  std::uint32_t index = 0;
  VkPhysicalDeviceProperties props{};
  VkPhysicalDeviceDriverProperties driver{};
  VkPhysicalDeviceSubgroupProperties subgroup{};
  VkPhysicalDeviceMemoryProperties memory{};
  std::uint32_t queue_family = 0;
  std::uint32_t timestamp_valid_bits = 0;
  bool has_driver_props = false;
  bool portability_subset = false;
  // Optional features the fast kernels use.
  bool storage_16bit = false, storage_8bit = false, int8 = false, int16 = false, float16 = false;
  bool subgroup_arithmetic = false;
  bool integer_dot_product = false;  // VK_KHR_shader_integer_dot_product (int8dot variant)
  bool int_dot_extension = false;    // the feature comes from the extension (API < 1.3)
  bool memory_budget = false;        // VK_EXT_memory_budget
  std::uint8_t uuid[VK_UUID_SIZE]{};
  std::uint64_t device_local_bytes = 0;
  std::uint64_t device_local_budget_bytes = 0;  // VK_EXT_memory_budget at query time, else 0
  // What buffers may use: the budget when the driver reports one, else the heap size.
  std::uint64_t usable_bytes() const {
    return device_local_budget_bytes > 0 ? device_local_budget_bytes : device_local_bytes;
  }
  std::vector<std::string> feature_names() const;
  // Features the fast kernels need (8/16-bit storage and arithmetic, subgroupAdd) and this
  // device lacks.
  std::vector<std::string> missing_fast_features() const;
  const char* type_name() const;
};

std::string version_text(std::uint32_t v);                    // "1.3.230"
std::string conformance_text(const VkConformanceVersion& c);  // "1.3.1.1"

// Queries every physical device of `instance`; a GPU that two drivers expose (same deviceUUID)
// is listed once, under the first driver that enumerates it.
std::vector<DeviceInfo> query_devices(VkInstance instance, std::uint32_t instance_api);
// One block of text per device for --list-devices.
std::string describe_device(const DeviceInfo& d);

}  // namespace headroom::bench
