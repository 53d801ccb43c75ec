#include "headroom/compare.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace headroom {
namespace {

int rank(const CardFit& fit) {
  if (!fit.sized) return 3;
  switch (fit.report.verdict) {
    case Verdict::fits: return 0;
    case Verdict::tight: return 1;
    case Verdict::does_not_fit: return 2;
  }
  return 3;
}

double total_speed(const CardFit& fit) {
  return fit.sized && fit.report.speed ? fit.report.speed->decode_tokens_per_s_total : 0.0;
}

}  // namespace

std::vector<CardFit> compare_cards(const Catalog& catalog, const SizingRequest& request, const std::string& vendor) {
  std::vector<CardFit> fits;
  for (const auto& card : catalog.cards) {
    if (!vendor.empty() && card.vendor != vendor) continue;
    SizingRequest one = request;
    one.card = card;
    CardFit fit;
    fit.card = &card;
    auto report = size(one);
    if (report) {
      fit.sized = true;
      fit.report = std::move(report).value();
    } else {
      fit.error = report.error().message;
    }
    fits.push_back(std::move(fit));
  }
  std::stable_sort(fits.begin(), fits.end(), [](const CardFit& a, const CardFit& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return total_speed(a) > total_speed(b);
  });
  return fits;
}

std::string compare_json_text(const std::vector<CardFit>& fits) {
  using Json = nlohmann::ordered_json;
  Json cards = Json::array();
  Json inputs = nullptr;
  for (const auto& fit : fits) {
    Json row = {{"card", fit.card->id}, {"name", fit.card->name}, {"vendor", fit.card->vendor}};
    if (!fit.sized) {
      row["verdict"] = nullptr;
      row["error"] = fit.error;
    } else {
      const SizingReport& r = fit.report;
      if (inputs.is_null()) {
        inputs = {{"model", r.inputs.model_id}, {"quant", r.inputs.weight_format}, {"kv_cache_dtype", r.inputs.kv_dtype},
                  {"runtime", r.inputs.runtime}, {"gpus", r.inputs.gpus}, {"prompt_tokens", r.inputs.workload.prompt_tokens},
                  {"output_tokens", r.inputs.workload.output_tokens}, {"users", r.inputs.workload.users}};
      }
      row["verdict"] = to_string(r.verdict);
      row["max_users"] = r.max_users;
      row["max_context_tokens"] = r.max_context_tokens;
      row["decode_tokens_per_s_per_user"] = r.speed ? Json(r.speed->decode_tokens_per_s_per_user) : Json(nullptr);
      row["decode_tokens_per_s_total"] = r.speed ? Json(r.speed->decode_tokens_per_s_total) : Json(nullptr);
      row["ttft_s"] = r.speed ? Json(r.speed->ttft_s) : Json(nullptr);
      row["weights_bytes"] = r.memory.weights_bytes;
      row["free_bytes"] = r.memory.free_bytes;
    }
    cards.push_back(std::move(row));
  }
  const Json doc = {{"schema", "headroom.compare.v1"}, {"inputs", inputs}, {"cards", cards}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace headroom
