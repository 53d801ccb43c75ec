#include "headroom/units.h"

#include <cmath>
#include <cstdio>

namespace headroom {

std::string format_bytes(double bytes) {
  char text[64];
  const double magnitude = std::fabs(bytes);
  if (magnitude >= static_cast<double>(kGiB)) {
    std::snprintf(text, sizeof text, "%.2f GiB", bytes / static_cast<double>(kGiB));
  } else if (magnitude >= static_cast<double>(kMiB)) {
    std::snprintf(text, sizeof text, "%.2f MiB", bytes / static_cast<double>(kMiB));
  } else if (magnitude >= static_cast<double>(kKiB)) {
    std::snprintf(text, sizeof text, "%.1f KiB", bytes / static_cast<double>(kKiB));
  } else {
    std::snprintf(text, sizeof text, "%.0f B", bytes);
  }
  return text;
}

std::string format_bandwidth(double bytes_per_s) {
  char text[64];
  if (bytes_per_s >= 1e12) {
    std::snprintf(text, sizeof text, "%.2f TB/s", bytes_per_s / 1e12);
  } else {
    std::snprintf(text, sizeof text, "%.0f GB/s", bytes_per_s / kGB);
  }
  return text;
}

}  // namespace headroom
