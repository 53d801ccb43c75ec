// Shared between sizing.cpp and advice.cpp: one evaluation without advice.
#pragma once

#include <string>
#include <vector>

#include "headroom/sizing.h"

namespace headroom {

Result<SizingReport> evaluate(const SizingRequest& request);
std::vector<std::string> make_advice(const SizingRequest& request, const SizingReport& report);

}  // namespace headroom
