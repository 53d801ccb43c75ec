// Result rows of the headroom.bench.v1 report, filled the same way by every kernel.
#pragma once

#include <cstdint>

#include "headroom/bench_report.h"
#include "kernels/kernel_ids.h"
#include "kernels/timing.h"

namespace headroom::bench {

// A row naming `kernel` and `variant`, with its working set: one buffer of `buffer_bytes`
// cycled with `rotation` - 1 others, `bytes_moved` per dispatch.
BenchResult make_row(Kernel kernel, Variant variant, std::uint64_t buffer_bytes = 0,
                     std::uint32_t rotation = 1, std::uint64_t bytes_moved = 0);

// The samples, their median, best and spread, and gb_per_s = bytes_moved / median / 1e9.
void set_timing(BenchResult& row, const Timed& timed);

}  // namespace headroom::bench
