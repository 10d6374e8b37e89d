#pragma once
#include <cstddef>
#include <span>

namespace qgemv::bench {

struct Summary {
  std::size_t count = 0;
  double median = 0;  // mean of the two middle samples for an even count
  double min = 0;
  double max = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (n - 1); 0 for fewer than 2 samples
};

// Throws std::invalid_argument on an empty span.
Summary summarize(std::span<const double> samples);

}  // namespace qgemv::bench
