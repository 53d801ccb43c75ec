// What one run measures and how long it may take; shared by the bandwidth and quant benches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "headroom/bench_report.h"
#include "vk_context.h"

namespace headroom::bench {

struct Plan {
  bool quick = false;
  bool verify_only = false;
  std::uint32_t warmups = 3;
  std::uint32_t samples = 20;
  double target_batch_seconds = 0.02;
  std::uint64_t llc_bytes = 0;           // working sets rotate through >= 4x this
  std::uint32_t max_rotation = 16;
  double gemv_error_bound = 1e-4;        // max |y - y_ref| / sum_j |w_j x_j|
  std::vector<std::string> formats;      // quant format ids to run
  std::vector<std::string> variants;     // portable, fast
};

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
