// Real config.json files of tests/data/configs (see SOURCES.md there), read and parsed for the
// family tests, with the counts they check.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "headroom/model.h"
#include "test_data.h"

namespace headroom::fixtures {

inline std::string read_config(const std::string& name) {
  return test::read_test_data("configs/" + name + ".json");
}

inline ModelArch parse(const std::string& name) {
  const std::string text = read_config(name);
  REQUIRE_FALSE(text.empty());
  auto arch = parse_hf_config(text, name);
  INFO(name << ": " << (arch ? std::string() : arch.error().message));
  REQUIRE(arch);
  return arch.value();
}

inline double params(const ModelArch& a) { return static_cast<double>(total_params(a)); }
inline double active(const ModelArch& a) { return static_cast<double>(active_params(a)); }

inline std::size_t count_attention(const ModelArch& a, AttentionKind kind) {
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < a.num_layers; ++i)
    if (a.attention_of(i) == kind) ++n;
  return n;
}

}  // namespace headroom::fixtures
