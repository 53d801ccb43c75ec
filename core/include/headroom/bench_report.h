// BenchReport: one run of headroom-bench as the `headroom.bench.v1` JSON document: the device,
// the build, the settings, every kernel's samples and aggregates, and metrics derived from them.
// The speed model reads measured read bandwidth and per-format GEMV efficiency from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/dtype.h"
#include "headroom/result.h"

namespace headroom {

inline constexpr const char* kBenchSchema = "headroom.bench.v1";

// The kernels, variants and timers a headroom.bench.v1 document names: the schema's one list, which
// the bench writes its rows from and the submission check reads them against.
enum class BenchKernel {
  read,
  write,
  copy,
  copy_buffer,
  fill_buffer,
  size_sweep_read,
  dequant,
  gemv
};
// `driver` marks the vkCmdCopyBuffer / vkCmdFillBuffer baselines; the others are shader builds.
enum class BenchVariant { portable, fast, fp16, int8dot, driver };
enum class BenchTimer { gpu_timestamp, wall_clock };
const char* bench_kernel_id(BenchKernel kernel);
const char* bench_variant_id(BenchVariant variant);
const char* bench_timer_id(BenchTimer timer);
std::optional<BenchKernel> parse_bench_kernel(std::string_view id);
std::optional<BenchVariant> parse_bench_variant(std::string_view id);
std::optional<BenchTimer> parse_bench_timer(std::string_view id);

struct BenchDevice {
  std::string name;
  std::uint32_t vendor_id = 0;
  std::uint32_t device_id = 0;
  std::string device_type;  // discrete_gpu | integrated_gpu | virtual_gpu | cpu | other
  std::uint32_t driver_id = 0;
  // VkPhysicalDeviceProperties::driverVersion as the driver reports it (vendor-specific bits,
  // decode_driver_version in results.h); absent in files written before it was recorded.
  std::optional<std::uint32_t> driver_version;
  std::string driver_name;
  std::string driver_info;
  std::string api_version;  // "1.3.230"
  std::string conformance_version;
  std::uint32_t subgroup_size = 0;
  double timestamp_period_ns = 0;
  std::uint32_t timestamp_valid_bits = 0;
  std::uint64_t max_storage_buffer_range_bytes = 0;
  std::uint64_t device_local_heap_bytes = 0;
  std::uint64_t device_local_budget_bytes = 0;  // VK_EXT_memory_budget; 0 when not offered
  std::vector<std::string> features;  // optional features the kernels use that the device has
};

struct BenchBuild {
  std::string version;       // headroom version
  std::string compiler;      // "GCC 12.2.0"
  std::string build_type;    // "Release"
  std::string spirv_digest;  // FNV-1a 64 of all embedded SPIR-V, hex
};

struct BenchSettings {
  bool quick = false;
  std::uint32_t warmup_runs = 0;
  std::uint32_t samples = 0;
  double target_batch_seconds = 0;
  std::uint64_t assumed_llc_bytes = 0;  // working sets rotate through >= 4x this
  std::string timer;                    // bench_timer_id
  double empty_dispatch_seconds = 0;    // one empty dispatch inside a batch
  double gemv_error_bound = 0;          // max |y - y_ref| / sum |w x| accepted
};

struct BenchResult {
  std::string kernel;   // bench_kernel_id
  std::string format;   // "" for bandwidth kernels, else a quant format id ("q4_k")
  std::string variant;  // bench_variant_id
  std::uint64_t m = 0, k = 0, n = 0;  // GEMV shape (rows, inputs, columns); 0 otherwise
  std::uint32_t workgroup_size = 0;
  std::uint32_t elements_per_thread = 0;  // bandwidth kernels: 16-byte elements per thread
  std::uint32_t rows_per_workgroup = 0;   // gemv: matrix rows one workgroup computes
  std::uint64_t buffer_bytes = 0;         // one working buffer
  std::uint32_t rotation = 1;             // distinct buffers cycled through
  std::uint64_t bytes_moved = 0;          // per dispatch, reads + writes
  std::vector<double> samples_seconds;    // per dispatch, one per sample
  double median_seconds = 0;
  double best_seconds = 0;
  double spread = 0;    // (p90 - p10) / median
  double gb_per_s = 0;  // bytes_moved / median_seconds / 1e9
  bool verified = false;
  double max_error = 0;        // dequant: 0 when bit-exact; gemv: normalized error
  std::string skipped;         // non-empty: why it did not run
  bool best_of_sweep = false;  // the best configuration of its kernel
  // Derived (see derive_bench_metrics); absent where they do not apply.
  std::optional<double> pct_of_read_bandwidth;
  std::optional<double> pct_of_spec;
  std::optional<double> speedup_vs_fp16;
  std::optional<double> ideal_speedup;
  std::optional<double> dequant_tax;
};

struct BenchProjection {
  std::string model;
  std::string format;
  double weight_bytes_per_token = 0;
  double tokens_per_s = 0;
  std::string source;  // where the parameter count comes from and how t/s is derived
};

struct BenchReport {
  BenchDevice device;
  BenchBuild build;
  BenchSettings settings;
  std::vector<BenchResult> results;
  std::vector<BenchProjection> projections;
  std::optional<double> spec_bandwidth_bytes_per_s;  // from the card catalog when known
  std::string card_id;  // catalog card matched by Vulkan vendor/device id; "" when unknown
  std::string card_name;
  std::string card_source;  // where the catalog's spec bandwidth comes from
};

// Reading and writing the document: documents.h (bench_json_text, parse_bench_report).

// The aggregates a result row carries, from its samples_seconds: the schema's one definition,
// used by headroom-bench when it writes a row and by the submission check when it recomputes one.
struct SampleStats {
  double median_seconds = 0;
  double best_seconds = 0;
  double spread = 0;  // (p90 - p10) / median, p at the nearest rank
};
SampleStats sample_stats(std::vector<double> samples_seconds);

// Best verified GB/s of the `read` kernel (the sweep's best row), in bytes/s.
std::optional<double> measured_read_bytes_per_s(const BenchReport& report);

// GB/s of the best verified n = 1 GEMV of `dtype` / measured read bandwidth (0..~1). A result's
// format id is read through the core's DType table (parse_dtype), so every spelling of the same
// storage type ("awq_int4_g128", the bench's older "int4_g128") finds it.
std::optional<double> gemv_efficiency(const BenchReport& report, DType dtype);

// Fills the derived fields of every result and returns the report; bits per weight come from
// the DType table (formats it does not know get no speedup fields). A GEMV's fp16 baseline is the
// fastest verified f16 GEMV of the same shape and n in the same variant, else in any variant.
BenchReport derive_bench_metrics(BenchReport report);

// A result file as submitted (`headroom results validate`, `headroom check-bench`,
// `headroom-bench --check-json`): the submission check of headroom/results.h against the built-in
// catalog; its first rejection as the error, the report when the file is ok or only flagged.
Result<BenchReport> check_bench_submission(std::string_view json_text);

// The effective weight bytes/s of the fastest verified n = 1 GEMV of `format` (none: no such row
// or no such format).
std::optional<double> best_gemv_bytes_per_s(const BenchReport& report, std::string_view format);

// Decode tokens/s at batch 1 when every weight is read once per token through the best n = 1
// GEMV of `format`: effective bytes/s / (active_params * bits_per_weight / 8).
std::optional<double> projected_decode_tokens_per_s(const BenchReport& report,
                                                    std::string_view format, double active_params,
                                                    double bits_per_weight);

}  // namespace headroom
