// A GGUF file as a model: header, architecture and the reader's assumptions in one call, shared by
// the CLI (a file on disk) and wasm (the bytes a page sliced from a dropped file).
#include <utility>
#include <vector>

#include "headroom/gguf.h"

namespace headroom {

Result<ModelArch> read_gguf_model(const ByteSource& source, std::string_view id) {
  auto header = read_gguf_header(source);
  if (!header) return header.error();
  std::vector<std::string> notes;
  auto arch = arch_from_gguf(header.value(), id, &notes);
  if (!arch) return arch.error();
  for (auto& note : notes) arch->notes.push_back(std::move(note));
  return arch;
}

}  // namespace headroom
