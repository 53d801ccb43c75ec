#include "speed/expert_split.h"

#include <algorithm>
#include <cmath>

namespace headroom::speed {

// A step waits on the busiest GPU, so its reads of its own experts set the step.
// Each of E experts is touched with probability p, so a GPU's count among its m = ceil(E / n)
// experts is Binomial(m, p) and the busiest of n expects sum_{j<m} (1 - F(j)^n) of them, against
// E p / n on the mean GPU (tensor parallelism reads 1/n of every touched expert on each).
double expert_parallel_imbalance(std::uint32_t experts, std::uint32_t gpus, double p) {
  if (gpus < 2 || experts == 0 || !(p > 0) || p >= 1) return 1.0;
  const std::uint32_t m = (experts + gpus - 1) / gpus;
  double pmf = std::pow(1 - p, m);  // P(count = 0)
  double cdf = 0, busiest = 0;
  for (std::uint32_t j = 0; j < m; ++j) {
    cdf += pmf;
    busiest += 1 - std::pow(std::min(cdf, 1.0), gpus);
    pmf *= static_cast<double>(m - j) / (j + 1) * p / (1 - p);
  }
  return std::max(1.0, busiest * gpus / (experts * p));
}

}  // namespace headroom::speed
