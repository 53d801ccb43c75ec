// Sizes each memory validation row's request and compares one term with the runtime's log.
#include "headroom/memory_validation.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "base/json_util.h"
#include "headroom/documents.h"
#include "headroom/runtime.h"
#include "headroom/sizing.h"
#include "headroom/units.h"
#include "sizing/internal.h"

namespace headroom {
namespace {

using json_util::Json;

double in_gib(std::uint64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(kGiB); }
double in_mib(std::uint64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(kMiB); }

// The figure a metric names, from a report; nullopt when the report does not hold it.
std::optional<double> predicted_figure(const std::string& metric, const SizingReport& report) {
  const MemoryBreakdown& m = report.memory;
  if (metric == "kv_cache_gib") return in_gib(m.kv_cache_capacity_bytes);
  if (metric == "kv_cache_mib") return in_mib(m.kv_cache_capacity_bytes);
  if (metric == "weights_gib") return in_gib(m.weights_bytes);
  if (metric == "weights_mib") return in_mib(m.weights_bytes);
  if (metric == "host_mib") return in_mib(m.host_bytes);
  if (metric == "activation_gib") return in_gib(m.activation_bytes);
  if (metric == "compute_buffer_mib") return in_mib(m.activation_bytes);
  if (metric == "gpu_memory_utilization") return report.inputs.gpu_memory_utilization;
  if (metric == "kv_pool_tokens") {
    if (m.kv_bytes_per_token == 0) return std::nullopt;
    return static_cast<double>(m.kv_cache_capacity_bytes) /
           static_cast<double>(m.kv_bytes_per_token);
  }
  if (metric == "non_torch_gib") {
    for (const MemoryItem& item : m.items)
      if (item.name == "non-torch memory") return in_gib(item.bytes);
    return std::nullopt;
  }
  return std::nullopt;
}

constexpr const char* kMetrics =
    "kv_cache_gib, kv_cache_mib, weights_gib, weights_mib, host_mib, activation_gib, "
    "compute_buffer_mib, non_torch_gib, kv_pool_tokens, gpu_memory_utilization";

MemoryValidationSummary summarize(const std::vector<const MemoryValidationRow*>& rows,
                                  std::string name) {
  std::vector<std::pair<double, std::string>> errors;
  MemoryValidationSummary s;
  s.name = std::move(name);
  for (const MemoryValidationRow* r : rows) {
    errors.emplace_back(r->error_pct, r->id);
    s.within += r->within ? 1 : 0;
  }
  s.errors = summarize_errors(errors);
  return s;
}

}  // namespace

Result<std::vector<MemoryValidationRow>> run_memory_validation(const Catalog& catalog,
                                                               std::string_view json_text) {
  if (json_util::nests_too_deep(json_text)) return json_util::too_deep("memory_validation", "the set");
  const auto doc = json_util::parse(json_text);
  if (!doc) return parse_failure("memory_validation", "is not valid JSON");
  if (!doc->is_object()) return parse_failure("memory_validation", "is not a JSON object");
  if (json_util::get_string(*doc, "schema").value_or("") != kMemoryValidationSchema)
    return parse_failure("memory_validation.schema",
                         std::string("must be \"") + kMemoryValidationSchema + "\"");
  const Json* rows = json_util::find(*doc, "rows");
  if (rows == nullptr || !rows->is_array() || rows->empty())
    return parse_failure("memory_validation.rows", "must be a non-empty array");
  std::vector<MemoryValidationRow> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const Json& row = (*rows)[i];
    std::string where = "rows[" + std::to_string(i) + "]";
    MemoryValidationRow v;
    v.id = json_util::get_string(row, "id").value_or("");
    if (v.id.empty()) return parse_failure(where + ".id", "is missing");
    where += " (" + v.id + ")";
    if (!seen.insert(v.id).second) return parse_failure(where + ".id", "is used by an earlier row");
    v.version = json_util::get_string(row, "version").value_or("");
    v.source = json_util::get_string(row, "source").value_or("");
    if (v.version.empty()) return parse_failure(where + ".version", "is missing (the runtime version of the log)");
    if (v.source.empty()) return parse_failure(where + ".source", "is missing (where the log is published)");
    const Json* request = json_util::find(row, "request");
    if (request == nullptr || !request->is_object())
      return parse_failure(where + ".request", "must be a request object");
    auto built = parse_request_json(request->dump(), catalog, RequestKind::size);
    if (!built)
      return refused(built.error().code, where + ".request." + built.error().field,
                     built.error().message);
    v.metric = json_util::get_string(row, "metric").value_or("");
    const auto measured = json_util::get_number(row, "measured");
    if (!measured || *measured == 0)
      return parse_failure(where + ".measured", "must be a non-zero number");
    v.measured = *measured;
    const Json* tolerance = json_util::find(row, "tolerance");
    const auto relative = tolerance ? json_util::get_number(*tolerance, "relative") : std::nullopt;
    const auto absolute = tolerance ? json_util::get_number(*tolerance, "absolute") : std::nullopt;
    if (relative.has_value() == absolute.has_value() || relative.value_or(0) < 0 ||
        absolute.value_or(0) < 0)
      return parse_failure(where + ".tolerance",
                           "must be {\"relative\": fraction} or {\"absolute\": amount}, one of them, >= 0");
    v.relative = relative.has_value();
    v.tolerance = relative ? *relative : *absolute;
    SizingRequest r = built->request;
    r.with_advice = false;
    auto report = size(r);
    if (!report)
      return refused(report.error().code, where + ".request." + report.error().field,
                     report.error().message);
    const auto predicted = predicted_figure(v.metric, report.value());
    if (!predicted)
      return parse_failure(where + ".metric", "must be one of " + std::string(kMetrics) +
                                                  " (and one the report holds)");
    v.predicted = *predicted;
    v.runtime = report->inputs.runtime;
    v.model = report->inputs.model_id.empty() ? report->inputs.model_name : report->inputs.model_id;
    v.quant = report->inputs.weight_format;
    v.card = report->inputs.card_id;
    v.gpus = report->inputs.gpus;
    v.error_pct = (v.predicted - v.measured) / std::fabs(v.measured) * 100.0;
    const double allowed = v.relative ? v.tolerance * std::fabs(v.measured) : v.tolerance;
    // A hair of slack for figures the log rounds to two decimals and a tolerance of "exact".
    v.within = std::fabs(v.predicted - v.measured) <= allowed + 1e-9 * std::fabs(v.measured);
    out.push_back(std::move(v));
  }
  return out;
}

MemoryValidationSummary summarize_memory_validation(const std::vector<MemoryValidationRow>& rows) {
  std::vector<const MemoryValidationRow*> all;
  for (const auto& r : rows) all.push_back(&r);
  return summarize(all, "");
}

std::vector<MemoryValidationSummary> summarize_memory_by_runtime(
    const std::vector<MemoryValidationRow>& rows) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const MemoryValidationRow*>> groups;
  for (const auto& r : rows) {
    if (groups.find(r.runtime) == groups.end()) order.push_back(r.runtime);
    groups[r.runtime].push_back(&r);
  }
  std::vector<MemoryValidationSummary> out;
  for (const auto& name : order) out.push_back(summarize(groups[name], name));
  return out;
}

std::string memory_figure_text(double value) {
  char text[32];
  const int places = std::fabs(value) >= 1000 ? 0 : std::fabs(value) >= 10 ? 2 : 3;
  std::snprintf(text, sizeof text, "%.*f", places, value);
  return text;
}

std::string format_memory_validation_table(const std::vector<MemoryValidationRow>& rows) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-40s %-9s %-24s %-22s %-22s %12s %12s %8s %s\n", "case",
                "runtime", "model", "card", "metric", "logged", "predicted", "error", "within");
  out += line;
  for (const auto& r : rows) {
    char tol[32];
    std::snprintf(tol, sizeof tol, r.relative ? "%.2g%%" : "%.3g", r.relative ? r.tolerance * 100 : r.tolerance);
    std::snprintf(line, sizeof line, "%-40s %-9s %-24s %-22s %-22s %12s %12s %+7.2f%% %s (%s)\n",
                  r.id.c_str(), r.runtime.c_str(), r.model.c_str(), r.card.c_str(),
                  r.metric.c_str(), memory_figure_text(r.measured).c_str(),
                  memory_figure_text(r.predicted).c_str(),
                  r.error_pct,
                  r.within ? "yes" : "NO", tol);
    out += line;
  }
  const auto summary_line = [&](const MemoryValidationSummary& s, const char* prefix) {
    std::snprintf(line, sizeof line,
                  "%s%s%zu rows, %zu within tolerance, median |error| %.2f%%, worst %.2f%% (%s)\n",
                  prefix, s.name.empty() ? "" : (s.name + ": ").c_str(), s.errors.rows, s.within,
                  s.errors.median_abs_error_pct, s.errors.max_abs_error_pct,
                  s.errors.worst_id.c_str());
    out += line;
  };
  summary_line(summarize_memory_validation(rows), "");
  for (const auto& s : summarize_memory_by_runtime(rows)) summary_line(s, "runtime ");
  return out;
}

}  // namespace headroom
