#include "bench/speedup.hpp"

#include <algorithm>

#include "bench/sweep.hpp"
#include "kernels/kernel_table.hpp"

namespace qgemv::bench {

// The kernel with the baseline role (its declaration says so) is what speedups are relative to.
std::string_view baseline_kernel_name() { return kernels::baseline_kernel().name; }

std::vector<double> paired_ratios(const Timing& baseline, const Timing& variant) {
  const auto n = std::min(baseline.repetitions.size(), variant.repetitions.size());
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = variant.repetitions[i].seconds;
    if (v > 0) out.push_back(baseline.repetitions[i].seconds / v);
  }
  return out;
}

std::optional<Speedup> paired_speedup(const Timing& baseline, const Timing& variant, bool interleaved) {
  auto ratios = paired_ratios(baseline, variant);
  if (ratios.empty()) return std::nullopt;
  Speedup s;
  s.baseline = std::string(baseline_kernel_name());
  s.summary = summarize(ratios);
  s.stability = assess_stability(ratios);
  s.ratios = std::move(ratios);
  s.paired = interleaved;
  return s;
}

void fill_speedups(std::vector<CaseResult>& results) {
  const auto baseline = baseline_kernel_name();
  for (auto& result : results) {
    if (result.status != Status::ok || !result.timing) continue;
    for (const auto& base : results) {
      const bool same_case = base.key.kernel == baseline && base.key.shape == result.key.shape &&
                             base.key.dtype == result.key.dtype && base.key.storage == result.key.storage &&
                             base.key.group_size == result.key.group_size;
      if (!same_case || base.status != Status::ok || !base.timing) continue;
      const bool interleaved = base.interleave_group != 0 && base.interleave_group == result.interleave_group;
      result.speedup = paired_speedup(*base.timing, *result.timing, interleaved);
      if (result.speedup) result.speedup_vs_legacy = result.speedup->summary.median;
    }
  }
}

}  // namespace qgemv::bench
