#include "model_source.h"

#include "file_byte_source.h"
#include "headroom/gguf.h"
#include "text_file.h"

namespace headroom::cli {
namespace {

constexpr std::uint64_t kMaxConfigBytes = 16ull << 20;  // config.json files are kilobytes

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<ModelChoice> from_gguf(const std::string& path) {
  FileByteSource source(path);
  if (!source.ok()) return make_error(ErrorCode::invalid_argument, "model", "cannot open " + path + ": " + source.error());
  auto header = read_gguf_header(source);
  if (!header) return make_error(header.error().code, header.error().field, path + ": " + header.error().message);
  std::vector<std::string> notes;
  auto arch = arch_from_gguf(header.value(), base_name(path), &notes);
  if (!arch) return make_error(arch.error().code, arch.error().field, path + ": " + arch.error().message);
  for (auto& note : notes) arch->notes.push_back(std::move(note));
  return ModelChoice{std::move(arch).value(), true};
}

Result<ModelChoice> from_config(const std::string& path) {
  auto text = read_text_file(path, "model", kMaxConfigBytes);
  if (!text) return text.error();
  auto arch = parse_hf_config(text.value(), base_name(path));
  if (!arch) return make_error(arch.error().code, arch.error().field, path + ": " + arch.error().message);
  return ModelChoice{std::move(arch).value(), false};
}

}  // namespace

Result<ModelChoice> resolve_model(const Catalog& catalog, const std::string& spec) {
  if (ends_with(spec, ".gguf")) return from_gguf(spec);
  if (ends_with(spec, ".json")) return from_config(spec);
  auto entry = catalog.find_model(spec);
  if (!entry) return entry.error();
  return ModelChoice{entry.value()->arch, false};
}

}  // namespace headroom::cli
