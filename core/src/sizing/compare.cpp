#include "headroom/compare.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "headroom/weight_format.h"

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

void run(SizedRun& out, const SizingRequest& request) {
  auto report = size(request);
  if (report) {
    out.sized = true;
    out.report = std::move(report).value();
  } else {
    out.error = report.error().message;
  }
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
    run(fit, one);
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

std::vector<FormatFit> compare_formats(const SizingRequest& request) {
  std::vector<FormatFit> fits;
  const std::string runtime = runtime_profile(request.runtime).key;
  for (const auto& format : weight_formats()) {
    // Skip formats the runtime cannot load, the fp32 reference and checkpoint-only "native".
    if (format.id == "native" || format.id == "fp32" || format.id == "mxfp4" || format.id == "mxfp4-gguf") continue;
    if (std::find(format.runtimes.begin(), format.runtimes.end(), runtime) == format.runtimes.end()) continue;
    SizingRequest one = request;
    one.weight_format = format.id;
    FormatFit fit;
    fit.format = format.id;
    fit.quality = quality_summary(format);
    run(fit, one);
    fits.push_back(std::move(fit));
  }
  return fits;
}

std::string formats_json_text(const std::vector<FormatFit>& fits) {
  using Json = nlohmann::ordered_json;
  Json rows = Json::array();
  Json inputs = nullptr;
  for (const auto& fit : fits) {
    Json row = {{"format", fit.format}, {"quality", fit.quality}};
    if (!fit.sized) {
      row["verdict"] = nullptr;
      row["error"] = fit.error;
    } else {
      const SizingReport& r = fit.report;
      if (inputs.is_null()) {
        inputs = {{"model", r.inputs.model_id}, {"runtime", r.inputs.runtime}, {"card", r.inputs.card_id},
                  {"gpus", r.inputs.gpus}, {"prompt_tokens", r.inputs.workload.prompt_tokens},
                  {"output_tokens", r.inputs.workload.output_tokens}, {"users", r.inputs.workload.users}};
      }
      row["verdict"] = to_string(r.verdict);
      row["weights_bytes"] = r.memory.weights_bytes;
      row["bits_per_weight"] = r.inputs.bits_per_weight;
      row["decode_tokens_per_s_per_user"] = r.speed ? Json(r.speed->decode_tokens_per_s_per_user) : Json(nullptr);
      row["speedup_vs_fp16"] = r.speed ? Json(r.speed->speedup_vs_fp16) : Json(nullptr);
      row["ideal_speedup_vs_fp16"] = r.speed ? Json(r.speed->ideal_speedup_vs_fp16) : Json(nullptr);
    }
    rows.push_back(std::move(row));
  }
  const Json doc = {{"schema", "headroom.reality.v1"}, {"inputs", inputs}, {"formats", rows}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace headroom
