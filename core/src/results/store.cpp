// The results/ layout: the dedup key, the index of a card folder, and the aggregates across
// submissions (median, MAD, robust outliers) that `headroom size` reads as measured figures.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "headroom/results.h"
#include "base/stats.h"

namespace headroom {
namespace {

MetricSummary summarize(const std::vector<double>& values) {
  MetricSummary s;
  s.count = values.size();
  if (values.empty()) return s;
  s.median = median(values);
  std::vector<double> deviations;
  for (const double v : values) deviations.push_back(std::fabs(v - s.median));
  s.mad = median(deviations);
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.spread = s.median > 0 ? (*hi - *lo) / s.median : 0;
  return s;
}

// |0.6745 (x - median) / MAD| (Iglewicz and Hoaglin's modified z-score). With MAD = 0 (fewer
// than three files, or identical ones) nothing is an outlier: there is no spread to judge by.
bool is_outlier(double x, const MetricSummary& s) {
  if (s.mad <= 0) return false;
  return std::fabs(0.6745 * (x - s.median) / s.mad) > kOutlierZ;
}

CardAggregate aggregate_group(const std::vector<AggregateInput>& group, std::string driver,
                              bool drop_outliers) {
  CardAggregate out;
  out.driver_version = std::move(driver);
  std::vector<double> reads;
  for (const auto& in : group) {
    reads.push_back(measured_read_bytes_per_s(*in.check->report).value_or(0));
  }
  const MetricSummary all = summarize(reads);
  std::vector<const AggregateInput*> kept;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (is_outlier(reads[i], all)) {
      out.outliers.push_back(group[i].check->sha256);
      if (drop_outliers) continue;
    }
    kept.push_back(&group[i]);
  }
  std::vector<double> kept_reads;
  std::map<std::string, std::vector<double>> efficiency;  // format -> per file
  for (const AggregateInput* in : kept) {
    const BenchReport& r = *in->check->report;
    const double read = measured_read_bytes_per_s(r).value_or(0);
    kept_reads.push_back(read);
    switch (in->tier) {
      case TrustTier::maintainer_reproduced:
        ++out.reproduced;
        break;
      case TrustTier::community:
        ++out.community;
        break;
      case TrustTier::unverified:
        ++out.unverified;
        break;
    }
    // The best verified n = 1 GEMV of each format, as gemv_efficiency() reads it.
    std::map<std::string, double> best;
    for (const auto& row : r.results) {
      if (row.kernel != bench_kernel_id(BenchKernel::gemv) || row.n != 1 || !row.verified ||
          !row.skipped.empty())
        continue;
      const auto dtype = parse_dtype(row.format);
      if (!dtype) continue;
      const std::string id = dtype_info(*dtype).id;
      best[id] = std::max(best[id], row.gb_per_s * 1e9);
    }
    for (const auto& [format, bytes_per_s] : best) {
      if (read > 0) efficiency[format].push_back(bytes_per_s / read);
    }
  }
  out.files = kept.size();
  out.read_bytes_per_s = summarize(kept_reads);
  for (const auto& [format, values] : efficiency) {
    out.formats.push_back(FormatSummary{format, summarize(values)});
  }
  if (!group.empty()) {
    out.folder = group.front().check->folder;
    out.card_id = group.front().check->card_id;
  }
  return out;
}

std::vector<AggregateInput> usable(const std::vector<AggregateInput>& inputs) {
  std::vector<AggregateInput> out;
  for (const auto& in : inputs) {
    if (in.check != nullptr && in.check->report && in.check->status != SubmissionStatus::rejected) {
      out.push_back(in);
    }
  }
  return out;
}

}  // namespace

std::string machine_key(const BenchReport& r) {
  // Settings as the document writes them, so a change of any knob is a new configuration.
  const nlohmann::json key{{"vendor_id", r.device.vendor_id},
                           {"device_id", r.device.device_id},
                           {"driver_version", r.device.driver_version.value_or(0)},
                           {"driver_info", r.device.driver_info},
                           {"bench_version", r.build.version},
                           {"spirv_digest", r.build.spirv_digest},
                           {"quick", r.settings.quick},
                           {"warmup_runs", r.settings.warmup_runs},
                           {"samples", r.settings.samples},
                           {"target_batch_seconds", r.settings.target_batch_seconds},
                           {"assumed_llc_bytes", r.settings.assumed_llc_bytes},
                           {"timer", r.settings.timer}};
  return sha256_hex(key.dump());
}

Result<ResultsIndex> add_to_index(ResultsIndex index, const SubmissionCheck& check,
                                  const std::vector<std::string>& reproduced) {
  if (check.status == SubmissionStatus::rejected || !check.report) {
    return refused(
        ErrorCode::invalid_argument, "file",
        check.rejections.empty() ? "the file was rejected" : check.rejections.front().message);
  }
  if (index.folder.empty()) index.folder = check.folder;
  if (index.folder != check.folder) {
    return refused(ErrorCode::invalid_argument, "folder",
                   "the file belongs in " + check.folder + ", not " + index.folder);
  }
  std::uint64_t sequence = 0;
  for (const auto* list : {&index.current, &index.history}) {
    for (const auto& e : *list) {
      if (e.sha256 == check.sha256) {
        return refused(ErrorCode::invalid_argument, "sha256",
                       "the same result is already stored as " + check.folder + "/" + e.file);
      }
      sequence = std::max(sequence, e.sequence);
    }
  }
  const BenchReport& r = *check.report;
  IndexEntry entry;
  entry.sha256 = check.sha256;
  entry.file = check.sha256 + ".json";
  entry.status = to_string(check.status);
  entry.tier = to_string(trust_tier(check, reproduced));
  entry.device_name = r.device.name;
  entry.vendor_id = r.device.vendor_id;
  entry.device_id = r.device.device_id;
  entry.driver_version = check.driver_version;
  entry.bench_version = r.build.version;
  entry.machine_key = machine_key(r);
  entry.sequence = sequence + 1;
  entry.read_bytes_per_s = measured_read_bytes_per_s(r).value_or(0);
  // The same machine and settings: the newest stays current, the older one becomes history.
  for (auto it = index.current.begin(); it != index.current.end();) {
    if (it->machine_key == entry.machine_key) {
      index.history.push_back(*it);
      it = index.current.erase(it);
    } else {
      ++it;
    }
  }
  index.current.push_back(std::move(entry));
  std::sort(index.history.begin(), index.history.end(),
            [](const IndexEntry& a, const IndexEntry& b) { return a.sequence > b.sequence; });
  return index;
}

std::vector<CardAggregate> aggregate(const std::vector<AggregateInput>& inputs, bool per_driver) {
  const auto kept = usable(inputs);
  std::vector<CardAggregate> out;
  if (kept.empty()) return out;
  if (!per_driver) {
    out.push_back(aggregate_group(kept, "", false));
    return out;
  }
  std::map<std::string, std::vector<AggregateInput>> by_driver;
  for (const auto& in : kept) by_driver[in.check->driver_version].push_back(in);
  for (const auto& [driver, group] : by_driver)
    out.push_back(aggregate_group(group, driver, false));
  return out;
}

std::optional<CardAggregate> sizing_aggregate(const std::vector<AggregateInput>& inputs) {
  std::vector<AggregateInput> trusted;
  for (const auto& in : usable(inputs)) {
    if (in.tier != TrustTier::unverified && !in.check->card_id.empty()) trusted.push_back(in);
  }
  if (trusted.empty()) return std::nullopt;
  CardAggregate out = aggregate_group(trusted, "", /*drop_outliers=*/true);
  if (out.files == 0 || out.read_bytes_per_s.median <= 0) return std::nullopt;
  return out;
}

BenchReport bench_from_aggregate(const CardAggregate& a, const Card& card) {
  BenchReport r;
  r.device.name = "median of " + std::to_string(a.files) + " results in " + a.folder;
  r.device.vendor_id = card.vulkan_vendor_id;
  r.card_id = card.id;
  r.card_name = card.name;
  r.spec_bandwidth_bytes_per_s = card.bandwidth_bytes_per_s;
  const auto row = [](std::string kernel, std::string format, double bytes_per_s) {
    BenchResult x;
    x.kernel = std::move(kernel);
    x.format = std::move(format);
    x.n = x.kernel == bench_kernel_id(BenchKernel::gemv) ? 1 : 0;
    x.verified = true;
    x.best_of_sweep = true;
    x.gb_per_s = bytes_per_s / 1e9;
    x.median_seconds = 1;  // rates only: the aggregate keeps no timings
    x.bytes_moved = static_cast<std::uint64_t>(bytes_per_s);
    return x;
  };
  const double read = a.read_bytes_per_s.median;
  r.results.push_back(row(bench_kernel_id(BenchKernel::read), "", read));
  for (const auto& f : a.formats) {
    r.results.push_back(
        row(bench_kernel_id(BenchKernel::gemv), f.format, f.gemv_efficiency.median * read));
  }
  return r;
}

std::optional<Error> check_stored_name(std::string_view file_name, const SubmissionCheck& check) {
  if (check.sha256.empty() || file_name == check.sha256 + ".json") return std::nullopt;
  return refused(ErrorCode::invalid_argument, "file",
                 "a stored result must be named by the sha256 of its canonical JSON (" +
                     check.sha256 + ".json), not " + std::string(file_name));
}

}  // namespace headroom
