// The site generator's one form of parallelism: independent items, each written to its own
// slot, so the output (and the first error a caller reports) stays in index order.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace headroom::site {

// Calls work(i) for every i < count, on up to 8 threads (this one included). `work` must not
// throw and must touch only what belongs to index i.
template <typename Work>
void for_each_index(std::size_t count, const Work& work) {
  std::atomic<std::size_t> next{0};
  const auto drain = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < count;) work(i);
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < count; ++t) pool.emplace_back(drain);
  drain();
  for (auto& t : pool) t.join();
}

}  // namespace headroom::site
