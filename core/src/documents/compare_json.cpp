// headroom.compare.v1 (one workload, every card) and headroom.reality.v1 (one card, every
// format): both are a list of sized rows under the inputs they share, built by one writer.
#include <functional>

#include <nlohmann/json.hpp>

#include "headroom/documents.h"

namespace headroom {
namespace {

using Json = nlohmann::ordered_json;

Json speed_or_null(const SizingReport& r, double SpeedEstimate::*field) {
  return r.speed ? Json((*r.speed).*field) : Json(nullptr);
}

// The inputs both documents end with: GPUs and the workload.
Json with_workload(Json inputs, const SizingReport& r) {
  inputs["gpus"] = r.inputs.gpus;
  inputs["expert_parallel"] = r.inputs.expert_parallel;
  inputs["prompt_tokens"] = r.inputs.workload.prompt_tokens;
  inputs["output_tokens"] = r.inputs.workload.output_tokens;
  inputs["users"] = r.inputs.workload.users;
  return inputs;
}

// The document: {"schema", "inputs" (of the first sized row), `list_key`: rows}. Each row starts
// with `head`; a refused row carries "verdict": null and the error, a sized one `body`'s fields.
template <typename Fit>
std::string rows_document(const char* schema, const char* list_key, const std::vector<Fit>& fits,
                          int indent, const std::function<Json(const Fit&)>& head,
                          const std::function<Json(const SizingReport&)>& inputs_of,
                          const std::function<void(const Fit&, Json&)>& body) {
  Json rows = Json::array();
  Json inputs = nullptr;
  for (const Fit& fit : fits) {
    Json row = head(fit);
    if (!fit.sized()) {
      row["verdict"] = nullptr;
      row["error"] = fit.error->message;
    } else {
      if (inputs.is_null()) inputs = inputs_of(fit.report);
      row["verdict"] = to_string(fit.report.verdict);
      body(fit, row);
    }
    rows.push_back(std::move(row));
  }
  // Moved in, not listed in an initializer (that copies every row).
  Json doc = Json::object();
  doc["schema"] = schema;
  doc["inputs"] = std::move(inputs);
  doc[list_key] = std::move(rows);
  return doc.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string compare_json_text(const std::vector<CardFit>& fits, int indent) {
  return rows_document<CardFit>(
      kCompareSchema, "cards", fits, indent,
      [](const CardFit& fit) {
        return Json{{"card", fit.card->id},
                    {"name", fit.card->name},
                    {"vendor", fit.card->vendor},
                    {"segment", fit.card->segment},
                    {"memory_bytes", fit.card->memory_bytes}};
      },
      [](const SizingReport& r) {
        return with_workload(Json{{"model", r.inputs.model_id},
                                  {"quant", r.inputs.weight_format},
                                  {"kv_cache_dtype", r.inputs.kv_dtype},
                                  {"runtime", r.inputs.runtime}},
                             r);
      },
      [](const CardFit& fit, Json& row) {
        const SizingReport& r = fit.report;
        row["max_users"] = r.max_users;
        row["max_context_tokens"] = r.max_context_tokens;
        row["decode_tokens_per_s_per_user"] =
            speed_or_null(r, &SpeedEstimate::decode_tokens_per_s_per_user);
        row["decode_tokens_per_s_total"] =
            speed_or_null(r, &SpeedEstimate::decode_tokens_per_s_total);
        row["ttft_s"] = speed_or_null(r, &SpeedEstimate::ttft_s);
        row["weights_bytes"] = r.memory.weights_bytes;
        row["free_bytes"] = r.memory.free_bytes;
        // Added for the site's table (its stacked memory bar and the verdict's reason).
        row["verdict_reason"] = r.verdict_reason;
        row["speed_from"] = fit.measured ? "measured" : "spec";
        const MemoryBreakdown& m = r.memory;
        row["memory"] = {{"capacity_bytes", m.capacity_bytes},
                         {"weights_bytes", m.weights_bytes},
                         {"kv_cache_bytes", m.kv_cache_bytes},
                         {"kv_cache_capacity_bytes", m.kv_cache_capacity_bytes},
                         {"activation_bytes", m.activation_bytes},
                         {"runtime_overhead_bytes", m.runtime_overhead_bytes},
                         {"free_bytes", m.free_bytes}};
      });
}

std::string reality_json_text(const std::vector<FormatFit>& fits, int indent) {
  return rows_document<FormatFit>(
      kRealitySchema, "formats", fits, indent,
      [](const FormatFit& fit) {
        return Json{{"format", fit.format}, {"quality", fit.quality}};
      },
      [](const SizingReport& r) {
        return with_workload(Json{{"model", r.inputs.model_id},
                                  {"runtime", r.inputs.runtime},
                                  {"card", r.inputs.card_id}},
                             r);
      },
      [](const FormatFit& fit, Json& row) {
        const SizingReport& r = fit.report;
        row["weights_bytes"] = r.memory.weights_bytes;
        row["bits_per_weight"] = r.inputs.bits_per_weight;
        row["decode_tokens_per_s_per_user"] =
            speed_or_null(r, &SpeedEstimate::decode_tokens_per_s_per_user);
        row["speedup_vs_fp16"] = speed_or_null(r, &SpeedEstimate::speedup_vs_fp16);
        row["ideal_speedup_vs_fp16"] = speed_or_null(r, &SpeedEstimate::ideal_speedup_vs_fp16);
      });
}

}  // namespace headroom
