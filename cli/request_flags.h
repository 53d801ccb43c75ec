// The CLI's vocabulary for a sizing request: one flag per request key (headroom/request.h), read
// into a RequestText for the core's one request builder, and the core's field names put back
// into flag names in error messages.
#pragma once

#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "headroom/request.h"

namespace headroom::cli {

class RequestFlags {
 public:
  // Adds the flags shared by size, compare and reality to `cmd`; `with_card` adds --card (and
  // --bench for size), `with_vendor` adds compare's --vendor.
  void add_to(CLI::App* cmd, bool with_card, bool with_bench, bool with_vendor);

  // The flags the user gave (and only those: an empty value is an error, not the default), with
  // --model resolved here when it names a config.json or .gguf file and --bench read from disk.
  Result<RequestText> read(const CLI::App* cmd) const;

 private:
  std::map<std::string, std::string> values_;  // request key -> flag text
};

// `error`'s message in the CLI's words: the request keys it names become flags ("users must be"
// -> "--users must be", "use max_model_len" -> "use --max-model-len"); errors inside a file the
// CLI read carry its path.
std::string message_for(const Error& error, const std::string& bench_path = "");

}  // namespace headroom::cli
