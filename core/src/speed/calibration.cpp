#include "speed/calibration.h"

#include "headroom/units.h"

namespace headroom {
namespace {

// A DRAM figure above the card's spec by more than this is a cache-resident result, not DRAM
// (bench-anchors.md: the most common benchmark trap).
constexpr double kSpecTolerance = 1.10;

}  // namespace

Result<BenchCalibration> calibrate_from_bench(const BenchReport& report, const Card& card,
                                              DType weight_dtype) {
  if (report.device.vendor_id != 0 && card.vulkan_vendor_id != 0 &&
      report.device.vendor_id != card.vulkan_vendor_id) {
    return refused(ErrorCode::invalid_argument, "bench.device.vendor_id",
                   "the bench file was measured on '" + report.device.name + "', not on a " +
                       card.vendor + " card like " + card.name);
  }
  if (!report.card_id.empty() && report.card_id != card.id) {
    return refused(ErrorCode::invalid_argument, "bench.card_id",
                   "the bench file was measured on " + report.card_id + ", not on " + card.id);
  }
  auto read = measured_read_bytes_per_s(report);
  if (!read || *read <= 0) {
    return refused(ErrorCode::invalid_argument, "bench.results",
                   "the bench file has no verified read-bandwidth result");
  }
  if (*read > kSpecTolerance * card.bandwidth_bytes_per_s) {
    return refused(ErrorCode::invalid_argument, "bench.results",
                   "the bench file's read bandwidth " + format_bandwidth(*read) + " exceeds " +
                       card.name + "'s spec " + format_bandwidth(card.bandwidth_bytes_per_s) +
                       " by more than 10% (a cache-resident result, not DRAM)");
  }
  BenchCalibration calibration;
  calibration.read_bytes_per_s = *read;
  calibration.device_name = report.device.name;
  calibration.gemv_efficiency = gemv_efficiency(report, weight_dtype);
  calibration.f16_gemv_efficiency = gemv_efficiency(report, DType::f16);
  return calibration;
}

}  // namespace headroom
