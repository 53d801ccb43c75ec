// Submitted headroom-bench results (results/ in the repository): the one submission check that
// `headroom results validate`, `headroom check-bench` and `headroom-bench --check-json` run, the
// storage layout and index of `headroom results add`, trust tiers and per-card aggregates.
// Pure: the front ends read and write the files; everything decided about them is here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/bench_report.h"
#include "headroom/catalog.h"
#include "headroom/result.h"

namespace headroom {

// --- The stated bounds (CONTRIBUTING.md repeats them) ---------------------------------------
// vulkan.gpuinfo.org refuses uploads above 512 KB; a full bench run is about 200 KB.
inline constexpr std::size_t kMaxSubmissionBytes = 512 * 1024;
// A bench file nests 4 levels (document, results, result, samples); 8 leaves room, and a deeper
// file is not one the bench wrote.
inline constexpr int kMaxSubmissionDepth = 8;
// Fewer samples than --quick takes give no median worth comparing; more than this is not a run
// the bench makes (its --samples is clamped far below) and only bloats the file.
inline constexpr std::size_t kMinSamples = 5;
inline constexpr std::size_t kMaxSamples = 1000;
// (p90 - p10) / median: above kNoisySpread a row the speed model reads (the best read, n = 1
// GEMVs) is flagged as noisy; above kMaxSpread on any row of a GPU the timer itself is broken:
// rejected (on a CPU device it is the host scheduler: flagged).
inline constexpr double kNoisySpread = 0.25;
inline constexpr double kMaxSpread = 4.0;
// DRAM and GEMV bandwidth above the card's spec by more than 10% is cache-resident, not DRAM
// (bench-anchors.md: the most common benchmark trap); the same margin bounds a GEMV against the
// file's own read bandwidth.
inline constexpr double kSpecTolerance = 1.10;
// Recomputed aggregates must match the file's to this relative error (doubles printed by
// nlohmann round-trip exactly; the margin only absorbs a different summation order).
inline constexpr double kAggregateTolerance = 1e-9;
// Robust z-score |0.6745 (x - median) / MAD| above this marks an outlier (Iglewicz and Hoaglin).
inline constexpr double kOutlierZ = 3.5;

// --- Hashing and identity ----------------------------------------------------------------------
// SHA-256 (FIPS 180-2) of `bytes`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// driverVersion decoded as vulkan.gpuinfo.org does: NVIDIA (0x10DE) 10.8.8.6 bits; Intel's
// Windows driver (driverID 5) 18.14; every other driver the Vulkan major.minor.patch.
std::string decode_driver_version(std::uint32_t vendor_id, std::uint32_t driver_id,
                                  std::uint32_t raw);

// A device name as a folder name: lowercase ASCII letters and digits, runs of anything else as
// one '-', at most 64 characters ("llvmpipe (LLVM 15.0.6, 256 bits)" ->
// "llvmpipe-llvm-15-0-6-256-bits").
std::string sanitize_folder_name(std::string_view name);

// --- The submission check ----------------------------------------------------------------------
enum class SubmissionStatus { ok, flagged, rejected };
const char* to_string(SubmissionStatus status);

struct SubmissionCheck {
  SubmissionStatus status = SubmissionStatus::ok;
  std::vector<Error> rejections;      // any one rejects the file
  std::vector<Error> flags;           // accepted, but marked unverified
  std::optional<BenchReport> report;  // when the document parsed as headroom.bench.v1
  std::string canonical_json;         // sorted keys, no whitespace; "" when not JSON
  std::string sha256;                 // of canonical_json
  std::string vendor;                 // the catalog card's vendor ("nvidia"), else "unknown"
  std::string card_id;                // the catalog card, else "" (unknown device)
  std::string folder;          // under results/: "nvidia/rtx-4090", "unknown/cpu-llvmpipe-..."
  std::string driver_version;  // decoded; "" when the file has no raw driverVersion
};

// Every check, in order: structure (size, UTF-8, depth, duplicate keys, finite numbers, schema,
// types, required fields, no unknown top-level keys), provenance (bench version, SPIR-V digest),
// identity (catalog card, decoded driver), consistency (aggregates recomputed from the samples,
// sample counts, spread, verification, bandwidth against the spec and the read bandwidth) and
// privacy (paths, user and host names). A structural failure stops there; the others all run,
// so a file's every problem is listed.
// What check_submission() computes beyond the checks themselves.
struct SubmissionCheckOptions {
  // The canonical text and its sha256: the stored file's name and the key maintainers.json
  // lists. A reader that needs only the report and the verdict of a file no maintainer lists
  // (the site generator) skips both, then canonical_json and sha256 are "" and trust_tier() reads
  // the file as not reproduced. A quarter of one file's check.
  bool canonical_hash = true;
};
SubmissionCheck check_submission(std::string_view bytes, const Catalog& catalog,
                                 const SubmissionCheckOptions& options = {});

// --- Storage: results/<vendor>/<card>/<sha256>.json and an index.json per card folder ---------
enum class TrustTier { maintainer_reproduced, community, unverified };
const char* to_string(TrustTier tier);
// maintainer_reproduced: the file's sha256 is in results/maintainers.json (a maintainer ran the
// same card and got a result within the outlier bound); community: validated ok; unverified:
// flagged.
TrustTier trust_tier(const SubmissionCheck& check, const std::vector<std::string>& reproduced);

struct IndexEntry {
  std::string sha256;
  std::string file;    // "<sha256>.json"
  std::string status;  // ok | flagged
  std::string tier;    // at the time it was added
  std::string device_name;
  std::uint32_t vendor_id = 0;
  std::uint32_t device_id = 0;
  std::string driver_version;  // decoded
  std::string bench_version;
  std::string machine_key;     // sha256 of the dedup key (see machine_key())
  std::uint64_t sequence = 0;  // order of adding: the newest has the largest
  double read_bytes_per_s = 0;
};

struct MetricSummary {
  std::size_t count = 0;
  double median = 0;
  double mad = 0;     // median absolute deviation
  double spread = 0;  // (max - min) / median
};

struct FormatSummary {
  std::string format;  // DType id ("q4_k")
  MetricSummary gemv_efficiency;
};

// Submissions of one card and driver ("" = every driver of the card).
struct CardAggregate {
  std::string folder;
  std::string card_id;
  std::string driver_version;
  std::size_t files = 0;
  std::size_t reproduced = 0, community = 0, unverified = 0;
  MetricSummary read_bytes_per_s;
  std::vector<FormatSummary> formats;  // n = 1 GEMV bytes/s / read bytes/s per file
  std::vector<std::string> outliers;   // sha256 of files whose read bandwidth |z| > kOutlierZ
};

struct ResultsIndex {
  std::string folder;
  std::vector<IndexEntry> current;        // the newest file of each machine key
  std::vector<IndexEntry> history;        // older files of a machine key, newest first
  std::vector<CardAggregate> aggregates;  // per driver, over `current`
};

// The dedup key: vendor and device id, raw driver version, bench version and the settings block.
// The same key means the same machine and settings: the newer file supersedes the older.
std::string machine_key(const BenchReport& report);

// The index after adding an accepted file; refused when its sha256 is already stored (current or
// history) or the check rejected it. The aggregates are not recomputed here (aggregate()).
Result<ResultsIndex> add_to_index(ResultsIndex index, const SubmissionCheck& check,
                                  const std::vector<std::string>& reproduced);

// Aggregates of the given checks (the current files of one folder): per driver when
// `per_driver`, else one over every driver. Outliers are computed within each group; rejected
// checks are skipped.
struct AggregateInput {
  const SubmissionCheck* check = nullptr;
  TrustTier tier = TrustTier::unverified;
};
std::vector<CardAggregate> aggregate(const std::vector<AggregateInput>& inputs, bool per_driver);

// What `headroom size --card X` uses: one aggregate over the card's trusted files (community or
// reproduced, outliers left out); nullopt when none. As a BenchReport the speed model reads like
// a --bench file: one read row at the median bandwidth and one n = 1 GEMV row per format.
std::optional<CardAggregate> sizing_aggregate(const std::vector<AggregateInput>& inputs);
BenchReport bench_from_aggregate(const CardAggregate& aggregate, const Card& card);

// --- Documents (core/src/documents/results_json.cpp) --------------------------------------------
inline constexpr const char* kResultsCheckSchema = "headroom.results-check.v1";
inline constexpr const char* kResultsIndexSchema = "headroom.results-index.v1";
inline constexpr const char* kMaintainersSchema = "headroom.maintainers.v1";

struct CheckedFile {
  std::string path;  // as the front end names it
  SubmissionCheck check;
};
// {"schema", "files": [{path, status, sha256, folder, card, driver_version, reasons: [{field,
// message, severity: "rejected" | "flagged"}]}], "summary": {ok, flagged, rejected}}.
std::string results_check_json_text(const std::vector<CheckedFile>& files);

std::string results_index_json_text(const ResultsIndex& index);
Result<ResultsIndex> parse_results_index(std::string_view json_text);
// results/maintainers.json: {"schema": "headroom.maintainers.v1", "reproduced": ["<sha256>", ...]}.
Result<std::vector<std::string>> parse_maintainers(std::string_view json_text);

// What `results add` stores: the canonical document pretty-printed (sorted keys, 2-space indent),
// so the file reads well in a pull request and its canonical form, hence its name, is unchanged.
std::string stored_result_text(const SubmissionCheck& check);

// A file's name in a card folder must be its sha256: an error naming the file otherwise.
std::optional<Error> check_stored_name(std::string_view file_name, const SubmissionCheck& check);

}  // namespace headroom
