// MemoryByteSource: a ByteSource over bytes in memory, optionally padded with virtual zeros.
#include <algorithm>
#include <cstring>

#include "headroom/gguf.h"

namespace headroom {

MemoryByteSource::MemoryByteSource(std::span<const std::byte> bytes,
                                   std::uint64_t reported_size_bytes)
    : data_(bytes.data()),
      data_bytes_(bytes.size()),
      size_bytes_(std::max<std::uint64_t>(bytes.size(), reported_size_bytes)) {}

MemoryByteSource::MemoryByteSource(std::string_view bytes, std::uint64_t reported_size_bytes)
    : MemoryByteSource(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())),
                       reported_size_bytes) {}

bool MemoryByteSource::read_at(std::uint64_t offset, void* out, std::size_t bytes) const {
  if (offset > size_bytes_ || bytes > size_bytes_ - offset) return false;
  auto* dest = static_cast<std::byte*>(out);
  std::size_t copied = 0;
  if (offset < data_bytes_) {
    copied = static_cast<std::size_t>(std::min<std::uint64_t>(bytes, data_bytes_ - offset));
    if (copied > 0) std::memcpy(dest, data_ + offset, copied);
  }
  if (copied < bytes) std::memset(dest + copied, 0, bytes - copied);  // past the buffer: zeros
  return true;
}

}  // namespace headroom
