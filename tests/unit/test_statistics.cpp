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

namespace qgemv::bench {
namespace {

// Order-statistic interval of the median: for 10 values [x(2), x(9)], covering 1 - 2 * 11/1024.
TEST(MedianInterval, TenValuesUseTheSecondAndNinth) {
  const std::vector<double> v = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
  const auto s = summarize(v);
  EXPECT_EQ(s.ci_low, 2);
  EXPECT_EQ(s.ci_high, 9);
  EXPECT_NEAR(s.ci_coverage, 1 - 2 * 11.0 / 1024, 1e-12);
}

TEST(MedianInterval, TooFewValuesForNinetyFivePercentSpanThemAll) {
  const std::vector<double> v = {3, 1, 2, 5, 4};
  const auto s = summarize(v);
  EXPECT_EQ(s.ci_low, 1);
  EXPECT_EQ(s.ci_high, 5);
  EXPECT_NEAR(s.ci_coverage, 1 - 2.0 / 32, 1e-12);  // 93.75 %: said, not hidden
}

TEST(MedianInterval, ManyValuesNarrowIt) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  const auto s = summarize(v);
  EXPECT_EQ(s.ci_low, 40);  // the textbook 95 % interval for n = 100: x(40) to x(61), 1-based
  EXPECT_EQ(s.ci_high, 61);
  EXPECT_GE(s.ci_coverage, 0.95);
}

std::vector<double> ramp(double start, double step, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(start + step * i);
  return v;
}

TEST(Drift, StationaryNoiseIsStable) {
  const std::vector<double> v = {100, 103, 99, 101, 102, 98, 100, 104, 99, 101};
  const auto s = assess_stability(v);
  EXPECT_FALSE(s.unstable) << s.reason;
  EXPECT_TRUE(s.reason.empty());
}

TEST(Drift, ARampIsUnstable) {
  const auto v = ramp(100, 4, 10);  // 100 .. 136: last third 28 % above the first
  const auto s = assess_stability(v);
  EXPECT_TRUE(s.unstable);
  EXPECT_NEAR(s.drift, (132.0 - 104.0) / 118.0, 1e-12);
  EXPECT_EQ(s.reason.rfind("drift: last third +", 0), 0u) << s.reason;
}

TEST(Drift, AGpuComingBackToSpeedIsUnstable) {
  // The first repetitions of a case on a GPU that idled: 3x slow, then settled.
  const std::vector<double> v = {590, 420, 300, 190, 189, 188, 188, 187, 188, 189};
  EXPECT_TRUE(assess_stability(v).unstable);
}

TEST(Drift, AShiftWithinTheThirdsOwnSpreadIsNot) {
  // Thirds' medians differ by 6 %, but the thirds overlap: noise, not drift.
  const std::vector<double> v = {90, 100, 110, 100, 100, 100, 96, 106, 116, 106};
  EXPECT_FALSE(assess_stability(v).unstable) << assess_stability(v).reason;
}

TEST(Drift, TwoRepetitionsFarBelowTheMedianAreUnstable) {
  // The machine was in two states: the median describes neither.
  const std::vector<double> v = {100, 101, 99, 100, 70, 100, 102, 75, 100, 101};
  const auto s = assess_stability(v);
  EXPECT_TRUE(s.unstable);
  EXPECT_NEAR(s.low_outlier, 0.3, 1e-12);
  EXPECT_EQ(s.low_repetitions, 2u);
  EXPECT_EQ(s.reason, "2 repetitions more than 20% below the median (minimum 30.0% below)");
}

TEST(Drift, ALoneRepetitionFarBelowTheMedianIsAGlitchNotAState) {
  const std::vector<double> v = {100, 101, 99, 100, 70, 100, 102, 98, 100, 101};
  const auto s = assess_stability(v);
  EXPECT_FALSE(s.unstable) << s.reason;
  EXPECT_NEAR(s.low_outlier, 0.3, 1e-12);  // still reported
  EXPECT_EQ(s.low_repetitions, 1u);
}

TEST(Drift, LoadedButStationaryRatiosAreStable) {
  // Paired coop/legacy ratios measured with --timer cpu on lavapipe with two stress-ng workers and
  // other builds running: one inflated repetition on each side, no trend.
  const std::vector<double> v = {0.901, 0.846, 0.876, 0.870, 0.878, 0.879, 0.649, 0.905, 1.387, 0.779};
  EXPECT_FALSE(assess_stability(v).unstable) << assess_stability(v).reason;
}

TEST(Drift, PairedRatiosAreStableWhereTheLoadMovesTheRawTimes) {
  // Both variants of each pair slowed alike by load that comes and goes: the raw times are two
  // states, their ratios are one.
  const std::vector<double> load = {1.6, 1.6, 1.0, 1.6, 1.0, 1.7, 1.6, 1.0, 1.6, 1.6};
  std::vector<double> legacy, coop, ratios;
  for (std::size_t i = 0; i < load.size(); ++i) {
    legacy.push_back(1000 * load[i]);
    coop.push_back(1400 * load[i] * (i % 2 ? 1.01 : 0.99));
    ratios.push_back(legacy.back() / coop.back());
  }
  EXPECT_TRUE(assess_stability(legacy).unstable);
  EXPECT_FALSE(assess_stability(ratios).unstable) << assess_stability(ratios).reason;
}

TEST(Drift, RatiosThatDriftAreUnstable) {
  // A variant slowing down over the run moves its ratios too: pairing cancels load, not drift.
  const auto v = ramp(0.9, -0.02, 10);
  EXPECT_TRUE(assess_stability(v).unstable);
}

TEST(Drift, TooFewRepetitionsAreNotJudged) {
  EXPECT_FALSE(assess_stability(ramp(100, 50, 5)).unstable);
}

}  // namespace
}  // namespace qgemv::bench
