#include "base/text_match.h"

#include <algorithm>
#include <cctype>

namespace headroom {

std::string to_lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

bool iequals(std::string_view a, std::string_view b) { return to_lower(a) == to_lower(b); }

std::string suggest(std::string_view query, const std::vector<std::string>& candidates,
                    std::size_t limit) {
  const std::string needle = to_lower(query);
  std::vector<std::string> hits;
  for (const auto& candidate : candidates) {
    const std::string lower = to_lower(candidate);
    const bool contains = !needle.empty() && lower.find(needle) != std::string::npos;
    const bool prefix = needle.size() >= 3 && lower.compare(0, 3, needle, 0, 3) == 0;
    if ((contains || prefix) && hits.size() < limit) hits.push_back(candidate);
  }
  if (hits.empty()) return "";
  std::string text = " (did you mean ";
  for (std::size_t i = 0; i < hits.size(); ++i) text += (i ? ", " : "") + hits[i];
  return text + "?)";
}

}  // namespace headroom
