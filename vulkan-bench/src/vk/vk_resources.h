// Vulkan resources the kernels use. A Buffer owns its VkBuffer and memory and frees them when it
// goes (move-only, so exactly one owner); a Pipeline is a view of one the Context owns.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>

namespace headroom::bench {

class Buffer {
 public:
  Buffer() = default;
  // A storage buffer (also a transfer source and destination) of `size_bytes`: host-visible and
  // mapped, or device-local. Throws VulkanError.
  static Buffer create(VkDevice device, const VkPhysicalDeviceMemoryProperties& memory,
                       std::uint64_t size_bytes, bool host_visible);
  ~Buffer();
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  std::uint64_t size_bytes() const { return size_bytes_; }
  void* mapped() const { return mapped_; }  // host-visible buffers only, else null

 private:
  void release() noexcept;

  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  std::uint64_t size_bytes_ = 0;
  void* mapped_ = nullptr;
};

// Not owning: the Context caches pipelines and destroys them with the device.
struct Pipeline {
  VkPipeline pipeline = VK_NULL_HANDLE;
};

}  // namespace headroom::bench
