// Vulkan plumbing for the bench: instance, device choice, the logical device with the features
// the kernels use enabled, buffers, compute pipelines and fenced submission (never an unbounded
// wait). Vulkan failures throw VulkanError naming the call; main() reports them and exits 2.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace headroom::bench {

struct VulkanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void vk_check(VkResult result, const char* call);
const char* vk_result_name(VkResult result);

// What the bench needs to know about one physical device.
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
  std::vector<std::string> missing_fast_features() const;
  // Device features a GEMV variant (portable, fast, fp16, int8dot) needs and this device lacks.
  std::vector<std::string> missing_features(const std::string& variant) const;
  const char* type_name() const;
};

std::string version_text(std::uint32_t v);

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  std::uint64_t size_bytes = 0;
  void* mapped = nullptr;  // host-visible buffers only
};

struct Pipeline {
  VkPipeline pipeline = VK_NULL_HANDLE;
  std::string name;
};

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

  Buffer create_buffer(std::uint64_t size_bytes, bool host_visible);
  void destroy(Buffer& buffer);
  void upload(const Buffer& dst, const void* data, std::uint64_t size_bytes, std::uint64_t offset = 0);
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

  std::uint32_t memory_type(std::uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags avoid) const;
};

}  // namespace headroom::bench

namespace headroom::bench {
// Queries every physical device of `instance` (vk_device_info.cpp); a GPU that two drivers
// expose (same deviceUUID) is listed once, under the first driver that enumerates it.
std::vector<DeviceInfo> query_devices(VkInstance instance, std::uint32_t instance_api);
// One block of text per device for --list-devices.
std::string describe_device(const DeviceInfo& d);
}  // namespace headroom::bench
