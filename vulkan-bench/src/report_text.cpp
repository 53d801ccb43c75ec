// Readable table: one line per result, best-of-sweep rows marked, skipped rows with the reason.
#include "report_text.h"

#include <cstdio>
#include <string>

#include "kernels/kernel_ids.h"

namespace headroom::bench {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// The columns of the header and of every row.
constexpr char kRowFormat[] = "%-16s %-10s %-8s %-12s %2s %9s %8s %10s %7s %7s %6s %s\n";

std::string opt(const std::optional<double>& v, const char* f) { return v ? fmt(f, *v) : "-"; }

}  // namespace

void print_report_table(std::ostream& os, const BenchReport& report) {
  const auto& d = report.device;
  os << "device: " << d.name << " (" << d.device_type << ", " << d.driver_name << " "
     << d.driver_info << ", Vulkan " << d.api_version << ")\n";
  os << "settings: " << (report.settings.quick ? "quick, " : "") << report.settings.samples
     << " samples, timer " << report.settings.timer << ", empty dispatch "
     << fmt("%.2f us", report.settings.empty_dispatch_seconds * 1e6) << ", GB = 1e9 bytes\n";
  if (const auto read = measured_read_bytes_per_s(report)) {
    os << "measured read bandwidth: " << fmt("%.2f GB/s", *read / 1e9) << "\n";
  }
  char line[256];
  std::snprintf(line, sizeof line, kRowFormat, "kernel", "format", "variant", "shape", "n",
                "wg/ept|rows", "GB/s", "median_ms", "%read", "speedup", "tax", "status");
  os << line;
  for (const auto& r : report.results) {
    std::string shape = r.m ? std::to_string(r.m) + "x" + std::to_string(r.k)
                            : std::to_string(r.buffer_bytes >> 20) + "MiB";
    std::string wg = r.workgroup_size ? std::to_string(r.workgroup_size) + "/" +
                                            std::to_string(r.kernel == kernel_id(Kernel::gemv)
                                                               ? r.rows_per_workgroup
                                                               : r.elements_per_thread)
                                      : "-";
    std::string status = !r.skipped.empty() ? r.skipped
                         : !r.verified      ? "FAILED verification"
                         : r.best_of_sweep  ? "ok (best)"
                                            : "ok";
    std::snprintf(
        line, sizeof line, kRowFormat, r.kernel.c_str(), r.format.empty() ? "-" : r.format.c_str(),
        r.variant.c_str(), shape.c_str(), r.n ? std::to_string(r.n).c_str() : "-", wg.c_str(),
        r.median_seconds > 0 ? fmt("%.3f", r.gb_per_s).c_str() : "-",
        r.median_seconds > 0 ? fmt("%.4f", r.median_seconds * 1e3).c_str() : "-",
        opt(r.pct_of_read_bandwidth, "%.1f").c_str(), opt(r.speedup_vs_fp16, "%.2f").c_str(),
        opt(r.dequant_tax, "%.2f").c_str(), status.c_str());
    os << line;
  }
  for (const auto& p : report.projections) {
    os << "projected decode: " << p.model << " " << p.format << ": "
       << fmt("%.2f tokens/s", p.tokens_per_s) << " (" << p.source << ")\n";
  }
}

}  // namespace headroom::bench
