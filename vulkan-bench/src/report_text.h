// The human-readable table of a bench report (stdout).
#pragma once

#include <ostream>

#include "headroom/bench_report.h"

namespace headroom::bench {

void print_report_table(std::ostream& os, const BenchReport& report);

}  // namespace headroom::bench
