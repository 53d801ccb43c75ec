// The engine release a build string names: one reader for the speed model's engine entries,
// the memory model's per-release rules and the request check.
#pragma once

#include <string_view>

namespace headroom {

// (major, minor, patch) of the first "X.Y[.Z]" in a build string, after "vllm_" in an image tag
// (whose platform version comes first): "0.6.3.dev116+g151ef4ef" -> (0, 6), "vLLM 0.21.0" -> (0,
// 21), "rocm/vllm:rocm7.0.0_vllm_0.10.2_20251006" -> (0, 10, 2); (-1, -1) when it names none ("" or
// "vLLM CI build 9515"). The patch is 0 when absent; SGLang's releases differ there (0.5.3rc0).
struct Release {
  int major = -1;
  int minor = -1;
  int patch = 0;
  bool known() const { return major >= 0; }
  bool before(int other_major, int other_minor, int other_patch = 0) const {
    if (major != other_major) return major < other_major;
    if (minor != other_minor) return minor < other_minor;
    return patch < other_patch;
  }
};
Release parse_release(std::string_view build);

}  // namespace headroom
