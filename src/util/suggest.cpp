#include "util/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace qgemv {
namespace {

bool same_letter(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// Optimal string alignment distance: "tb" for "bt" is one slip of the fingers, not two.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = same_letter(a[i - 1], b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) && same_letter(a[i - 2], b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string_view> closest_name(std::string_view name, std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (std::string_view candidate : candidates) {
    const std::size_t d = distance(name, candidate);
    // A third of the longer name may differ: "grup_size" is group_size, but "m" is not "n" and
    // "fp64" is not "fp32"; those get the whole list instead.
    if (d * 3 > std::max(name.size(), candidate.size())) continue;
    if (!best || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string suggestion(std::string_view name, std::span<const std::string_view> candidates, std::string_view label) {
  if (const auto near = closest_name(name, candidates)) return " (did you mean \"" + std::string(*near) + "\"?)";
  std::string list;
  for (std::string_view candidate : candidates) list += (list.empty() ? "" : ", ") + std::string(candidate);
  return " (" + std::string(label) + ": " + list + ")";
}

}  // namespace qgemv
