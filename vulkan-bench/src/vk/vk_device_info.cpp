// Physical-device queries: identity, limits, memory heaps and the optional features the fast
// kernels use, for --list-devices, device choice and the report's device block.
#include "vk/vk_device_info.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <sstream>

#include "vk/vk_check.h"
#include "vk/vk_features.h"

namespace headroom::bench {

std::string conformance_text(const VkConformanceVersion& c) {
  return std::to_string(c.major) + "." + std::to_string(c.minor) + "." +
         std::to_string(c.subminor) + "." + std::to_string(c.patch);
}

std::string version_text(std::uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) +
         "." + std::to_string(VK_API_VERSION_PATCH(v));
}

const char* DeviceInfo::type_name() const {
  switch (props.deviceType) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete_gpu";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated_gpu";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual_gpu";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "cpu";
    default:
      return "other";
  }
}

namespace {

// The optional features in listing order; `fast`: the fast kernels need it.
struct OptionalFeature {
  const char* name;
  bool DeviceInfo::*present;
  bool fast;
};
constexpr OptionalFeature kOptionalFeatures[] = {
    {"storageBuffer16BitAccess", &DeviceInfo::storage_16bit, true},
    {"storageBuffer8BitAccess", &DeviceInfo::storage_8bit, true},
    {"shaderInt16", &DeviceInfo::int16, true},
    {"shaderInt8", &DeviceInfo::int8, true},
    {"shaderFloat16", &DeviceInfo::float16, false},
    {"subgroupArithmetic(compute)", &DeviceInfo::subgroup_arithmetic, true},
    {"shaderIntegerDotProduct", &DeviceInfo::integer_dot_product, false},
    {"VK_EXT_memory_budget", &DeviceInfo::memory_budget, false},
    {"VK_KHR_portability_subset", &DeviceInfo::portability_subset, false},
};

}  // namespace

std::vector<std::string> DeviceInfo::feature_names() const {
  std::vector<std::string> out;
  for (const auto& f : kOptionalFeatures) {
    if (this->*f.present) out.push_back(f.name);
  }
  return out;
}

std::vector<std::string> DeviceInfo::missing_fast_features() const {
  std::vector<std::string> out;
  for (const auto& f : kOptionalFeatures) {
    if (f.fast && !(this->*f.present)) out.push_back(f.name);
  }
  return out;
}

std::vector<DeviceInfo> query_devices(VkInstance instance, std::uint32_t instance_api) {
  std::uint32_t count = 0;
  vk_check(vkEnumeratePhysicalDevices(instance, &count, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> handles(count);
  if (count > 0) {
    vk_check(vkEnumeratePhysicalDevices(instance, &count, handles.data()),
             "vkEnumeratePhysicalDevices");
  }
  std::vector<DeviceInfo> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    DeviceInfo d;
    d.handle = handles[i];
    d.index = i;
    vkGetPhysicalDeviceProperties(d.handle, &d.props);
    const std::uint32_t api = std::min(d.props.apiVersion, instance_api);

    std::uint32_t ext_count = 0;
    vkEnumerateDeviceExtensionProperties(d.handle, nullptr, &ext_count, nullptr);
    std::vector<VkExtensionProperties> exts(ext_count);
    vkEnumerateDeviceExtensionProperties(d.handle, nullptr, &ext_count, exts.data());
    bool has_int_dot_ext = false;
    for (const auto& e : exts) {
      const std::string name = e.extensionName;
      if (name == "VK_KHR_portability_subset") d.portability_subset = true;
      if (name == VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME) has_int_dot_ext = true;
      if (name == VK_EXT_MEMORY_BUDGET_EXTENSION_NAME) d.memory_budget = true;
    }

    VkPhysicalDeviceIDProperties id_props{};
    id_props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES;
    VkPhysicalDeviceProperties2 props2{};
    props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    d.driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
    d.subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    props2.pNext = &id_props;
    id_props.pNext = &d.subgroup;
    if (api >= VK_API_VERSION_1_2) {
      d.subgroup.pNext = &d.driver;
      d.has_driver_props = true;
    }
    vkGetPhysicalDeviceProperties2(d.handle, &props2);
    d.subgroup.pNext = nullptr;
    d.driver.pNext = nullptr;
    std::memcpy(d.uuid, id_props.deviceUUID, VK_UUID_SIZE);

    FeatureChain chain(api >= VK_API_VERSION_1_2, api >= VK_API_VERSION_1_3 || has_int_dot_ext);
    d.int_dot_extension = api >= VK_API_VERSION_1_2 && api < VK_API_VERSION_1_3 && has_int_dot_ext;
    vkGetPhysicalDeviceFeatures2(d.handle, &chain.f2);
    d.int16 = chain.f2.features.shaderInt16 == VK_TRUE;
    d.storage_16bit = chain.f11.storageBuffer16BitAccess == VK_TRUE;
    d.storage_8bit = chain.f12.storageBuffer8BitAccess == VK_TRUE;
    d.int8 = chain.f12.shaderInt8 == VK_TRUE;
    d.float16 = chain.f12.shaderFloat16 == VK_TRUE;
    d.integer_dot_product = chain.dot.shaderIntegerDotProduct == VK_TRUE;
    d.subgroup_arithmetic = (d.subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) &&
                            (d.subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT);

    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{};
    budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT;
    VkPhysicalDeviceMemoryProperties2 mem2{};
    mem2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2;
    if (d.memory_budget) mem2.pNext = &budget;
    vkGetPhysicalDeviceMemoryProperties2(d.handle, &mem2);
    d.memory = mem2.memoryProperties;
    for (std::uint32_t h = 0; h < d.memory.memoryHeapCount; ++h) {
      if (d.memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) {
        d.device_local_bytes =
            std::max<std::uint64_t>(d.device_local_bytes, d.memory.memoryHeaps[h].size);
        if (d.memory_budget) {
          d.device_local_budget_bytes =
              std::max<std::uint64_t>(d.device_local_budget_bytes,
                                      std::min(budget.heapBudget[h], d.memory.memoryHeaps[h].size));
        }
      }
    }

    std::uint32_t qcount = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(d.handle, &qcount, nullptr);
    std::vector<VkQueueFamilyProperties> queues(qcount);
    vkGetPhysicalDeviceQueueFamilyProperties(d.handle, &qcount, queues.data());
    bool found = false;
    for (std::uint32_t q = 0; q < qcount && !found; ++q) {
      if (queues[q].queueFlags & VK_QUEUE_COMPUTE_BIT) {
        d.queue_family = q;
        d.timestamp_valid_bits = queues[q].timestampValidBits;
        found = true;
      }
    }
    const bool duplicate = std::any_of(out.begin(), out.end(), [&](const DeviceInfo& o) {
      return std::memcmp(o.uuid, d.uuid, VK_UUID_SIZE) == 0 &&
             std::any_of(std::begin(d.uuid), std::end(d.uuid),
                         [](std::uint8_t b) { return b != 0; });
    });
    if (found && !duplicate) out.push_back(d);
  }
  return out;
}

std::string describe_device(const DeviceInfo& d) {
  std::ostringstream s;
  char hex[32];
  s << "[" << d.index << "] " << d.props.deviceName << "\n";
  std::snprintf(hex, sizeof hex, "0x%04x", d.props.vendorID);
  s << "    vendorID " << hex;
  std::snprintf(hex, sizeof hex, "0x%04x", d.props.deviceID);
  s << "  deviceID " << hex << "  type " << d.type_name() << "\n";
  if (d.has_driver_props) {
    s << "    driverID " << d.driver.driverID << "  driverName " << d.driver.driverName
      << "  driverInfo " << d.driver.driverInfo << "\n";
    s << "    conformance " << conformance_text(d.driver.conformanceVersion) << "\n";
  }
  s << "    apiVersion " << version_text(d.props.apiVersion) << "  subgroupSize "
    << d.subgroup.subgroupSize << "\n";
  s << "    timestampPeriod " << d.props.limits.timestampPeriod << " ns  timestampValidBits "
    << d.timestamp_valid_bits << "\n";
  s << "    maxStorageBufferRange " << d.props.limits.maxStorageBufferRange << " bytes\n";
  for (std::uint32_t h = 0; h < d.memory.memoryHeapCount; ++h) {
    const auto& heap = d.memory.memoryHeaps[h];
    s << "    heap " << h << ": " << heap.size << " bytes"
      << ((heap.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) ? " (device local)" : "") << "\n";
  }
  if (d.device_local_budget_bytes > 0) {
    s << "    device-local budget " << d.device_local_budget_bytes
      << " bytes (VK_EXT_memory_budget)\n";
  }
  char uuid[2 * VK_UUID_SIZE + 1];
  for (std::uint32_t i = 0; i < VK_UUID_SIZE; ++i) {
    std::snprintf(uuid + 2 * i, 3, "%02x", d.uuid[i]);
  }
  s << "    deviceUUID " << uuid << "\n";
  s << "    features:";
  for (const auto& f : d.feature_names()) s << " " << f;
  s << "\n";
  return s.str();
}

}  // namespace headroom::bench
