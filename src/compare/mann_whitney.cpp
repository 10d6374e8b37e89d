#include "compare/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace qgemv::compare {

UTest mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) throw std::invalid_argument("mann_whitney_u: empty sample");
  struct Value {
    double x;
    bool from_a;
  };
  std::vector<Value> all;
  all.reserve(a.size() + b.size());
  for (double x : a) all.push_back({x, true});
  for (double x : b) all.push_back({x, false});
  std::sort(all.begin(), all.end(), [](const Value& l, const Value& r) { return l.x < r.x; });

  // Ranks are 1-based; a run of ties shares the mean of its ranks.
  double rank_sum_a = 0;
  double tie_term = 0;  // sum of t^3 - t over runs of t tied values
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].x == all[i].x) ++j;
    const double t = static_cast<double>(j - i);
    const double mean_rank = static_cast<double>(i + j + 1) / 2;
    for (std::size_t m = i; m < j; ++m) {
      if (all[m].from_a) rank_sum_a += mean_rank;
    }
    tie_term += t * t * t - t;
    i = j;
  }

  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
  const double n = n1 + n2;
  UTest result;
  result.u = rank_sum_a - n1 * (n1 + 1) / 2;
  const double mean = n1 * n2 / 2;
  const double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return result;  // every value equal: no evidence either way
  result.z = std::max(0.0, std::abs(result.u - mean) - 0.5) / std::sqrt(variance);
  result.p_value = std::min(1.0, std::erfc(result.z / std::sqrt(2.0)));
  return result;
}

}  // namespace qgemv::compare
