// Turns a headroom-bench report into the speed model's calibration for one card and format,
// refusing reports that cannot be from that card or that a cache inflated.
#pragma once

#include "headroom/bench_report.h"
#include "headroom/card.h"
#include "headroom/speed.h"

namespace headroom {

Result<BenchCalibration> calibrate_from_bench(const BenchReport& report, const Card& card,
                                              DType weight_dtype);

}  // namespace headroom
