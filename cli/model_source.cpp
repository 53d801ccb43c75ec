#include "model_source.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "file_byte_source.h"
#include "headroom/gguf.h"

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
  auto arch = arch_from_gguf(header.value(), base_name(path));
  if (!arch) return make_error(arch.error().code, arch.error().field, path + ": " + arch.error().message);
  return ModelChoice{std::move(arch).value(), true};
}

Result<ModelChoice> from_config(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return make_error(ErrorCode::invalid_argument, "model", "cannot open " + path);
  }
  if (static_cast<std::uint64_t>(info.st_size) > kMaxConfigBytes) {
    return make_error(ErrorCode::invalid_argument, "model", path + " is larger than 16 MiB; is it really a config.json?");
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  auto arch = parse_hf_config(text.str(), base_name(path));
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
