#pragma once
// Two-sided Mann-Whitney U test: does one set of timings tend to be larger than the other?
// Rank-based, so it is indifferent to the heavy right tail GPU timings have (a preempted dispatch
// is one large rank, not a shifted mean).
#include <span>

namespace qgemv::compare {

struct UTest {
  double u = 0;        // U of the first sample: pairs (a, b) with a > b, ties counting one half
  double z = 0;        // |U - mean| - 1/2, over the tie-corrected standard deviation; >= 0
  double p_value = 1;  // two-sided, normal approximation
};

// Normal approximation with tie correction and continuity correction: what SciPy's
// mannwhitneyu(a, b, alternative="two-sided", method="asymptotic") computes. Meant for at least
// ~9 samples a side, where the approximation is good. All-equal samples give p = 1.
// Throws std::invalid_argument when a sample is empty.
UTest mann_whitney_u(std::span<const double> a, std::span<const double> b);

}  // namespace qgemv::compare
