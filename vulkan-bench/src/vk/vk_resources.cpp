// Buffers (device-local, filled through a host-visible staging copy), compute pipelines built
// from the embedded SPIR-V, and descriptor sets.
#include "vk/vk_resources.h"

#include <cstring>
#include <string>
#include <utility>

#include "spirv_table.h"
#include "vk/vk_context.h"

namespace headroom::bench {

namespace {

// The first memory type in `bits` with every `want` flag, preferring one without `avoid`.
std::uint32_t memory_type(const VkPhysicalDeviceMemoryProperties& mem, std::uint32_t bits,
                          VkMemoryPropertyFlags want, VkMemoryPropertyFlags avoid) {
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uint32_t i = 0; i < mem.memoryTypeCount; ++i) {
      const auto flags = mem.memoryTypes[i].propertyFlags;
      if (!(bits & (1u << i)) || (flags & want) != want) continue;
      if (pass == 0 && (flags & avoid)) continue;
      return i;
    }
  }
  throw VulkanError("no Vulkan memory type with the needed properties");
}

// The embedded module named `name`, or null.
const SpirvModule* find_module(const std::string& name) {
  for (const auto& m : spirv_modules()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

}  // namespace

Buffer Buffer::create(VkDevice device, const VkPhysicalDeviceMemoryProperties& memory,
                      std::uint64_t size_bytes, bool host_visible) {
  // Built in place: whatever was created before a failing call is freed as `b` unwinds.
  Buffer b;
  b.device_ = device;
  b.size_bytes_ = size_bytes;
  VkBufferCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  ci.size = size_bytes;
  ci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
             VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  vk_check(vkCreateBuffer(device, &ci, nullptr, &b.buffer_), "vkCreateBuffer");
  VkMemoryRequirements req{};
  vkGetBufferMemoryRequirements(device, b.buffer_, &req);
  VkMemoryAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  ai.allocationSize = req.size;
  ai.memoryTypeIndex =
      host_visible
          ? memory_type(memory, req.memoryTypeBits,
                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                        0)
          : memory_type(memory, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
  vk_check(vkAllocateMemory(device, &ai, nullptr, &b.memory_), "vkAllocateMemory");
  vk_check(vkBindBufferMemory(device, b.buffer_, b.memory_, 0), "vkBindBufferMemory");
  if (host_visible) {
    vk_check(vkMapMemory(device, b.memory_, 0, VK_WHOLE_SIZE, 0, &b.mapped_), "vkMapMemory");
  }
  return b;
}

Buffer::~Buffer() { release(); }

Buffer::Buffer(Buffer&& other) noexcept
    : device_(std::exchange(other.device_, VK_NULL_HANDLE)),
      buffer_(std::exchange(other.buffer_, VK_NULL_HANDLE)),
      memory_(std::exchange(other.memory_, VK_NULL_HANDLE)),
      size_bytes_(std::exchange(other.size_bytes_, 0)),
      mapped_(std::exchange(other.mapped_, nullptr)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
    memory_ = std::exchange(other.memory_, VK_NULL_HANDLE);
    size_bytes_ = std::exchange(other.size_bytes_, 0);
    mapped_ = std::exchange(other.mapped_, nullptr);
  }
  return *this;
}

void Buffer::release() noexcept {
  // Freeing the memory unmaps it.
  if (buffer_ != VK_NULL_HANDLE) vkDestroyBuffer(device_, buffer_, nullptr);
  if (memory_ != VK_NULL_HANDLE) vkFreeMemory(device_, memory_, nullptr);
  buffer_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  size_bytes_ = 0;
  mapped_ = nullptr;
}

Buffer Context::create_buffer(std::uint64_t size_bytes, bool host_visible) {
  return Buffer::create(device_, info_->memory, size_bytes, host_visible);
}

void Context::upload(const Buffer& dst, const void* data, std::uint64_t size_bytes,
                     std::uint64_t offset) {
  Buffer staging = create_buffer(size_bytes, true);
  std::memcpy(staging.mapped(), data, size_bytes);
  VkCommandBuffer cmd = begin();
  VkBufferCopy region{0, offset, size_bytes};
  vkCmdCopyBuffer(cmd, staging.handle(), dst.handle(), 1, &region);
  submit_and_wait(cmd);
}

void Context::download(const Buffer& src, void* data, std::uint64_t size_bytes) {
  Buffer staging = create_buffer(size_bytes, true);
  VkCommandBuffer cmd = begin();
  VkMemoryBarrier mb{};
  mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
  VkBufferCopy region{0, 0, size_bytes};
  vkCmdCopyBuffer(cmd, src.handle(), staging.handle(), 1, &region);
  mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb,
                       0, nullptr, 0, nullptr);
  submit_and_wait(cmd);
  std::memcpy(data, staging.mapped(), size_bytes);
}

void Context::fill(const Buffer& dst, std::uint32_t value) {
  VkCommandBuffer cmd = begin();
  vkCmdFillBuffer(cmd, dst.handle(), 0, VK_WHOLE_SIZE, value);
  submit_and_wait(cmd);
}

bool Context::has_module(const std::string& name) const { return find_module(name) != nullptr; }

Pipeline Context::pipeline(const std::string& module, std::uint32_t workgroup, std::uint32_t spec1,
                           std::uint32_t spec2) {
  const std::string key = module + "/" + std::to_string(workgroup) + "/" + std::to_string(spec1) +
                          "/" + std::to_string(spec2);
  for (const auto& p : pipelines_) {
    if (p.first == key) return Pipeline{p.second};
  }
  const SpirvModule* found = find_module(module);
  if (found == nullptr) throw VulkanError("no embedded shader named " + module);
  VkShaderModuleCreateInfo sm{};
  sm.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  sm.codeSize = found->size_bytes;
  sm.pCode = found->code;
  VkShaderModule shader = VK_NULL_HANDLE;
  vk_check(vkCreateShaderModule(device_, &sm, nullptr, &shader), "vkCreateShaderModule");
  modules_.push_back(shader);
  const std::uint32_t spec_data[3] = {workgroup, spec1, spec2};
  const VkSpecializationMapEntry entries[3] = {{0, 0, 4}, {1, 4, 4}, {2, 8, 4}};
  VkSpecializationInfo spec{};
  spec.mapEntryCount = 3;
  spec.pMapEntries = entries;
  spec.dataSize = sizeof spec_data;
  spec.pData = spec_data;
  VkComputePipelineCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = shader;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = &spec;
  ci.layout = layout_;
  VkPipeline p = VK_NULL_HANDLE;
  vk_check(vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &ci, nullptr, &p),
           "vkCreateComputePipelines");
  pipelines_.emplace_back(key, p);
  return Pipeline{p};
}

VkDescriptorSet Context::bind(const Buffer* b0, const Buffer* b1, const Buffer* b2,
                              const Buffer* b3) {
  VkDescriptorSetAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  ai.descriptorPool = descriptor_pool_;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = &set_layout_;
  VkDescriptorSet set = VK_NULL_HANDLE;
  vk_check(vkAllocateDescriptorSets(device_, &ai, &set), "vkAllocateDescriptorSets");
  const Buffer* bufs[4] = {b0, b1, b2, b3};
  VkDescriptorBufferInfo infos[4]{};
  VkWriteDescriptorSet writes[4]{};
  for (std::uint32_t i = 0; i < 4; ++i) {
    const Buffer* b = bufs[i] != nullptr ? bufs[i] : &dummy_;
    infos[i].buffer = b->handle();
    infos[i].range = VK_WHOLE_SIZE;
    writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device_, 4, writes, 0, nullptr);
  return set;
}

void Context::inject_invalid_call() {
  VkBufferCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  ci.size = 0;  // VUID-VkBufferCreateInfo-size-00912: size must be greater than 0
  ci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer b = VK_NULL_HANDLE;
  if (vkCreateBuffer(device_, &ci, nullptr, &b) == VK_SUCCESS && b != VK_NULL_HANDLE) {
    vkDestroyBuffer(device_, b, nullptr);
  }
}

void Context::reset_descriptors() {
  vk_check(vkResetDescriptorPool(device_, descriptor_pool_, 0), "vkResetDescriptorPool");
}

}  // namespace headroom::bench
