// One workload against every card of the catalog: which ones fit, how many users each holds
// and how fast it runs there. The table behind `headroom compare` (and the site's comparison).
#pragma once

#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/sizing.h"

namespace headroom {

// One size() run: its report, or why it was refused.
struct SizedRun {
  bool sized = false;           // false: size() refused the request (error says why)
  std::string error;
  SizingReport report;
};

struct CardFit : SizedRun {
  const Card* card = nullptr;
};

// Sizes `request` (its card is replaced) on every catalog card whose vendor matches `vendor`
// ("" for all). Order: fits, tight, does-not-fit, refused; within each, fastest total decode first.
std::vector<CardFit> compare_cards(const Catalog& catalog, const SizingRequest& request, const std::string& vendor);

// One workload on one card in every weight format the runtime can load: the "4-bit is 4x
// faster" reality check. Each row: the format, whether it fits, decode speed, the speedup
// over 16-bit weights next to the byte ratio, and the format's published quality cost.
struct FormatFit : SizedRun {
  std::string format;
  std::string quality;          // quality_summary of the format
};
std::vector<FormatFit> compare_formats(const SizingRequest& request);
// headroom.reality.v1: {"schema", "inputs", "formats": [{format, verdict, weights_bytes,
// bits_per_weight, decode_tokens_per_s_per_user, speedup_vs_fp16, ideal_speedup_vs_fp16, quality,
// error}]}.
std::string formats_json_text(const std::vector<FormatFit>& fits);

// headroom.compare.v1: {"schema", "inputs", "cards": [{card, name, vendor, verdict, max_users,
// max_context_tokens, decode_tokens_per_s_per_user, decode_tokens_per_s_total, ttft_s,
// weights_bytes, free_bytes, error}]}.
std::string compare_json_text(const std::vector<CardFit>& fits);

}  // namespace headroom
