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
                    {"basis", row.basis},
                    {"measured_tokens_per_s", row.measured_tokens_per_s},
                    {"predicted_tokens_per_s", row.predicted_tokens_per_s},
                    {"error_pct", row.error_pct},
                    {"bound", row.bound},
                    {"source", row.source}});
  }
  const Json doc = {{"schema", kValidationSchema},
                    {"rows", list},
                    {"median_abs_error_pct", summary.median_abs_error_pct},
                    {"max_abs_error_pct", summary.max_abs_error_pct},
                    {"worst", summary.worst_id}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace headroom
