#include "model_source.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "file_byte_source.h"
#include "headroom/gguf.h"
#include "text_file.h"

namespace headroom::cli {
namespace {

constexpr std::uint64_t kMaxConfigBytes = 16ull << 20;  // config.json files are kilobytes

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The error, with the path of the file it was found in.
Error in_file(const std::string& path, Error error) {
  error.message = path + ": " + error.message;
  return error;
}

Result<ModelChoice> from_gguf(const std::string& path) {
  FileByteSource source(path);
  if (!source.ok())
    return refused(ErrorCode::invalid_argument, "model",
                   "cannot open " + path + ": " + source.error());
  auto arch = read_gguf_model(source, base_name(path));
  if (!arch) return in_file(path, arch.error());
  return ModelChoice{std::move(arch).value(), true};
}

// The folder part of a path, with its slash ("" for a bare file name).
std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

Result<ModelChoice> from_config(const std::string& path, const std::string& name) {
  auto text = read_text_file(path, "model", kMaxConfigBytes);
  if (!text) return text.error();
  // A ModelOpt checkpoint's quantization may sit beside config.json, as vLLM reads it.
  const std::string quant_path = folder_of(path) + "hf_quant_config.json";
  if (std::FILE* probe = std::fopen(quant_path.c_str(), "rb")) {
    std::fclose(probe);
    auto quant = read_text_file(quant_path, "model", kMaxConfigBytes);
    if (!quant) return quant.error();
    auto merged = with_hf_quant_config(text.value(), quant.value());
    if (!merged) return in_file(quant_path, merged.error());
    text = std::move(merged);
  }
  auto arch = parse_hf_config(text.value(), name);
  if (!arch) return in_file(path, arch.error());
  return ModelChoice{std::move(arch).value(), false};
}

}  // namespace

std::optional<Result<ModelChoice>> read_model_file(const std::string& spec) {
  if (ends_with(spec, ".gguf")) return from_gguf(spec);
  if (ends_with(spec, ".json")) return from_config(spec, base_name(spec));
  // A checkpoint folder, as vllm serve and from_pretrained take it: its config.json.
  std::error_code error;
  if (!spec.empty() && std::filesystem::is_directory(spec, error)) {
    const std::string config = spec + (spec.back() == '/' ? "" : "/") + "config.json";
    if (!std::filesystem::is_regular_file(config, error)) {
      return Result<ModelChoice>(refused(ErrorCode::invalid_argument, "model",
                                         "folder " + spec + " holds no config.json"));
    }
    std::string folder = spec;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    return from_config(config, base_name(folder));
  }
  return std::nullopt;
}

}  // namespace headroom::cli
