// Expected values from SciPy 1.10: mannwhitneyu(a, b, alternative="two-sided", method="asymptotic"),
// the first also by hand: U = 0, z = (50 - 0.5) / sqrt(10*10/12 * 21) = 3.7418, p = erfc(z / sqrt 2).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "compare/mann_whitney.hpp"

namespace qgemv::compare {
namespace {

TEST(MannWhitney, SeparatedSamples) {
  const std::vector<double> a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, b = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  const auto r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 0.0);
  EXPECT_NEAR(r.z, 49.5 / std::sqrt(100.0 / 12 * 21), 1e-12);
  EXPECT_NEAR(r.p_value, 0.00018267179110955002, 1e-15);
}

TEST(MannWhitney, TiesAndUnequalSizes) {
  const std::vector<double> a = {1, 2, 2, 3, 3, 3, 4, 5, 9, 9}, b = {2, 3, 3, 4, 6, 6, 7, 8, 9, 10, 11};
  const auto r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 31.5);
  EXPECT_NEAR(r.p_value, 0.10191894439692384, 1e-14);
}

TEST(MannWhitney, InterleavedSamples) {
  const std::vector<double> a = {1, 3, 5, 7, 9, 11, 13, 15, 17}, b = {2, 4, 6, 8, 10, 12, 14, 16, 18};
  const auto r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 36.0);
  EXPECT_NEAR(r.p_value, 0.7239320396139757, 1e-14);
}

TEST(MannWhitney, OverlappingTimingsWithATie) {
  const std::vector<double> a = {60, 70, 80, 90, 100, 110, 120, 130, 140};
  const std::vector<double> b = {65, 75, 95, 105, 120, 125, 135, 145, 150};
  const auto r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 29.5);
  EXPECT_NEAR(r.p_value, 0.35358840642707257, 1e-14);
}

TEST(MannWhitney, SwappingSidesKeepsTheTwoSidedP) {
  const std::vector<double> a = {1, 2, 2, 3, 3, 3, 4, 5, 9, 9}, b = {2, 3, 3, 4, 6, 6, 7, 8, 9, 10, 11};
  const auto ab = mann_whitney_u(a, b), ba = mann_whitney_u(b, a);
  EXPECT_EQ(ab.u + ba.u, 10.0 * 11.0);
  EXPECT_DOUBLE_EQ(ab.p_value, ba.p_value);
}

TEST(MannWhitney, IdenticalSamplesGivePOne) {
  const std::vector<double> a(9, 5.0);
  EXPECT_EQ(mann_whitney_u(a, a).p_value, 1.0);
  const std::vector<double> c = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(mann_whitney_u(c, c).p_value, 1.0);  // |U - mean| = 0 is below the continuity half
}

TEST(MannWhitney, EmptySampleThrows) {
  const std::vector<double> a = {1, 2}, empty;
  EXPECT_THROW(mann_whitney_u(a, empty), std::invalid_argument);
  EXPECT_THROW(mann_whitney_u(empty, a), std::invalid_argument);
}

}  // namespace
}  // namespace qgemv::compare
