// headroom.bench.v1: serialization and schema validation (the metrics are in speed/bench_metrics).
#include "headroom/documents.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "base/json_util.h"
#include "documents/bench_doc.h"

namespace headroom {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json result_to_json(const BenchResult& r) {
  return json{{"kernel", r.kernel},
              {"format", r.format},
              {"variant", r.variant},
              {"m", r.m},
              {"k", r.k},
              {"n", r.n},
              {"workgroup_size", r.workgroup_size},
              {"elements_per_thread", r.elements_per_thread},
              {"rows_per_workgroup", r.rows_per_workgroup},
              {"buffer_bytes", r.buffer_bytes},
              {"rotation", r.rotation},
              {"bytes_moved", r.bytes_moved},
              {"samples_seconds", r.samples_seconds},
              {"median_seconds", r.median_seconds},
              {"best_seconds", r.best_seconds},
              {"spread", r.spread},
              {"gb_per_s", r.gb_per_s},
              {"verified", r.verified},
              {"max_error", r.max_error},
              {"skipped", r.skipped},
              {"best_of_sweep", r.best_of_sweep},
              {"pct_of_read_bandwidth", optional_number(r.pct_of_read_bandwidth)},
              {"pct_of_spec", optional_number(r.pct_of_spec)},
              {"speedup_vs_fp16", optional_number(r.speedup_vs_fp16)},
              {"ideal_speedup", optional_number(r.ideal_speedup)},
              {"dequant_tax", optional_number(r.dequant_tax)}};
}

// Reads fields of one JSON object, remembering the first problem with a message naming it.
class Reader {
 public:
  Reader(const json& object, std::string path, std::optional<Error>& error)
      : object_(object), path_(std::move(path)), error_(error) {
    if (!object_.is_object()) fail(path_, path_ + " must be a JSON object");
  }

  std::string text(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      fail(field(key), field(key) + " must be a string");
      return {};
    }
    return v->get<std::string>();
  }
  bool flag(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) {
      fail(field(key), field(key) + " must be true or false");
      return false;
    }
    return v->get<bool>();
  }
  double number(const char* key) {
    const json* v = find(key);
    return v == nullptr ? 0.0 : check_number(*v, [&] { return field(key); });
  }
  std::optional<double> optional(const char* key) {
    const json* v = find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number()) {
      fail(field(key), field(key) + " must be a number or null");
      return {};
    }
    return v->get<double>();  // derived ratios may be negative (a dequant tax below zero)
  }
  template <typename T>
  T integer(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return 0;
    if (!v->is_number_unsigned()) {
      fail(field(key), field(key) + " must be a non-negative integer");
      return 0;
    }
    const auto value = v->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
      fail(field(key), field(key) + " is too large");
      return 0;
    }
    return static_cast<T>(value);
  }
  const json* array(const char* key) {
    const json* v = find(key);
    if (v != nullptr && !v->is_array()) {
      fail(field(key), field(key) + " must be an array");
      return nullptr;
    }
    return v;
  }
  const json* child(const char* key) { return find(key); }
  // The field's name is built only on failure: a file holds thousands of samples.
  template <typename Name>
  double check_number(const json& v, const Name& name) {
    if (!v.is_number()) {
      if (!error_) fail(name(), name() + " must be a number");
      return 0.0;
    }
    const double d = v.get<double>();
    if ((!std::isfinite(d) || d < 0) && !error_) fail(name(), name() + " must be a finite number >= 0");
    return d;
  }
  std::string field(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  const json* find(const char* key) {
    if (!object_.is_object()) return nullptr;
    const auto it = object_.find(key);
    if (it == object_.end()) {
      fail(field(key), field(key) + " is missing");
      return nullptr;
    }
    return &*it;
  }
  void fail(const std::string& name, const std::string& message) {
    if (!error_) error_ = refused(ErrorCode::parse_error, name, message);
  }

  const json& object_;
  std::string path_;
  std::optional<Error>& error_;
};

BenchResult read_result(const json& j, const std::string& path, std::optional<Error>& error) {
  Reader r(j, path, error);
  BenchResult out;
  out.kernel = r.text("kernel");
  out.format = r.text("format");
  out.variant = r.text("variant");
  out.m = r.integer<std::uint64_t>("m");
  out.k = r.integer<std::uint64_t>("k");
  out.n = r.integer<std::uint64_t>("n");
  out.workgroup_size = r.integer<std::uint32_t>("workgroup_size");
  out.elements_per_thread = r.integer<std::uint32_t>("elements_per_thread");
  out.rows_per_workgroup = r.integer<std::uint32_t>("rows_per_workgroup");
  out.buffer_bytes = r.integer<std::uint64_t>("buffer_bytes");
  out.rotation = r.integer<std::uint32_t>("rotation");
  out.bytes_moved = r.integer<std::uint64_t>("bytes_moved");
  if (const json* samples = r.array("samples_seconds")) {
    out.samples_seconds.reserve(samples->size());
    for (std::size_t i = 0; i < samples->size(); ++i) {
      out.samples_seconds.push_back(r.check_number((*samples)[i], [&] {
        return r.field("samples_seconds") + "[" + std::to_string(i) + "]";
      }));
    }
  }
  out.median_seconds = r.number("median_seconds");
  out.best_seconds = r.number("best_seconds");
  out.spread = r.number("spread");
  out.gb_per_s = r.number("gb_per_s");
  out.verified = r.flag("verified");
  out.max_error = r.number("max_error");
  out.skipped = r.text("skipped");
  out.best_of_sweep = r.flag("best_of_sweep");
  out.pct_of_read_bandwidth = r.optional("pct_of_read_bandwidth");
  out.pct_of_spec = r.optional("pct_of_spec");
  out.speedup_vs_fp16 = r.optional("speedup_vs_fp16");
  out.ideal_speedup = r.optional("ideal_speedup");
  out.dequant_tax = r.optional("dequant_tax");
  return out;
}

}  // namespace

std::string bench_json_text(const BenchReport& report) { return bench_document(report).dump(2) + "\n"; }

json bench_document(const BenchReport& report) {
  const auto& d = report.device;
  json device{{"name", d.name},
              {"vendor_id", d.vendor_id},
              {"device_id", d.device_id},
              {"device_type", d.device_type},
              {"driver_id", d.driver_id},
              {"driver_name", d.driver_name},
              {"driver_info", d.driver_info},
              {"api_version", d.api_version},
              {"conformance_version", d.conformance_version},
              {"subgroup_size", d.subgroup_size},
              {"timestamp_period_ns", d.timestamp_period_ns},
              {"timestamp_valid_bits", d.timestamp_valid_bits},
              {"max_storage_buffer_range_bytes", d.max_storage_buffer_range_bytes},
              {"device_local_heap_bytes", d.device_local_heap_bytes},
              {"device_local_budget_bytes", d.device_local_budget_bytes},
              {"features", d.features}};
  if (d.driver_version) device["driver_version"] = *d.driver_version;
  json build{{"version", report.build.version},
             {"compiler", report.build.compiler},
             {"build_type", report.build.build_type},
             {"spirv_digest", report.build.spirv_digest}};
  const auto& s = report.settings;
  json settings{{"quick", s.quick},
                {"warmup_runs", s.warmup_runs},
                {"samples", s.samples},
                {"target_batch_seconds", s.target_batch_seconds},
                {"assumed_llc_bytes", s.assumed_llc_bytes},
                {"timer", s.timer},
                {"empty_dispatch_seconds", s.empty_dispatch_seconds},
                {"gemv_error_bound", s.gemv_error_bound},
                {"gb", "1e9 bytes; a copy counts its size twice (read + write)"}};
  json results = json::array();
  for (const auto& r : report.results) results.push_back(result_to_json(r));
  json projections = json::array();
  for (const auto& p : report.projections) {
    projections.push_back({{"model", p.model},
                           {"format", p.format},
                           {"weight_bytes_per_token", p.weight_bytes_per_token},
                           {"tokens_per_s", p.tokens_per_s},
                           {"source", p.source}});
  }
  json doc{{"schema", kBenchSchema},
           {"device", device},
           {"build", build},
           {"settings", settings},
           {"spec_bandwidth_bytes_per_s", optional_number(report.spec_bandwidth_bytes_per_s)},
           {"card",
            {{"id", report.card_id}, {"name", report.card_name}, {"source", report.card_source}}},
           {"measured_read_bytes_per_s", optional_number(measured_read_bytes_per_s(report))},
           {"results", results},
           {"projections", projections}};
  return doc;
}

Result<BenchReport> parse_bench_report(std::string_view json_text) {
  if (json_util::nests_too_deep(json_text)) return json_util::too_deep("bench", "report");
  const json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) {
    return parse_failure("bench", "report is not valid JSON");
  }
  return bench_report_from_doc(doc);
}

Result<BenchReport> bench_report_from_doc(const nlohmann::json& doc) {
  if (!doc.is_object()) {
    return parse_failure("bench", "report is not a JSON object");
  }
  const auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_string() || schema->get<std::string>() != kBenchSchema) {
    return refused(ErrorCode::parse_error, "schema",
                   std::string("schema must be \"") + kBenchSchema + "\"");
  }
  std::optional<Error> error;
  BenchReport out;
  Reader top(doc, "", error);
  if (const json* dj = top.child("device")) {
    Reader r(*dj, "device", error);
    auto& d = out.device;
    d.name = r.text("name");
    d.vendor_id = r.integer<std::uint32_t>("vendor_id");
    d.device_id = r.integer<std::uint32_t>("device_id");
    d.device_type = r.text("device_type");
    d.driver_id = r.integer<std::uint32_t>("driver_id");
    // Optional: files written before the bench recorded the raw driverVersion stay readable.
    if (const auto it = dj->find("driver_version"); dj->is_object() && it != dj->end()) {
      d.driver_version = r.integer<std::uint32_t>("driver_version");
    }
    d.driver_name = r.text("driver_name");
    d.driver_info = r.text("driver_info");
    d.api_version = r.text("api_version");
    d.conformance_version = r.text("conformance_version");
    d.subgroup_size = r.integer<std::uint32_t>("subgroup_size");
    d.timestamp_period_ns = r.number("timestamp_period_ns");
    d.timestamp_valid_bits = r.integer<std::uint32_t>("timestamp_valid_bits");
    d.max_storage_buffer_range_bytes = r.integer<std::uint64_t>("max_storage_buffer_range_bytes");
    d.device_local_heap_bytes = r.integer<std::uint64_t>("device_local_heap_bytes");
    d.device_local_budget_bytes = r.integer<std::uint64_t>("device_local_budget_bytes");
    if (const json* features = r.array("features")) {
      for (const auto& f : *features) {
        if (f.is_string())
          d.features.push_back(f.get<std::string>());
        else if (!error)
          error = parse_failure("device.features", "must hold strings");
      }
    }
  }
  if (const json* bj = top.child("build")) {
    Reader r(*bj, "build", error);
    out.build.version = r.text("version");
    out.build.compiler = r.text("compiler");
    out.build.build_type = r.text("build_type");
    out.build.spirv_digest = r.text("spirv_digest");
  }
  if (const json* sj = top.child("settings")) {
    Reader r(*sj, "settings", error);
    auto& s = out.settings;
    s.quick = r.flag("quick");
    s.warmup_runs = r.integer<std::uint32_t>("warmup_runs");
    s.samples = r.integer<std::uint32_t>("samples");
    s.target_batch_seconds = r.number("target_batch_seconds");
    s.assumed_llc_bytes = r.integer<std::uint64_t>("assumed_llc_bytes");
    s.timer = r.text("timer");
    s.empty_dispatch_seconds = r.number("empty_dispatch_seconds");
    s.gemv_error_bound = r.number("gemv_error_bound");
  }
  if (const json* spec = top.child("spec_bandwidth_bytes_per_s"); spec && !spec->is_null()) {
    out.spec_bandwidth_bytes_per_s =
        top.check_number(*spec, [] { return std::string("spec_bandwidth_bytes_per_s"); });
  }
  if (const json* cj = top.child("card")) {
    Reader r(*cj, "card", error);
    out.card_id = r.text("id");
    out.card_name = r.text("name");
    out.card_source = r.text("source");
  }
  if (const json* results = top.array("results")) {
    for (std::size_t i = 0; i < results->size(); ++i) {
      out.results.push_back(
          read_result((*results)[i], "results[" + std::to_string(i) + "]", error));
    }
  }
  if (const json* projections = top.array("projections")) {
    for (std::size_t i = 0; i < projections->size(); ++i) {
      Reader r((*projections)[i], "projections[" + std::to_string(i) + "]", error);
      BenchProjection p;
      p.model = r.text("model");
      p.format = r.text("format");
      p.weight_bytes_per_token = r.number("weight_bytes_per_token");
      p.tokens_per_s = r.number("tokens_per_s");
      p.source = r.text("source");
      out.projections.push_back(std::move(p));
    }
  }
  if (error) return *error;
  return out;
}

}  // namespace headroom
