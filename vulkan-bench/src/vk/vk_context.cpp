// Instance, device choice, logical device creation and bounded submission.
#include "vk/vk_context.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>

#include "vk/vk_features.h"

namespace headroom::bench {
namespace {

constexpr std::uint64_t kFenceTimeoutNs =
    300ull * 1000 * 1000 * 1000;  // 5 minutes: lavapipe is slow

bool has_instance_extension(const char* name) {
  std::uint32_t count = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> exts(count);
  vkEnumerateInstanceExtensionProperties(nullptr, &count, exts.data());
  for (const auto& e : exts) {
    if (std::strcmp(e.extensionName, name) == 0) return true;
  }
  return false;
}

int preference(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 3;
    default:
      return 4;
  }
}

}  // namespace

Context::Context() {
  std::uint32_t instance_api = VK_API_VERSION_1_0;
  auto enumerate_version = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
      vkGetInstanceProcAddr(nullptr, "vkEnumerateInstanceVersion"));
  if (enumerate_version != nullptr) enumerate_version(&instance_api);
  instance_api = std::min<std::uint32_t>(instance_api, VK_API_VERSION_1_3);
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "headroom-bench";
  app.apiVersion = std::max<std::uint32_t>(instance_api, VK_API_VERSION_1_1);
  std::vector<const char*> exts;
  VkInstanceCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  if (has_instance_extension(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
    exts.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
    ci.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  }
  ci.pApplicationInfo = &app;
  ci.enabledExtensionCount = static_cast<std::uint32_t>(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  const VkResult r = vkCreateInstance(&ci, nullptr, &instance_);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER || r == VK_ERROR_INITIALIZATION_FAILED) {
    throw VulkanError(
        "no Vulkan device found (vkCreateInstance: " + std::string(vk_result_name(r)) + ")");
  }
  vk_check(r, "vkCreateInstance");
  devices_ = query_devices(instance_, app.apiVersion);
}

Context::~Context() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    for (auto& p : pipelines_) vkDestroyPipeline(device_, p.second, nullptr);
    for (auto m : modules_) vkDestroyShaderModule(device_, m, nullptr);
    dummy_ = Buffer{};  // freed while its device still exists
    if (descriptor_pool_) vkDestroyDescriptorPool(device_, descriptor_pool_, nullptr);
    if (layout_) vkDestroyPipelineLayout(device_, layout_, nullptr);
    if (set_layout_) vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
    if (queries_) vkDestroyQueryPool(device_, queries_, nullptr);
    if (fence_) vkDestroyFence(device_, fence_, nullptr);
    if (pool_) vkDestroyCommandPool(device_, pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
}

const DeviceInfo& Context::choose(const std::string& selector, std::string& note) const {
  if (devices_.empty()) throw VulkanError("no Vulkan device found");
  if (!selector.empty()) {
    const bool numeric = std::all_of(selector.begin(), selector.end(),
                                     [](unsigned char c) { return std::isdigit(c) != 0; });
    for (const auto& d : devices_) {
      if (numeric ? std::to_string(d.index) == selector
                  : std::string(d.props.deviceName).find(selector) != std::string::npos) {
        return d;
      }
    }
    throw VulkanError("no Vulkan device matches --device '" + selector + "' (see --list-devices)");
  }
  const DeviceInfo* best = &devices_.front();
  for (const auto& d : devices_) {
    if (preference(d.props.deviceType) < preference(best->props.deviceType)) best = &d;
  }
  if (best->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU) {
    note = std::string("note: no GPU found; using the CPU device '") + best->props.deviceName +
           "' (results measure host memory through a JIT, not a GPU)";
  }
  return *best;
}

void Context::open(const DeviceInfo& d) {
  info_ = &d;
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo q{};
  q.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  q.queueFamilyIndex = d.queue_family;
  q.queueCount = 1;
  q.pQueuePriorities = &priority;

  // Enable exactly the supported features the kernels use; fast kernels need all of them.
  fast_enabled_ = d.missing_fast_features().empty();
  FeatureChain chain(d.props.apiVersion >= VK_API_VERSION_1_2, d.integer_dot_product);
  chain.f2.features.shaderInt16 = d.int16 ? VK_TRUE : VK_FALSE;
  chain.f11.storageBuffer16BitAccess = d.storage_16bit ? VK_TRUE : VK_FALSE;
  chain.f12.storageBuffer8BitAccess = d.storage_8bit ? VK_TRUE : VK_FALSE;
  chain.f12.shaderInt8 = d.int8 ? VK_TRUE : VK_FALSE;
  chain.f12.shaderFloat16 = d.float16 ? VK_TRUE : VK_FALSE;
  chain.dot.shaderIntegerDotProduct = d.integer_dot_product ? VK_TRUE : VK_FALSE;
  std::vector<const char*> exts;
  if (d.portability_subset) exts.push_back("VK_KHR_portability_subset");
  if (d.integer_dot_product && d.int_dot_extension) {
    exts.push_back(VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
  }
  if (d.memory_budget) exts.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
  VkDeviceCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  ci.pNext = &chain.f2;
  ci.queueCreateInfoCount = 1;
  ci.pQueueCreateInfos = &q;
  ci.enabledExtensionCount = static_cast<std::uint32_t>(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  vk_check(vkCreateDevice(d.handle, &ci, nullptr, &device_), "vkCreateDevice");
  vkGetDeviceQueue(device_, d.queue_family, 0, &queue_);

  VkCommandPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pci.queueFamilyIndex = d.queue_family;
  vk_check(vkCreateCommandPool(device_, &pci, nullptr, &pool_), "vkCreateCommandPool");
  VkCommandBufferAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  ai.commandPool = pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  vk_check(vkAllocateCommandBuffers(device_, &ai, &cmd_), "vkAllocateCommandBuffers");
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  vk_check(vkCreateFence(device_, &fci, nullptr, &fence_), "vkCreateFence");
  if (d.timestamp_valid_bits > 0) {
    VkQueryPoolCreateInfo qci{};
    qci.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
    qci.queryType = VK_QUERY_TYPE_TIMESTAMP;
    qci.queryCount = 2;
    vk_check(vkCreateQueryPool(device_, &qci, nullptr, &queries_), "vkCreateQueryPool");
  }

  VkDescriptorSetLayoutBinding bindings[4]{};
  for (std::uint32_t i = 0; i < 4; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo dl{};
  dl.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  dl.bindingCount = 4;
  dl.pBindings = bindings;
  vk_check(vkCreateDescriptorSetLayout(device_, &dl, nullptr, &set_layout_),
           "vkCreateDescriptorSetLayout");
  VkPushConstantRange range{};
  range.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  range.size = 16;
  VkPipelineLayoutCreateInfo pl{};
  pl.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  pl.setLayoutCount = 1;
  pl.pSetLayouts = &set_layout_;
  pl.pushConstantRangeCount = 1;
  pl.pPushConstantRanges = &range;
  vk_check(vkCreatePipelineLayout(device_, &pl, nullptr, &layout_), "vkCreatePipelineLayout");
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4 * 256};
  VkDescriptorPoolCreateInfo dp{};
  dp.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  dp.maxSets = 256;
  dp.poolSizeCount = 1;
  dp.pPoolSizes = &size;
  vk_check(vkCreateDescriptorPool(device_, &dp, nullptr, &descriptor_pool_),
           "vkCreateDescriptorPool");
  dummy_ = create_buffer(64, false);
  fill(dummy_, 0);
}

VkCommandBuffer Context::begin() {
  vk_check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  vk_check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
  return cmd_;
}

double Context::submit_and_wait(VkCommandBuffer cmd) {
  vk_check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
  return resubmit();
}

double Context::resubmit() {
  VkCommandBuffer cmd = cmd_;
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  vk_check(vkResetFences(device_, 1, &fence_), "vkResetFences");
  const auto t0 = std::chrono::steady_clock::now();
  vk_check(vkQueueSubmit(queue_, 1, &si, fence_), "vkQueueSubmit");
  const VkResult waited = vkWaitForFences(device_, 1, &fence_, VK_TRUE, kFenceTimeoutNs);
  if (waited != VK_SUCCESS) {
    // The batch may still run: let it end before unwinding frees the buffers it uses (the
    // destructor waits for the device the same way).
    vkDeviceWaitIdle(device_);
  }
  vk_check(waited, "vkWaitForFences");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace headroom::bench
