#include "speed/expert_split.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace headroom::speed {

namespace {

// P(count <= t) for t = 0..m-1 of a Binomial(m, p) count.
std::vector<double> binomial_cdf(std::uint32_t m, double p) {
  std::vector<double> cdf(m, 0.0);
  double pmf = std::pow(1 - p, m);  // P(count = 0)
  double sum = 0;
  for (std::uint32_t j = 0; j < m; ++j) {
    sum += pmf;
    cdf[j] = std::min(sum, 1.0);
    pmf *= static_cast<double>(m - j) / (j + 1) * p / (1 - p);
  }
  return cdf;
}

}  // namespace

// A step waits on the busiest GPU, so its reads of its own experts set the step. Each of E
// experts is touched with probability p, so a GPU's count among its own experts is binomial;
// E mod n GPUs hold one expert more than the others (vLLM's determine_expert_map), and the
// busiest expects sum_t (1 - P(every GPU's count <= t)), against E p / n on the mean GPU (tensor
// parallelism reads 1/n of every touched expert on each).
double expert_parallel_imbalance(std::uint32_t experts, std::uint32_t gpus, double p) {
  if (gpus < 2 || experts == 0 || !(p > 0) || p >= 1) return 1.0;
  const std::uint32_t few = experts / gpus;
  const std::uint32_t more = experts % gpus;  // GPUs holding few + 1
  const std::uint32_t most = few + (more > 0 ? 1 : 0);
  const std::vector<double> cdf_most = binomial_cdf(most, p);
  const std::vector<double> cdf_few = binomial_cdf(few, p);
  const std::uint32_t with_most = more > 0 ? more : gpus;
  double busiest = 0;
  for (std::uint32_t t = 0; t < most; ++t) {
    const double below_few = t < few ? std::pow(cdf_few[t], gpus - with_most) : 1.0;
    busiest += 1 - std::pow(cdf_most[t], with_most) * below_few;
  }
  return std::max(1.0, busiest * gpus / (experts * p));
}

}  // namespace headroom::speed
