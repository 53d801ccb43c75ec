// The one submission check (results.h): structure, provenance, identity, consistency, privacy.
// Rules follow vulkan.gpuinfo.org's upload checks (size, JSON only, decoded driver) and MLPerf's
// checker (recompute what can be recomputed, refuse what does not add up); see
// shared/research/site-anchors.md section 1.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "headroom/documents.h"
#include "headroom/results.h"
#include "headroom/units.h"
#include "documents/bench_doc.h"
#include "results/text_checks.h"

namespace headroom {
namespace {

using nlohmann::json;
using namespace results_text;

// The first key of `doc`, at any depth, that the writer's own document of the same report lacks
// (empty: none): bench_json_text is the schema, so a key it does not write is not a field.
std::string unknown_key(const json& doc, const json& written, const std::string& path) {
  if (doc.is_object() && written.is_object()) {
    for (const auto& item : doc.items()) {
      const std::string at = path.empty() ? item.key() : path + "." + item.key();
      const auto it = written.find(item.key());
      if (it == written.end()) return at;
      if (std::string inner = unknown_key(item.value(), *it, at); !inner.empty()) return inner;
    }
  } else if (doc.is_array() && written.is_array()) {
    for (std::size_t i = 0; i < doc.size() && i < written.size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (std::string inner = unknown_key(doc[i], written[i], at); !inner.empty()) return inner;
    }
  }
  return {};
}

// The top-level keys bench_json_text writes; anything else is not a bench file of this schema.
const std::set<std::string> kTopLevelKeys = {"schema",     "device",
                                             "build",      "settings",
                                             "card",       "spec_bandwidth_bytes_per_s",
                                             "results",    "measured_read_bytes_per_s",
                                             "projections"};

bool close(double a, double b) {
  const double scale = std::max({std::fabs(a), std::fabs(b), 1e-300});
  return std::fabs(a - b) <= kAggregateTolerance * scale;
}

std::string result_label(const BenchResult& r, std::size_t i) {
  std::string label = "results[" + std::to_string(i) + "] (" + r.kernel;
  if (!r.format.empty()) label += " " + r.format;
  if (!r.variant.empty()) label += " " + r.variant;
  return label + ")";
}

class Checker {
 public:
  Checker(SubmissionCheck& out, const Catalog& catalog) : out_(out), catalog_(catalog) {}

  void reject(std::string field, std::string message) {
    out_.rejections.push_back(
        refused(ErrorCode::invalid_argument, std::move(field), std::move(message)));
  }
  void flag(std::string field, std::string message) {
    out_.flags.push_back(
        refused(ErrorCode::invalid_argument, std::move(field), std::move(message)));
  }

  void provenance(const BenchReport& r) {
    if (!is_version(r.build.version)) {
      reject("build.version", "build.version \"" + r.build.version +
                                  "\" is not a headroom version (MAJOR.MINOR.PATCH)");
    }
    if (!is_hex_digest(r.build.spirv_digest)) {
      reject("build.spirv_digest",
             "build.spirv_digest must be the 16 lowercase hex digits of the shaders' FNV-1a 64");
    }
  }

  void identity(const BenchReport& r) {
    const BenchDevice& d = r.device;
    if (d.vendor_id == 0) reject("device.vendor_id", "device.vendor_id is 0 (not a Vulkan device)");
    card_ = catalog_.find_card_by_vulkan_id(d.vendor_id, d.device_id);
    const std::string ids = hex_id(d.vendor_id) + ":" + hex_id(d.device_id);
    if (card_ != nullptr) {
      out_.vendor = card_->vendor;
      out_.card_id = card_->id;
      out_.folder = card_->vendor + "/" + card_->id;
      if (r.card_id != card_->id) {
        reject("card.id", "card.id \"" + r.card_id + "\" does not match the device ids " + ids +
                              ", which are the catalog's " + card_->id);
      }
      // The card pages print card.name: it must be the catalog's, not a claim of the file's.
      if (!r.card_name.empty() && r.card_name != card_->name) {
        reject("card.name", "card.name \"" + r.card_name + "\" is not the catalog's name for " +
                                ids + " (\"" + card_->name + "\")");
      }
      if (r.spec_bandwidth_bytes_per_s && card_->bandwidth_bytes_per_s > 0 &&
          std::fabs(*r.spec_bandwidth_bytes_per_s - card_->bandwidth_bytes_per_s) >
              0.01 * card_->bandwidth_bytes_per_s) {
        reject("spec_bandwidth_bytes_per_s",
               "spec_bandwidth_bytes_per_s differs from the catalog's " +
                   format_bandwidth(card_->bandwidth_bytes_per_s) + " for " + card_->id);
      }
    } else {
      out_.vendor = "unknown";
      out_.folder = "unknown/" + sanitize_folder_name(d.device_type + "-" + d.name);
      if (!r.card_id.empty()) {
        reject("card.id", "card.id \"" + r.card_id + "\" names a card, but the device ids " + ids +
                              " are not in the card catalog");
      }
      if (!r.card_name.empty()) {
        reject("card.name", "card.name \"" + r.card_name + "\" names a card, but the device ids " +
                                ids + " are not in the card catalog");
      }
      flag("device", "device " + ids + " ('" + d.name +
                         "') is not in the card catalog: no spec to check its bandwidth against");
    }
    if (d.device_type == "cpu") {
      flag("device.device_type", "device.device_type is cpu: host memory through a JIT, not a GPU");
    }
    if (d.driver_version) {
      out_.driver_version = decode_driver_version(d.vendor_id, d.driver_id, *d.driver_version);
    } else {
      flag("device.driver_version",
           "device.driver_version is missing (a bench from before it was recorded): the driver "
           "is named only by driver_info");
    }
  }

  void consistency(const BenchReport& r) {
    const auto read = measured_read_bytes_per_s(r);
    if (!read) reject("results", "no verified read-bandwidth result");
    const double spec = card_ != nullptr ? card_->bandwidth_bytes_per_s : 0;
    std::size_t noisy = 0;
    double worst_noise = 0;
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      const BenchResult& row = r.results[i];
      const std::string field = "results[" + std::to_string(i) + "]";
      const std::string label = result_label(row, i);
      if (!row.skipped.empty()) {
        if (!row.samples_seconds.empty() || row.median_seconds > 0) {
          reject(field, label + " is skipped but reports a timing");
        }
        continue;
      }
      if (!row.verified) {
        reject(field, label + " failed verification (max_error " + std::to_string(row.max_error) +
                          "): its timing cannot be trusted");
      }
      const std::size_t n = row.samples_seconds.size();
      if (n > kMaxSamples) {
        reject(field + ".samples_seconds", label + " holds " + std::to_string(n) +
                                               " samples, more than " +
                                               std::to_string(kMaxSamples));
        continue;
      }
      if (n < kMinSamples) {
        reject(field + ".samples_seconds", label + " holds " + std::to_string(n) +
                                               " samples, fewer than " +
                                               std::to_string(kMinSamples));
        continue;
      }
      if (n != r.settings.samples) {
        reject(field + ".samples_seconds", label + " holds " + std::to_string(n) +
                                               " samples but settings.samples is " +
                                               std::to_string(r.settings.samples));
      }
      if (std::any_of(row.samples_seconds.begin(), row.samples_seconds.end(),
                      [](double s) { return !(s > 0); })) {
        reject(field + ".samples_seconds", label + " has a sample of zero seconds");
        continue;
      }
      const SampleStats s = sample_stats(row.samples_seconds);
      if (!close(s.median_seconds, row.median_seconds)) {
        reject(field + ".median_seconds",
               label + " median_seconds " + std::to_string(row.median_seconds) +
                   " is not the median of its samples (" + std::to_string(s.median_seconds) + ")");
      }
      if (!close(s.best_seconds, row.best_seconds)) {
        reject(field + ".best_seconds", label + " best_seconds is not the fastest sample");
      }
      if (!close(s.spread, row.spread)) {
        reject(field + ".spread", label + " spread is not (p90 - p10) / median of its samples");
      }
      const double gb = static_cast<double>(row.bytes_moved) / s.median_seconds / 1e9;
      if (!close(gb, row.gb_per_s)) {
        reject(field + ".gb_per_s", label + " gb_per_s is not bytes_moved / median_seconds / 1e9");
      }
      if (s.spread > kMaxSpread) {
        // On a GPU such a spread means the timer is broken; on a CPU device (lavapipe) it is the
        // host's scheduler, and the file is flagged already as a CPU device.
        const std::string why = label + " spread " + std::to_string(s.spread) + " exceeds " +
                                std::to_string(kMaxSpread);
        if (r.device.device_type == "cpu") {
          flag(field + ".spread", why + ": a CPU device shares the host's cores");
        } else {
          reject(field + ".spread", why + ": the timer is not reliable");
        }
      }
      const bool read_by_model =
          (row.kernel == bench_kernel_id(BenchKernel::read) && row.best_of_sweep) ||
          (row.kernel == bench_kernel_id(BenchKernel::gemv) && row.n == 1);
      if (read_by_model && s.spread > kNoisySpread) {
        ++noisy;
        worst_noise = std::max(worst_noise, s.spread);
      }
      const double bytes_per_s = gb * 1e9;
      // size_sweep_read walks 1 MiB up to the binding limit on purpose: its small sizes are
      // cache-resident by design and are never read as DRAM.
      const bool cache_resident = row.kernel == bench_kernel_id(BenchKernel::size_sweep_read);
      if (!cache_resident && spec > 0 && bytes_per_s > kSpecTolerance * spec) {
        reject(field + ".gb_per_s", label + " " + format_bandwidth(bytes_per_s) + " exceeds " +
                                        card_->name + "'s spec " + format_bandwidth(spec) +
                                        " by more than 10% (cache-resident, not DRAM)");
      }
      if (row.kernel == bench_kernel_id(BenchKernel::gemv) && read && row.verified &&
          bytes_per_s > kSpecTolerance * *read) {
        reject(field + ".gb_per_s", label + " " + format_bandwidth(bytes_per_s) +
                                        " is faster than the file's read bandwidth " +
                                        format_bandwidth(*read) + " allows");
      }
    }
    if (noisy > 0) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "%zu result(s) the speed model reads have a spread above %.2f (worst %.2f): "
                    "a busy or throttling machine",
                    noisy, kNoisySpread, worst_noise);
      flag("results", text);
    }
  }

  // Names and derived figures the file states must be the ones the bench writes for its data.
  void derived(const BenchReport& r) {
    const auto timer = parse_bench_timer(r.settings.timer);
    if (!timer) {
      reject("settings.timer", "settings.timer must be gpu_timestamp or wall_clock (got \"" +
                                   r.settings.timer + "\")");
    }
    if (timer == BenchTimer::gpu_timestamp && !(r.device.timestamp_period_ns > 0)) {
      reject("device.timestamp_period_ns",
             "device.timestamp_period_ns must be above 0 for gpu_timestamp timing");
    }
    const BenchReport recomputed = derive_bench_metrics(r);
    // A figure the file leaves null is not stated; one it states must be the recomputed one.
    auto same = [](const std::optional<double>& stated, const std::optional<double>& want) {
      return !stated || (want && close(*stated, *want));
    };
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      const BenchResult& row = r.results[i];
      const std::string field = "results[" + std::to_string(i) + "]";
      if (!parse_bench_kernel(row.kernel)) {
        reject(field + ".kernel", field + ".kernel \"" + row.kernel + "\" is not a headroom-bench kernel");
        continue;
      }
      if (!parse_bench_variant(row.variant)) {
        reject(field + ".variant",
               field + ".variant \"" + row.variant + "\" is not a headroom-bench variant");
        continue;
      }
      if (!row.format.empty() && !parse_dtype(row.format)) {
        reject(field + ".format", field + ".format \"" + row.format + "\" is not a weight format");
        continue;
      }
      const BenchResult& want = recomputed.results[i];
      const std::pair<const char*, bool> checks[] = {
          {"pct_of_read_bandwidth", same(row.pct_of_read_bandwidth, want.pct_of_read_bandwidth)},
          {"pct_of_spec", same(row.pct_of_spec, want.pct_of_spec)},
          {"speedup_vs_fp16", same(row.speedup_vs_fp16, want.speedup_vs_fp16)},
          {"ideal_speedup", same(row.ideal_speedup, want.ideal_speedup)},
          {"dequant_tax", same(row.dequant_tax, want.dequant_tax)}};
      for (const auto& [name, ok] : checks) {
        if (!ok) {
          reject(field + "." + name, result_label(row, i) + " " + name +
                                         " is not what its timings and the file's read give");
          break;
        }
      }
    }
    for (std::size_t i = 0; i < r.projections.size(); ++i) {
      const BenchProjection& p = r.projections[i];
      const std::string field = "projections[" + std::to_string(i) + "]";
      const auto gemv = best_gemv_bytes_per_s(r, p.format);  // the bench's own derivation
      if (!gemv || !(p.weight_bytes_per_token > 0) ||
          !close(p.tokens_per_s, *gemv / p.weight_bytes_per_token)) {
        reject(field + ".tokens_per_s",
               field + ".tokens_per_s is not the file's " + p.format +
                   " GEMV bandwidth over weight_bytes_per_token");
      }
    }
  }

  void top_level_measured(const json& doc, const BenchReport& r) {
    const auto it = doc.find("measured_read_bytes_per_s");
    if (it == doc.end()) {
      reject("measured_read_bytes_per_s", "measured_read_bytes_per_s is missing");
      return;
    }
    const auto read = measured_read_bytes_per_s(r);
    if (it->is_null() != !read.has_value() ||
        (read && (!it->is_number() || !close(it->get<double>(), *read)))) {
      reject("measured_read_bytes_per_s",
             "measured_read_bytes_per_s is not the best verified read result's bandwidth");
    }
  }

  void privacy(const BenchReport& r) {
    // Published text: no control characters (they reach the site's pages) and no essays.
    constexpr std::size_t kMaxTextChars = 1000;
    const auto check = [&](const std::string& field, const std::string& value, bool identity) {
      if (std::any_of(value.begin(), value.end(), [](char ch) {
            const auto c = static_cast<unsigned char>(ch);
            return c < 0x20 || c == 0x7f;
          })) {
        reject(field, field + " contains control characters");
        return;
      }
      if (value.size() > kMaxTextChars) {
        reject(field, field + " is longer than " + std::to_string(kMaxTextChars) + " characters");
        return;
      }
      if (auto what = private_text(value, identity)) {
        reject(field, field + " contains " + *what + ": results are public, remove it");
      }
    };
    const BenchDevice& d = r.device;
    check("device.name", d.name, true);
    check("device.driver_name", d.driver_name, true);
    check("device.driver_info", d.driver_info, true);
    check("device.api_version", d.api_version, false);
    check("device.conformance_version", d.conformance_version, false);
    for (std::size_t i = 0; i < d.features.size(); ++i) {
      check("device.features[" + std::to_string(i) + "]", d.features[i], false);
    }
    check("build.version", r.build.version, false);
    check("build.compiler", r.build.compiler, false);
    check("build.build_type", r.build.build_type, false);
    check("settings.timer", r.settings.timer, false);
    check("card.name", r.card_name, false);
    check("card.source", r.card_source, false);
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      const std::string f = "results[" + std::to_string(i) + "]";
      check(f + ".kernel", r.results[i].kernel, false);
      check(f + ".format", r.results[i].format, false);
      check(f + ".variant", r.results[i].variant, false);
      check(f + ".skipped", r.results[i].skipped, false);
    }
    for (std::size_t i = 0; i < r.projections.size(); ++i) {
      check("projections[" + std::to_string(i) + "].source", r.projections[i].source, false);
    }
  }

 private:
  SubmissionCheck& out_;
  const Catalog& catalog_;
  const Card* card_ = nullptr;
};

void finish(SubmissionCheck& out) {
  out.status = !out.rejections.empty() ? SubmissionStatus::rejected
               : !out.flags.empty()    ? SubmissionStatus::flagged
                                       : SubmissionStatus::ok;
}

}  // namespace

SubmissionCheck check_submission(std::string_view bytes, const Catalog& catalog,
                                 const SubmissionCheckOptions& options) {
  SubmissionCheck out;
  Checker c(out, catalog);
  // Structure: what can be decided without building the document comes first.
  if (bytes.empty()) {
    c.reject("file", "the file is empty");
  } else if (bytes.size() > kMaxSubmissionBytes) {
    c.reject("file", "the file is larger than the 512 KB a result may take");
  } else if (const std::size_t at = invalid_utf8_at(bytes); at != std::string_view::npos) {
    c.reject("file", "the file is not valid UTF-8 (byte " + std::to_string(at) + ")");
  }
  json doc;
  if (out.rejections.empty()) {
    if (const std::string problem = parse_scanned(bytes, doc); !problem.empty()) {
      c.reject("file", "the document " + problem);
    }
  }
  if (!out.rejections.empty()) {
    finish(out);
    return out;
  }
  if (options.canonical_hash) {
    out.canonical_json = doc.dump();
    out.sha256 = sha256_hex(out.canonical_json);
  }
  if (doc.is_object()) {
    for (const auto& item : doc.items()) {
      if (kTopLevelKeys.count(item.key()) == 0) {
        c.reject(item.key(), "unknown top-level key \"" + item.key() + "\" (not in " +
                                 std::string(kBenchSchema) + ")");
      }
    }
  }
  // The tree just parsed: no second parse of the same bytes (parse_scanned() has already
  // ruled out what parse_bench_report() checks on the text).
  auto report = bench_report_from_doc(doc);
  if (!report) {
    out.rejections.push_back(report.error());
    finish(out);
    return out;
  }
  // Keys below the top level too: what the schema does not hold is neither checked nor
  // published, so a file carrying more is refused.
  if (out.rejections.empty()) {
    if (const std::string key = unknown_key(doc, bench_document(report.value()), ""); !key.empty())
      c.reject(key, "unknown key \"" + key + "\" (not in " + std::string(kBenchSchema) + ")");
  }
  c.top_level_measured(doc, report.value());
  c.provenance(report.value());
  c.identity(report.value());
  c.consistency(report.value());
  c.derived(report.value());
  c.privacy(report.value());
  out.report = std::move(report).value();
  finish(out);
  return out;
}

Result<BenchReport> check_bench_submission(std::string_view json_text) {
  auto catalog = load_builtin_catalog();
  if (!catalog) return catalog.error();
  SubmissionCheck check = check_submission(json_text, catalog.value());
  if (check.status == SubmissionStatus::rejected) return check.rejections.front();
  return std::move(*check.report);
}

}  // namespace headroom
