// Output lengths that vary per request, as equal-share classes for a stepped burst. A
// lognormal is used because reply lengths are right-skewed and positive; its cv is the row's
// (or the user's) figure, so only the shape is assumed here.
#include <algorithm>
#include <cmath>

#include "headroom/traffic.h"

namespace headroom {
namespace {

// The standard normal quantile by bisection on its CDF (erfc is exact to double precision).
double normal_quantile(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

Result<std::vector<ServiceTimes::OutputClass>> spread_output_lengths(double mean_tokens,
                                                                     double cv,
                                                                     std::uint32_t classes) {
  if (!(mean_tokens >= 1) || !std::isfinite(mean_tokens))
    return invalid("output_tokens", "must be at least 1 for an output-length spread");
  if (!(cv >= 0 && cv <= 4)) return invalid("output_length_cv", "must be a number from 0 to 4");
  if (classes == 0 || classes > 1000)
    return invalid("output_classes", "must be from 1 to 1000 classes");
  std::vector<ServiceTimes::OutputClass> out;
  if (cv == 0 || classes == 1) {
    out.push_back({mean_tokens, 1});
    return out;
  }
  const double sigma = std::sqrt(std::log(1 + cv * cv));
  const double share = 1.0 / classes;
  double sum = 0;
  for (std::uint32_t i = 0; i < classes; ++i) {
    const double z = normal_quantile((i + 0.5) * share);
    out.push_back({std::exp(sigma * z), share});
    sum += out.back().tokens * share;
  }
  // Midpoint quantiles understate the mean of a skewed law; rescale to the stated mean, then
  // keep every class at 1 token or more.
  for (auto& c : out) c.tokens = std::max(1.0, c.tokens * mean_tokens / sum);
  return out;
}

}  // namespace headroom
