// Byte and rate constants, and the one place where numbers become display text.
#pragma once

#include <cstdint>
#include <string>

namespace headroom {

inline constexpr std::uint64_t kKiB = 1ull << 10;
inline constexpr std::uint64_t kMiB = 1ull << 20;
inline constexpr std::uint64_t kGiB = 1ull << 30;
inline constexpr double kGB = 1e9;

// "14.99 GiB", "506.00 MiB", "12.0 KiB", "17 B" (binary units, as runtimes log them).
std::string format_bytes(double bytes);
// "3.35 TB/s", "936 GB/s" (decimal units, as vendors quote bandwidth).
std::string format_bandwidth(double bytes_per_s);

}  // namespace headroom
