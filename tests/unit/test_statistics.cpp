#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "bench/statistics.hpp"

namespace qgemv::bench {
namespace {

TEST(Summarize, OddCount) {
  const std::vector<double> samples = {3.0, 1.0, 2.0};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.median, 2.0);
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 3.0);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.stddev, 1.0);
}

TEST(Summarize, EvenCountAveragesMiddlePair) {
  const std::vector<double> samples = {4.0, 1.0, 3.0, 2.0};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 4.0);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_DOUBLE_EQ(s.stddev, std::sqrt(5.0 / 3.0));  // sample (n - 1) deviation
}

TEST(Summarize, MedianIgnoresOutlier) {
  const std::vector<double> samples = {10.0, 11.0, 10.5, 1000.0, 10.2};
  const Summary s = summarize(samples);
  EXPECT_DOUBLE_EQ(s.median, 10.5);
  EXPECT_DOUBLE_EQ(s.mean, 208.34);
  EXPECT_EQ(s.max, 1000.0);
}

TEST(Summarize, SingleSample) {
  const std::vector<double> samples = {7.25};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.count, 1u);
  EXPECT_EQ(s.median, 7.25);
  EXPECT_EQ(s.min, 7.25);
  EXPECT_EQ(s.max, 7.25);
  EXPECT_EQ(s.mean, 7.25);
  EXPECT_EQ(s.stddev, 0.0);
}

TEST(Summarize, EqualSamplesHaveZeroDeviation) {
  const std::vector<double> samples(10, 0.375);
  const Summary s = summarize(samples);
  EXPECT_EQ(s.mean, 0.375);
  EXPECT_EQ(s.stddev, 0.0);
}

TEST(Summarize, StableForLargeOffsets) {
  const std::vector<double> samples = {1e9 + 1, 1e9 + 2, 1e9 + 3};
  EXPECT_NEAR(summarize(samples).stddev, 1.0, 1e-6);
}

TEST(Summarize, EmptyThrows) { EXPECT_THROW(summarize(std::span<const double>{}), std::invalid_argument); }

}  // namespace
}  // namespace qgemv::bench
