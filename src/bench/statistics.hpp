#pragma once
#include <cstddef>
#include <span>
#include <string>

namespace qgemv::bench {

struct Summary {
  std::size_t count = 0;
  double median = 0;  // mean of the two middle values for an even count
  double min = 0;
  double max = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (n - 1); 0 for fewer than 2 values
  // Distribution-free confidence interval of the median from order statistics: [x(l), x(n+1-l)]
  // for the largest l whose binomial coverage is still >= 95 %; with too few values for 95 % it is
  // [min, max] and ci_coverage says what that interval does cover.
  double ci_low = 0;
  double ci_high = 0;
  double ci_coverage = 0;
};

// Throws std::invalid_argument on an empty span.
Summary summarize(std::span<const double> values);

// Stationarity of repetitions (docs/measurement.md, "Drift"): unstable when the first and last thirds
// do not overlap and their medians differ by more than kDriftTolerance of the median, or when at
// least kMinLowRepetitions repetitions lie more than kLowOutlierTolerance below the median (the
// machine was in two states). A lone low repetition is a glitch the median already ignores: on a
// time-shared CPU one repetition of one variant in ten is often a third slower, which makes one
// paired ratio that far off in either direction.
inline constexpr double kDriftTolerance = 0.05;
inline constexpr double kLowOutlierTolerance = 0.20;
inline constexpr std::size_t kMinLowRepetitions = 2;
inline constexpr std::size_t kMinRepetitionsForDrift = 6;

struct Stability {
  bool unstable = false;
  double drift = 0;        // (median of last third - median of first third) / median
  double low_outlier = 0;  // (median - min) / median
  std::size_t low_repetitions = 0;  // repetitions more than kLowOutlierTolerance below the median
  std::string reason;      // why unstable, for people; empty when stable
};

// Fewer than kMinRepetitionsForDrift values are never judged unstable (too few to tell).
Stability assess_stability(std::span<const double> repetitions);

}  // namespace qgemv::bench
