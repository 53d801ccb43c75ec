// Who measured it: the driver version as vulkan.gpuinfo.org decodes it
// (includes/functions.php::getDriverVersion), folder names, trust tiers and the dedup key.
#include <cstdio>
#include <string>

#include "headroom/results.h"

namespace headroom {
namespace {

constexpr std::uint32_t kNvidiaVendorId = 0x10de;
constexpr std::uint32_t kIntelVendorId = 0x8086;
constexpr std::uint32_t kIntelWindowsDriverId = 5;  // VK_DRIVER_ID_INTEL_PROPRIETARY_WINDOWS

}  // namespace

std::string decode_driver_version(std::uint32_t vendor_id, std::uint32_t driver_id,
                                  std::uint32_t raw) {
  char text[48];
  if (vendor_id == kNvidiaVendorId) {
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", (raw >> 22) & 0x3ffu, (raw >> 14) & 0xffu,
                  (raw >> 6) & 0xffu, raw & 0x3fu);
  } else if (vendor_id == kIntelVendorId && driver_id == kIntelWindowsDriverId) {
    // Intel's Windows driver packs build numbers, not a Vulkan version; Mesa's ANV on Linux
    // uses the standard encoding, hence the driverID (the bench records no OS).
    std::snprintf(text, sizeof text, "%u.%u", raw >> 14, raw & 0x3fffu);
  } else {
    std::snprintf(text, sizeof text, "%u.%u.%u", raw >> 22, (raw >> 12) & 0x3ffu, raw & 0xfffu);
  }
  return text;
}

std::string sanitize_folder_name(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    if (digit || lower) {
      out.push_back(c);
    } else if (upper) {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
    if (out.size() >= 64) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "device" : out;
}

const char* to_string(SubmissionStatus status) {
  switch (status) {
    case SubmissionStatus::ok:
      return "ok";
    case SubmissionStatus::flagged:
      return "flagged";
    case SubmissionStatus::rejected:
      return "rejected";
  }
  return "rejected";
}

const char* to_string(TrustTier tier) {
  switch (tier) {
    case TrustTier::maintainer_reproduced:
      return "maintainer-reproduced";
    case TrustTier::community:
      return "community";
    case TrustTier::unverified:
      return "unverified";
  }
  return "unverified";
}

TrustTier trust_tier(const SubmissionCheck& check, const std::vector<std::string>& reproduced) {
  if (check.status == SubmissionStatus::rejected) return TrustTier::unverified;
  for (const auto& sha : reproduced) {
    if (sha == check.sha256) return TrustTier::maintainer_reproduced;
  }
  return check.status == SubmissionStatus::ok ? TrustTier::community : TrustTier::unverified;
}

}  // namespace headroom
