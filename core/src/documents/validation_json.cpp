// headroom.validation.v1: predicted against measured speed for every row of a validation set.
#include <nlohmann/json.hpp>

#include "headroom/documents.h"

namespace headroom {

std::string validation_json_text(const std::vector<ValidationRow>& rows) {
  using Json = nlohmann::ordered_json;
  const ValidationSummary summary = summarize_validation(rows);
  Json list = Json::array();
  for (const auto& row : rows) {
    list.push_back({{"id", row.id},
                    {"card", row.card},
                    {"model", row.model},
                    {"quant", row.quant},
                    {"runtime", row.runtime},
                    {"backend", row.backend},
                    {"card_class", row.card_class},
                    {"date", row.date},
                    {"build", row.build},
                    {"basis", row.basis},
                    {"metric", row.metric},
                    {"arrival", row.arrival},
                    {"stat", row.stat},
                    {"measured_value", row.measured_value},
                    {"predicted_value", row.predicted_value},
                    {"measured_tokens_per_s", row.measured_tokens_per_s},
                    {"predicted_tokens_per_s", row.predicted_tokens_per_s},
                    {"error_pct", row.error_pct},
                    {"bound", row.bound},
                    {"measured_prompt_tokens_per_s", row.measured_prompt_tokens_per_s},
                    {"predicted_prompt_tokens_per_s", row.predicted_prompt_tokens_per_s},
                    {"source", row.source}});
  }
  const auto summary_json = [](const ValidationSummary& s) {
    return Json{{"rows", s.rows},
                {"median_abs_error_pct", s.median_abs_error_pct},
                {"max_abs_error_pct", s.max_abs_error_pct},
                {"worst", s.worst_id}};
  };
  const auto groups_json = [&](const std::vector<ValidationGroup>& groups) {
    Json out = Json::object();
    for (const auto& g : groups) out[g.name] = summary_json(g.summary);
    return out;
  };
  const Json doc = {{"schema", kValidationSchema},
                    {"rows", list},
                    {"median_abs_error_pct", summary.median_abs_error_pct},
                    {"max_abs_error_pct", summary.max_abs_error_pct},
                    {"worst", summary.worst_id},
                    {"by_backend", groups_json(summarize_by_backend(rows))},
                    {"by_card_class", groups_json(summarize_by_card_class(rows))},
                    {"recent_since", recent_cutoff_date(rows)},
                    {"by_age", groups_json(summarize_by_age(rows))},
                    {"prefill", summary_json(summarize_prefill(rows))},
                    {"serving_by_runtime", groups_json(summarize_serving_by_runtime(rows))},
                    {"serving_by_runtime_metric", groups_json(summarize_by_runtime_metric(rows))}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace headroom
