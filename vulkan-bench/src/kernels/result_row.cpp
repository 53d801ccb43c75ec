// Result rows: identity and working set, then the statistics of one series of timed batches.
#include "kernels/result_row.h"

namespace headroom::bench {

BenchResult make_row(Kernel kernel, Variant variant, std::uint64_t buffer_bytes,
                     std::uint32_t rotation, std::uint64_t bytes_moved) {
  BenchResult r;
  r.kernel = kernel_id(kernel);
  r.variant = variant_id(variant);
  r.buffer_bytes = buffer_bytes;
  r.rotation = rotation;
  r.bytes_moved = bytes_moved;
  return r;
}

void set_timing(BenchResult& row, const Timed& timed) {
  row.samples_seconds = timed.per_dispatch_seconds;
  const SampleStats s = sample_stats(timed.per_dispatch_seconds);  // the schema's definition
  row.median_seconds = s.median_seconds;
  row.best_seconds = s.best_seconds;
  row.spread = s.spread;
  row.gb_per_s =
      s.median_seconds > 0 ? static_cast<double>(row.bytes_moved) / s.median_seconds / 1e9 : 0;
}

}  // namespace headroom::bench
