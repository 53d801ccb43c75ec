// One workload against every card of the catalog (which ones fit, how many users each holds, how
// fast it runs there), and one workload in every weight format on one card (the reality check).
// The tables behind `headroom compare` / `headroom reality`, wasm and the site.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/sizing.h"

namespace headroom {

// One size() run: its report, or why it was refused.
struct SizedRun {
  std::optional<Error> error;  // set: size() refused this row
  SizingReport report;
  bool sized() const { return !error.has_value(); }
};

struct CardFit : SizedRun {
  const Card* card = nullptr;
  bool measured = false;  // speed calibrated by the card's measured headroom-bench results
};

// Measured results per card id (the aggregate of a card's trusted submissions, as the bench
// report the speed model reads): measured beats spec, card by card.
using MeasuredCards = std::map<std::string, BenchReport, std::less<>>;

// Sizes `request` (its card is replaced) on every catalog card whose vendor matches `vendor`
// ("" for all). Order: fits, tight, does-not-fit, refused; within each, fastest total decode
// first. A problem that does not depend on the card (an unknown format, a bad knob) is one error,
// not a table of refused rows.
Result<std::vector<CardFit>> compare_cards(const Catalog& catalog, const SizingRequest& request,
                                           const std::string& vendor,
                                           const MeasuredCards& measured = {});

// One workload on one card in every weight format the runtime can load: the "4-bit is 4x
// faster" reality check. Each row: the format, whether it fits, decode speed, the speedup
// over 16-bit weights next to the byte ratio, and the format's published quality cost.
struct FormatFit : SizedRun {
  std::string format;
  std::string quality;  // quality_summary of the format
};
// An error when the runtime loads none of the catalog's formats.
Result<std::vector<FormatFit>> compare_formats(const SizingRequest& request);

}  // namespace headroom
