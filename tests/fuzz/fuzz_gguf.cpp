// libFuzzer target: a GGUF header (`--model file.gguf`) through read_gguf_header over a memory
// ByteSource, then arch_from_gguf on every header it accepts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The seeds are headers cut from sparse files: the reported size leaves room for the tensor
  // data the header points at (the reader never reads it), so offsets are checked, not refused.
  const headroom::MemoryByteSource source(bytes, size + (1ull << 40));
  auto header = headroom::read_gguf_header(source);
  if (!header) return 0;
  std::vector<std::string> notes;
  (void)headroom::arch_from_gguf(header.value(), "fuzz.gguf", &notes);
  return 0;
}
