#include "base/text_match.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace headroom {

std::string to_lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// Without copies: the exact-id lookups run it once per catalog entry.
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string squeeze(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

namespace {

// Optimal string alignment distance; `free_ends` lets the match start and end anywhere in `b`.
std::size_t alignment_distance(std::string_view a, std::string_view b, bool free_ends) {
  const std::size_t n = a.size(), m = b.size();
  // rows[i][j]: distance of a[0..i) to b[0..j) (or to a stretch of b ending at j).
  std::vector<std::vector<std::size_t>> rows(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) rows[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) rows[0][j] = free_ends ? 0 : j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t best =
          std::min({rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = best;
    }
  }
  if (!free_ends) return rows[n][m];
  return *std::min_element(rows[n].begin(), rows[n].end());
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  return alignment_distance(a, b, false);
}

std::size_t infix_distance(std::string_view needle, std::string_view hay) {
  return alignment_distance(needle, hay, true);
}

std::string suggest_nearest(std::string_view squeezed_query, const std::vector<NamedKeys>& names,
                            std::size_t limit) {
  // No catalog name is this long; the distances cost query length times key length.
  constexpr std::size_t kLongest = 200;
  if (squeezed_query.empty() || squeezed_query.size() > kLongest) return "";
  // Near enough: about one edit in three characters, at least one. Ranked by the distance to the
  // closest stretch of a key (a typo inside "rtx4090"), then to the whole key (fewer extra
  // characters first), then catalog order.
  const std::size_t allowed = std::max<std::size_t>(1, squeezed_query.size() / 3);
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> ranked;  // infix, whole, index
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::size_t infix = std::string::npos, whole = std::string::npos;
    for (const auto& key : names[i].keys) {
      infix = std::min(infix, infix_distance(squeezed_query, key));
      whole = std::min(whole, edit_distance(squeezed_query, key));
    }
    if (infix <= allowed) ranked.emplace_back(infix, whole, i);
  }
  if (ranked.empty()) return "";
  std::sort(ranked.begin(), ranked.end());
  std::string text = " (did you mean ";
  for (std::size_t k = 0; k < ranked.size() && k < limit; ++k) {
    text += (k ? ", " : "") + names[std::get<2>(ranked[k])].id;
  }
  return text + "?)";
}

}  // namespace headroom
