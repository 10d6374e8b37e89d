#include "bench/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace qgemv::bench {
namespace {

double median_of_sorted(const std::vector<double>& sorted) {
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Two passes (mean first) rather than sum-of-squares, which cancels badly for timings that vary
// by far less than their magnitude.
double sample_stddev(const std::vector<double>& values, double mean) {
  if (values.size() < 2) return 0;
  double sum_sq = 0;
  for (double v : values) sum_sq += (v - mean) * (v - mean);
  return std::sqrt(sum_sq / static_cast<double>(values.size() - 1));
}

}  // namespace

Summary summarize(std::span<const double> samples) {
  if (samples.empty()) throw std::invalid_argument("summarize: no samples");
  std::vector<double> sorted(samples.begin(), samples.end());
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
  return summary;
}

}  // namespace qgemv::bench
