// libFuzzer target: a GGUF header (`--model file.gguf`) through read_gguf_header over a memory
// ByteSource, then arch_from_gguf on every header it accepts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/gguf.h"

namespace {
// The seeds are headers cut from sparse files: the reported size leaves room for the tensor data
// the header points at (the reader never reads it), so offsets are checked, not refused. Past
// the input the source reads as zeros for 1 MiB (the reader fetches 64 KiB chunks) and then
// fails like an unreadable file: zeros all the way to the 512 MiB header limit let one mutation
// spend seconds on linear (bounded) work, which made the 5 s per-input timeout measure the
// machine rather than the reader.
class FuzzSource final : public headroom::ByteSource {
 public:
  explicit FuzzSource(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size() + (1ull << 40); }
  bool read_at(std::uint64_t offset, void* out, std::size_t n) const override {
    const std::uint64_t readable = bytes_.size() + kZeroPaddingBytes;
    if (offset > readable || n > readable - offset) return false;
    auto* dest = static_cast<char*>(out);
    std::size_t copied = 0;
    if (offset < bytes_.size()) {
      copied = static_cast<std::size_t>(std::min<std::uint64_t>(n, bytes_.size() - offset));
      std::memcpy(dest, bytes_.data() + offset, copied);
    }
    std::memset(dest + copied, 0, n - copied);
    return true;
  }

 private:
  static constexpr std::uint64_t kZeroPaddingBytes = 1ull << 20;
  std::string_view bytes_;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const FuzzSource source(bytes);
  auto header = headroom::read_gguf_header(source);
  if (!header) return 0;
  std::vector<std::string> notes;
  (void)headroom::arch_from_gguf(header.value(), "fuzz.gguf", &notes);
  return 0;
}
