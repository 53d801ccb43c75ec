// The ids of headroom.bench.v1's kernels, variants and timers (bench_report.h).
#include <array>
#include <utility>

#include "headroom/bench_report.h"

namespace headroom {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> find_id(const std::array<std::pair<Enum, const char*>, N>& table,
                            std::string_view id) {
  for (const auto& [value, name] : table)
    if (id == name) return value;
  return std::nullopt;
}

template <typename Enum, std::size_t N>
const char* id_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown";
}

constexpr std::array<std::pair<BenchKernel, const char*>, 8> kKernels{{
    {BenchKernel::read, "read"},
    {BenchKernel::write, "write"},
    {BenchKernel::copy, "copy"},
    {BenchKernel::copy_buffer, "copy_buffer"},
    {BenchKernel::fill_buffer, "fill_buffer"},
    {BenchKernel::size_sweep_read, "size_sweep_read"},
    {BenchKernel::dequant, "dequant"},
    {BenchKernel::gemv, "gemv"},
}};
constexpr std::array<std::pair<BenchVariant, const char*>, 5> kVariants{{
    {BenchVariant::portable, "portable"},
    {BenchVariant::fast, "fast"},
    {BenchVariant::fp16, "fp16"},
    {BenchVariant::int8dot, "int8dot"},
    {BenchVariant::driver, "driver"},
}};
constexpr std::array<std::pair<BenchTimer, const char*>, 2> kTimers{{
    {BenchTimer::gpu_timestamp, "gpu_timestamp"},
    {BenchTimer::wall_clock, "wall_clock"},
}};

}  // namespace

const char* bench_kernel_id(BenchKernel kernel) { return id_of(kKernels, kernel); }
const char* bench_variant_id(BenchVariant variant) { return id_of(kVariants, variant); }
const char* bench_timer_id(BenchTimer timer) { return id_of(kTimers, timer); }
std::optional<BenchKernel> parse_bench_kernel(std::string_view id) { return find_id(kKernels, id); }
std::optional<BenchVariant> parse_bench_variant(std::string_view id) {
  return find_id(kVariants, id);
}
std::optional<BenchTimer> parse_bench_timer(std::string_view id) { return find_id(kTimers, id); }

}  // namespace headroom
