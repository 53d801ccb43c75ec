// Byte and count arithmetic that cannot wrap. Inputs that pass validation can still multiply past
// 2^64 (KV bytes per token x tokens x users), and a float estimate can be huge or NaN; a wrapped
// total would read as "fits". Every byte figure is therefore clamped to kByteCeiling (1 EiB),
// far above any card, so a verdict against a card stays right, and a sum of a few clamped terms
// (weights + KV + activations + overhead) still fits in int64 for free_bytes.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace headroom {

inline constexpr std::uint64_t kByteCeiling = 1ull << 60;

// a + b, at most kByteCeiling.
inline std::uint64_t add_bytes(std::uint64_t a, std::uint64_t b) {
  if (a >= kByteCeiling || b >= kByteCeiling - a) return kByteCeiling;
  return a + b;
}

// a x b, at most kByteCeiling.
inline std::uint64_t mul_bytes(std::uint64_t a, std::uint64_t b) {
  if (a == 0 || b == 0) return 0;
  if (a > kByteCeiling / b) return kByteCeiling;
  return a * b;
}

// A float byte estimate as an integer: negatives are 0, NaN and anything past the ceiling are
// the ceiling (NaN only comes from a bug upstream; reading it as "too big" keeps the verdict
// conservative). static_cast<uint64_t>(double) is undefined outside [0, 2^64).
inline std::uint64_t bytes_from_double(double bytes) {
  if (std::isnan(bytes)) return kByteCeiling;
  if (bytes <= 0) return 0;
  if (bytes >= static_cast<double>(kByteCeiling)) return kByteCeiling;
  return static_cast<std::uint64_t>(bytes);
}

// A non-negative count held in a double (tokens, parameters) as an integer, clamped to
// [0, ceiling]; NaN is 0 (a count, unlike bytes, has no conservative side).
inline std::uint64_t count_from_double(double count, std::uint64_t ceiling) {
  if (!(count > 0)) return 0;
  if (count >= static_cast<double>(ceiling)) return ceiling;
  return static_cast<std::uint64_t>(count);
}

}  // namespace headroom
