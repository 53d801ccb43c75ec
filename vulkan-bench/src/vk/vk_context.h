// Vulkan plumbing for the bench: instance, device choice, the logical device with the features
// the kernels use enabled, buffers, compute pipelines and fenced submission (never an unbounded
// wait). Vulkan failures throw VulkanError naming the call; main() reports them and exits 2.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vk/vk_check.h"
#include "vk/vk_device_info.h"
#include "vk/vk_resources.h"

namespace headroom::bench {

class Context {
 public:
  // Creates the instance (portability enumeration where offered) and lists the devices.
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const std::vector<DeviceInfo>& devices() const { return devices_; }
  // Picks by index or name substring, or by preference (discrete > integrated > virtual > CPU);
  // `note` receives a line when a CPU device is used by default. Throws when none matches.
  const DeviceInfo& choose(const std::string& selector, std::string& note) const;
  // Creates the logical device with every supported feature the kernels use.
  void open(const DeviceInfo& device);
  const DeviceInfo& device() const { return *info_; }
  bool fast_enabled() const { return fast_enabled_; }
  bool has_module(const std::string& name) const;

  // Buffers must go before the Context (they free themselves on the device it owns).
  Buffer create_buffer(std::uint64_t size_bytes, bool host_visible);
  void upload(const Buffer& dst, const void* data, std::uint64_t size_bytes,
              std::uint64_t offset = 0);
  void download(const Buffer& src, void* data, std::uint64_t size_bytes);
  void fill(const Buffer& dst, std::uint32_t value);

  // A compute pipeline from an embedded module with spec constants 0 (workgroup size), 1 and 2.
  Pipeline pipeline(const std::string& module, std::uint32_t workgroup, std::uint32_t spec1,
                    std::uint32_t spec2 = 1);
  // A descriptor set binding buffers 0..3 (null entries get a small dummy buffer).
  VkDescriptorSet bind(const Buffer* b0, const Buffer* b1, const Buffer* b2, const Buffer* b3);
  void reset_descriptors();
  // Test hook: one call that breaks a valid-usage rule (a zero-sized buffer), so a run under the
  // validation layer must report an error.
  void inject_invalid_call();
  VkPipelineLayout layout() const { return layout_; }

  VkCommandBuffer begin();
  // Ends, submits and waits (bounded); returns host seconds from submit to fence.
  double submit_and_wait(VkCommandBuffer cmd);
  // Submits the command buffer recorded last again (already ended) and waits, bounded.
  double resubmit();
  VkQueryPool query_pool() const { return queries_; }
  VkDevice handle() const { return device_; }

 private:
  VkInstance instance_ = VK_NULL_HANDLE;
  std::vector<DeviceInfo> devices_;
  const DeviceInfo* info_ = nullptr;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkQueryPool queries_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  std::vector<std::pair<std::string, VkPipeline>> pipelines_;
  std::vector<VkShaderModule> modules_;
  Buffer dummy_;
  bool fast_enabled_ = false;
};

}  // namespace headroom::bench
