#pragma once
// speedup_vs_legacy from paired repetitions: within one shape, dtype and storage, repetition i of
// the baseline kernel over repetition i of each other kernel. Interleaving (interleave.hpp) makes
// repetition i of every variant run in the same stretch of time, so load that comes and goes
// cancels in the ratio.
#include <optional>
#include <string_view>
#include <vector>

#include "bench/case_result.hpp"

namespace qgemv::bench {

// The kernel speedups are measured against: the one place that knows which one it is.
std::string_view baseline_kernel_name();

// Ratio per repetition index both have (the shorter count); empty when either has none.
std::vector<double> paired_ratios(const Timing& baseline, const Timing& variant);

// Summary and stability of the ratios; std::nullopt when there are none.
std::optional<Speedup> paired_speedup(const Timing& baseline, const Timing& variant, bool interleaved);

}  // namespace qgemv::bench
