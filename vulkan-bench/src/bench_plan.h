// What one run measures and how long it may take; shared by the bandwidth and quant benches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "headroom/bench_report.h"
#include "headroom/dtype.h"
#include "kernels/kernel_ids.h"
#include "vk/vk_context.h"

namespace headroom::bench {

struct Plan {
  bool quick = false;
  bool verify_only = false;
  std::uint32_t warmups = 3;
  std::uint32_t samples = 20;
  double target_batch_seconds = 0.02;
  std::uint64_t llc_bytes = 0;  // working sets rotate through >= 4x this
  std::uint32_t max_rotation = 16;
  double gemv_error_bound = 1e-4;  // max |y - y_ref| / sum_j |w_j x_j|
  std::vector<DType> formats;      // quant formats to run
  std::vector<Variant> variants;   // of kQuantVariants
};

// Distinct buffers of `buffer_bytes` a timed batch cycles through: enough to total >= 4x the
// assumed last-level cache, at least 1, at most `max_buffers` and the plan's cap.
inline std::uint32_t rotation_for(const Plan& plan, std::uint64_t buffer_bytes,
                                  std::uint64_t max_buffers) {
  const std::uint64_t want = (4 * plan.llc_bytes + buffer_bytes - 1) / buffer_bytes;
  const std::uint64_t n =
      std::clamp<std::uint64_t>(want, 1, std::max<std::uint64_t>(1, max_buffers));
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(n, plan.max_rotation));
}

// Progress line on stderr.
void progress(const std::string& line);

// Bandwidth: read/write/copy sweeps, driver copy/fill baselines and the size sweep.
void run_bandwidth(Context& ctx, const Plan& plan, std::vector<BenchResult>& out);
// Seconds per empty dispatch inside a batch.
double measure_empty_dispatch(Context& ctx, const Plan& plan);
// Dequant-only and fused GEMV for every format and variant; returns the number of kernels whose
// output did not verify.
int run_quant(Context& ctx, const Plan& plan, std::vector<BenchResult>& out);

// Largest buffer a single binding may cover on this device, within `cap`.
std::uint64_t max_binding_bytes(const Context& ctx, std::uint64_t cap);

}  // namespace headroom::bench
