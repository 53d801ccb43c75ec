#include "base/release.h"

#include <cctype>

namespace headroom {

Release parse_release(std::string_view build) {
  // An image tag names the platform's version before the engine's: read after "vllm_".
  const std::size_t tag = build.find("vllm_");
  if (tag != std::string_view::npos) build.remove_prefix(tag + 5);
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i < build.size(); ++i) {
    if (!digit(build[i]) || (i > 0 && (digit(build[i - 1]) || build[i - 1] == '.'))) continue;
    std::size_t j = i;
    int major = 0, minor = 0;
    while (j < build.size() && digit(build[j]) && major < 1000)
      major = major * 10 + (build[j++] - '0');
    if (j + 1 >= build.size() || build[j] != '.' || !digit(build[j + 1])) continue;
    ++j;
    while (j < build.size() && digit(build[j]) && minor < 1000)
      minor = minor * 10 + (build[j++] - '0');
    int patch = 0;
    if (j + 1 < build.size() && build[j] == '.' && digit(build[j + 1])) {
      ++j;
      while (j < build.size() && digit(build[j]) && patch < 1000)
        patch = patch * 10 + (build[j++] - '0');
    }
    return {major, minor, patch};
  }
  return {};
}

}  // namespace headroom
