// Case-insensitive id comparison, the normalized keys names are matched on, and "did you mean"
// suggestions for unknown ids.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom {

std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);

// Lower-case letters and digits only: "RTX-4090", "rtx_4090", "rtx 4090" all give "rtx4090".
std::string squeeze(std::string_view text);
// Edit distance counting a swap of two neighbours as one edit ("4900" vs "4090" is 1).
std::size_t edit_distance(std::string_view a, std::string_view b);
// The edit distance from `needle` to the closest stretch of `hay` ("4091" in "rtx4090" is 1).
std::size_t infix_distance(std::string_view needle, std::string_view hay);

// A candidate for suggestions: its display id and the keys (already squeezed) it answers to.
struct NamedKeys {
  std::string id;
  std::vector<std::string> keys;
};
// " (did you mean a, b?)" with up to `limit` ids nearest to the squeezed query, nearest first;
// "" when none is near enough to be worth naming.
std::string suggest_nearest(std::string_view squeezed_query, const std::vector<NamedKeys>& names,
                            std::size_t limit = 4);

}  // namespace headroom
