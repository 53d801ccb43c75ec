// headroom.results-check.v1 (what `headroom results validate --json` prints),
// headroom.results-index.v1 (results/<vendor>/<card>/index.json) and headroom.maintainers.v1
// (results/maintainers.json).
#include <nlohmann/json.hpp>

#include "base/json_util.h"
#include "headroom/results.h"

namespace headroom {
namespace {

using nlohmann::json;

json summary_json(const MetricSummary& s) {
  return json{{"count", s.count}, {"median", s.median}, {"mad", s.mad}, {"spread", s.spread}};
}

json entry_json(const IndexEntry& e) {
  return json{{"sha256", e.sha256},
              {"file", e.file},
              {"status", e.status},
              {"tier", e.tier},
              {"device_name", e.device_name},
              {"vendor_id", e.vendor_id},
              {"device_id", e.device_id},
              {"driver_version", e.driver_version},
              {"bench_version", e.bench_version},
              {"machine_key", e.machine_key},
              {"sequence", e.sequence},
              {"read_bytes_per_s", e.read_bytes_per_s}};
}

json aggregate_json(const CardAggregate& a) {
  json formats = json::array();
  for (const auto& f : a.formats) {
    formats.push_back({{"format", f.format}, {"gemv_efficiency", summary_json(f.gemv_efficiency)}});
  }
  return json{{"driver_version", a.driver_version},
              {"files", a.files},
              {"tiers",
               {{"maintainer-reproduced", a.reproduced},
                {"community", a.community},
                {"unverified", a.unverified}}},
              {"read_bytes_per_s", summary_json(a.read_bytes_per_s)},
              {"gemv_efficiency_n1", formats},
              {"outliers", a.outliers},
              {"outlier_rule", "|0.6745 (x - median) / MAD| > 3.5 on read_bytes_per_s"}};
}

// Reads one index entry; the first problem names its field.
std::optional<Error> read_entry(const json& j, const std::string& path, IndexEntry& e) {
  if (!j.is_object()) return parse_failure(path, "must be an object");
  const auto text = [&](const char* key, std::string& out) -> std::optional<Error> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string())
      return parse_failure(path + "." + key, "must be a string");
    out = it->get<std::string>();
    return std::nullopt;
  };
  const auto count = [&](const char* key, std::uint64_t& out) -> std::optional<Error> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) {
      return parse_failure(path + "." + key, "must be a non-negative integer");
    }
    out = it->get<std::uint64_t>();
    return std::nullopt;
  };
  std::uint64_t vendor = 0, device = 0;
  for (auto err : {text("sha256", e.sha256), text("file", e.file), text("status", e.status),
                   text("tier", e.tier), text("device_name", e.device_name),
                   text("driver_version", e.driver_version), text("bench_version", e.bench_version),
                   text("machine_key", e.machine_key), count("vendor_id", vendor),
                   count("device_id", device), count("sequence", e.sequence)}) {
    if (err) return err;
  }
  if (vendor > 0xffffffffu || device > 0xffffffffu)
    return parse_failure(path, "ids exceed 32 bits");
  e.vendor_id = static_cast<std::uint32_t>(vendor);
  e.device_id = static_cast<std::uint32_t>(device);
  const auto read = j.find("read_bytes_per_s");
  if (read == j.end() || !read->is_number() || !(read->get<double>() >= 0)) {
    return parse_failure(path + ".read_bytes_per_s", "must be a number >= 0");
  }
  e.read_bytes_per_s = read->get<double>();
  return std::nullopt;
}

}  // namespace

std::string results_check_json_text(const std::vector<CheckedFile>& files) {
  json list = json::array();
  std::size_t ok = 0, flagged = 0, rejected = 0;
  for (const auto& f : files) {
    const SubmissionCheck& c = f.check;
    json reasons = json::array();
    for (const auto& r : c.rejections) {
      reasons.push_back({{"severity", "rejected"}, {"field", r.field}, {"message", r.message}});
    }
    for (const auto& r : c.flags) {
      reasons.push_back({{"severity", "flagged"}, {"field", r.field}, {"message", r.message}});
    }
    list.push_back({{"path", f.path},
                    {"status", to_string(c.status)},
                    {"sha256", c.sha256},
                    {"folder", c.folder},
                    {"card", c.card_id},
                    {"driver_version", c.driver_version},
                    {"reasons", reasons}});
    (c.status == SubmissionStatus::ok        ? ok
     : c.status == SubmissionStatus::flagged ? flagged
                                             : rejected)++;
  }
  const json doc{{"schema", kResultsCheckSchema},
                 {"files", list},
                 {"summary", {{"ok", ok}, {"flagged", flagged}, {"rejected", rejected}}}};
  return doc.dump(2) + "\n";
}

std::string results_index_json_text(const ResultsIndex& index) {
  json current = json::array(), history = json::array(), aggregates = json::array();
  for (const auto& e : index.current) current.push_back(entry_json(e));
  for (const auto& e : index.history) history.push_back(entry_json(e));
  for (const auto& a : index.aggregates) aggregates.push_back(aggregate_json(a));
  const json doc{{"schema", kResultsIndexSchema},
                 {"folder", index.folder},
                 {"current", current},
                 {"history", history},
                 {"aggregates", aggregates}};
  return doc.dump(2) + "\n";
}

Result<ResultsIndex> parse_results_index(std::string_view json_text) {
  if (json_util::nests_too_deep(json_text)) return parse_failure("index", "nests too deep");
  const json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return parse_failure("index", "is not a JSON object");
  }
  const auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string() || *schema != kResultsIndexSchema) {
    return refused(ErrorCode::parse_error, "schema",
                   std::string("schema must be \"") + kResultsIndexSchema + "\"");
  }
  ResultsIndex out;
  const auto folder = doc.find("folder");
  if (folder == doc.end() || !folder->is_string()) {
    return parse_failure("folder", "must be a string");
  }
  out.folder = folder->get<std::string>();
  for (const auto& [key, list] :
       {std::pair{"current", &out.current}, std::pair{"history", &out.history}}) {
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_array()) return parse_failure(key, "must be an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      IndexEntry e;
      if (auto err = read_entry((*it)[i], std::string(key) + "[" + std::to_string(i) + "]", e)) {
        return *err;
      }
      list->push_back(std::move(e));
    }
  }
  // Aggregates are derived: recomputed from the files on every add, never read back.
  return out;
}

std::string stored_result_text(const SubmissionCheck& check) {
  const json doc = json::parse(check.canonical_json, nullptr, false);
  return doc.is_discarded() ? std::string() : doc.dump(2) + "\n";
}

Result<std::vector<std::string>> parse_maintainers(std::string_view json_text) {
  if (json_util::nests_too_deep(json_text)) return parse_failure("maintainers", "nests too deep");
  const json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return parse_failure("maintainers", "is not a JSON object");
  }
  const auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string() || *schema != kMaintainersSchema) {
    return refused(ErrorCode::parse_error, "schema",
                   std::string("schema must be \"") + kMaintainersSchema + "\"");
  }
  const auto list = doc.find("reproduced");
  if (list == doc.end() || !list->is_array()) {
    return parse_failure("reproduced", "must be an array of sha256 strings");
  }
  std::vector<std::string> out;
  for (const auto& v : *list) {
    if (!v.is_string() || v.get<std::string>().size() != 64) {
      return parse_failure("reproduced", "must hold 64-hex-digit sha256 strings");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace headroom
