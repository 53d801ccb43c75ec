// Human-readable output of a sizing report: breakdown, stacked bar, verdict, speed, advice.
#pragma once

#include <string>

#include "headroom/sizing.h"

namespace headroom::cli {

std::string render_text(const SizingReport& report, const Card& card, bool color);

}  // namespace headroom::cli
