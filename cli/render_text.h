// Human-readable output of a sizing report: breakdown, stacked bar, verdict, speed, advice.
#pragma once

#include <string>

#include "headroom/compare.h"
#include "headroom/sizing.h"

namespace headroom::cli {

std::string render_text(const SizingReport& report, const Card& card, bool color);
// One line per card: verdict, users, speed, memory left.
std::string render_compare(const std::vector<CardFit>& fits);
// One line per weight format: fits?, speed, real vs ideal speedup, quality cost.
std::string render_formats(const std::vector<FormatFit>& fits);

}  // namespace headroom::cli
