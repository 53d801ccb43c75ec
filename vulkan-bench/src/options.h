// Command-line options of headroom-bench.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/kernel_ids.h"

namespace headroom::bench {

struct Options {
  bool list_devices = false;
  bool help = false;
  bool quick = false;
  bool verify_only = false;  // correctness of every kernel, no timing
  bool skip_bandwidth = false;
  bool skip_quant = false;
  // --submit-ready: a full-sample run written to --json (default kSubmitJsonPath), checked with
  // the submission check, and the validate and pull-request steps printed.
  bool submit_ready = false;
  // Hidden, for the bench.validation_catches test: issue one deliberately invalid Vulkan call.
  bool inject_validation_error = false;
  std::string device;                // index or name substring; empty: the default preference
  std::string json_path;             // --json FILE
  std::string check_json;            // --check-json FILE: parse a report with the core and exit
  std::vector<std::string> formats;  // empty: all
  std::vector<Variant> variants;     // empty: kQuantVariants
  std::optional<std::uint32_t> samples;
  std::optional<std::uint64_t> llc_bytes;
};

// Throws std::runtime_error with a one-sentence message on a bad argument.
inline constexpr const char* kSubmitJsonPath = "headroom-bench-result.json";

Options parse_options(int argc, char** argv);
const char* usage_text();

}  // namespace headroom::bench
