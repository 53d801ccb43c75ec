// The headroom.size.v1 JSON document: the one definition shared by the CLI, wasm and site.
#pragma once

#include <string>

#include "headroom/sizing.h"

namespace headroom {

inline constexpr const char* kSizeSchema = "headroom.size.v1";

// Pretty-printed (indent 2) JSON text of a report.
std::string to_json_text(const SizingReport& report, int indent = 2);

}  // namespace headroom
