// headroom.memory_validation_report.v1: each start-up log figure next to Headroom's.
#include <nlohmann/json.hpp>

#include "headroom/memory_validation.h"

namespace headroom {

std::string memory_validation_json_text(const std::vector<MemoryValidationRow>& rows) {
  using Json = nlohmann::ordered_json;
  Json list = Json::array();
  for (const auto& r : rows) {
    list.push_back({{"id", r.id},
                    {"runtime", r.runtime},
                    {"version", r.version},
                    {"model", r.model},
                    {"quant", r.quant},
                    {"card", r.card},
                    {"gpus", r.gpus},
                    {"metric", r.metric},
                    {"measured", r.measured},
                    {"predicted", r.predicted},
                    {"error_pct", r.error_pct},
                    {"tolerance", r.relative ? Json{{"relative", r.tolerance}}
                                             : Json{{"absolute", r.tolerance}}},
                    {"within", r.within},
                    {"source", r.source}});
  }
  const auto summary_json = [](const MemoryValidationSummary& s) {
    return Json{{"rows", s.errors.rows},
                {"within", s.within},
                {"median_abs_error_pct", s.errors.median_abs_error_pct},
                {"max_abs_error_pct", s.errors.max_abs_error_pct},
                {"worst", s.errors.worst_id}};
  };
  Json by_runtime = Json::object();
  for (const auto& s : summarize_memory_by_runtime(rows)) by_runtime[s.name] = summary_json(s);
  const Json doc = {{"schema", kMemoryValidationReportSchema},
                    {"rows", list},
                    {"summary", summary_json(summarize_memory_validation(rows))},
                    {"by_runtime", by_runtime}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace headroom
