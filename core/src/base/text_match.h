// Case-insensitive id comparison and "did you mean" suggestions for unknown ids.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace headroom {

std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
// Up to `limit` candidates that contain the query or share its first characters.
std::string suggest(std::string_view query, const std::vector<std::string>& candidates,
                    std::size_t limit = 4);

}  // namespace headroom
