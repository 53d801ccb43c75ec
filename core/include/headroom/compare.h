// One workload against every card of the catalog: which ones fit, how many users each holds
// and how fast it runs there. The table behind `headroom compare` (and the site's comparison).
#pragma once

#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/sizing.h"

namespace headroom {

struct CardFit {
  const Card* card = nullptr;
  bool sized = false;           // false: size() refused this card (error says why)
  std::string error;
  SizingReport report;
};

// Sizes `request` (its card is replaced) on every catalog card whose vendor matches `vendor`
// ("" for all). Order: fits, tight, does-not-fit, refused; within each, fastest total decode first.
std::vector<CardFit> compare_cards(const Catalog& catalog, const SizingRequest& request, const std::string& vendor);

// headroom.compare.v1: {"schema", "inputs", "cards": [{card, name, vendor, verdict, max_users,
// max_context_tokens, decode_tokens_per_s_per_user, decode_tokens_per_s_total, ttft_s,
// weights_bytes, free_bytes, error}]}.
std::string compare_json_text(const std::vector<CardFit>& fits);

}  // namespace headroom
