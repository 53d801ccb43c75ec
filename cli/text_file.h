// Reads a small text file whole (config.json, bench results, validation sets), refusing
// missing paths, directories and files over a size limit.
#pragma once

#include <cstdint>
#include <string>

#include "headroom/result.h"

namespace headroom::cli {

Result<std::string> read_text_file(const std::string& path, const std::string& field,
                                   std::uint64_t max_bytes);

}  // namespace headroom::cli
