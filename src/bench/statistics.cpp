#include "bench/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace qgemv::bench {
namespace {

constexpr double kCiLevel = 0.95;

double median_of_sorted(const std::vector<double>& sorted) {
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

double median_of(std::span<const double> values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return median_of_sorted(sorted);
}

// Every value of `a` is above every value of `b`.
bool entirely_above(std::span<const double> a, std::span<const double> b) {
  return *std::min_element(a.begin(), a.end()) > *std::max_element(b.begin(), b.end());
}

// Two passes (mean first) rather than sum-of-squares, which cancels badly for timings that vary
// by far less than their magnitude.
double sample_stddev(const std::vector<double>& values, double mean) {
  if (values.size() < 2) return 0;
  double sum_sq = 0;
  for (double v : values) sum_sq += (v - mean) * (v - mean);
  return std::sqrt(sum_sq / static_cast<double>(values.size() - 1));
}

// P(B <= j) for B ~ Binomial(n, 1/2), summed in logs so large n does not overflow.
double binomial_half_cdf(std::size_t n, std::size_t j) {
  double sum = 0;
  for (std::size_t i = 0; i <= j && i <= n; ++i) {
    sum += std::exp(std::lgamma(double(n) + 1) - std::lgamma(double(i) + 1) - std::lgamma(double(n - i) + 1) -
                    double(n) * std::log(2.0));
  }
  return std::min(sum, 1.0);
}

// Each of the n values falls below the true median with probability 1/2, so [x(l), x(n+1-l)]
// (1-based) misses it with probability 2 P(B <= l - 1).
void set_median_ci(const std::vector<double>& sorted, Summary& s) {
  const std::size_t n = sorted.size();
  std::size_t l = 1;
  while (l + 1 <= (n + 1) / 2 && 1 - 2 * binomial_half_cdf(n, l) >= kCiLevel) ++l;
  s.ci_low = sorted[l - 1];
  s.ci_high = sorted[n - l];
  s.ci_coverage = n < 2 ? 0 : 1 - 2 * binomial_half_cdf(n, l - 1);
}

}  // namespace

Summary summarize(std::span<const double> values) {
  if (values.empty()) throw std::invalid_argument("summarize: no samples");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  Summary summary;
  summary.count = sorted.size();
  summary.median = median_of_sorted(sorted);
  summary.min = sorted.front();
  summary.max = sorted.back();
  double sum = 0;
  for (double v : sorted) sum += v;
  summary.mean = sum / static_cast<double>(sorted.size());
  summary.stddev = sample_stddev(sorted, summary.mean);
  set_median_ci(sorted, summary);
  return summary;
}

Stability assess_stability(std::span<const double> repetitions) {
  Stability s;
  const std::size_t n = repetitions.size();
  if (n < kMinRepetitionsForDrift) return s;
  const double median = median_of(repetitions);
  if (median <= 0) return s;
  const std::size_t third = n / 3;
  const auto first = repetitions.first(third), last = repetitions.last(third);
  const double shift = median_of(last) - median_of(first);
  s.drift = shift / median;
  s.low_outlier = (median - *std::min_element(repetitions.begin(), repetitions.end())) / median;
  s.low_repetitions = static_cast<std::size_t>(std::count_if(
      repetitions.begin(), repetitions.end(), [&](double v) { return v < (1 - kLowOutlierTolerance) * median; }));
  const bool separated = entirely_above(last, first) || entirely_above(first, last);
  if (separated && std::abs(shift) > kDriftTolerance * median) {
    s.unstable = true;
    s.reason = fmt::format("drift: last third {:+.1f}% from the first", s.drift * 100);
  } else if (s.low_repetitions >= kMinLowRepetitions) {
    s.unstable = true;
    s.reason = fmt::format("{} repetitions more than {:.0f}% below the median (minimum {:.1f}% below)",
                           s.low_repetitions, kLowOutlierTolerance * 100, s.low_outlier * 100);
  }
  return s;
}

}  // namespace qgemv::bench
