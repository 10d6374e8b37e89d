#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "quant/quant_data.hpp"
#include "reference/reference.hpp"
#include "reference/validation.hpp"

namespace qgemv::reference {
namespace {

quant::QuantData constant_data(quant::ProblemShape shape, std::uint8_t code, float scale, float zero,
                               float x) {
  quant::QuantData data;
  data.shape = shape;
  data.q.assign(static_cast<std::size_t>(shape.n * shape.k), code);
  data.scale.assign(static_cast<std::size_t>(shape.groups() * shape.n), scale);
  data.zero.assign(data.scale.size(), zero);
  data.x.assign(static_cast<std::size_t>(shape.k), x);
  return data;
}

TEST(Reference, HandComputedSingleGroup) {
  // w = (9 - 8) * 0.5 + 0.25 = 0.75 for every k; y = 32 * 0.75.
  const Reference ref = compute(constant_data({1, 32, 32}, 9, 0.5f, 0.25f, 1.0f));
  ASSERT_EQ(ref.y.size(), 1u);
  EXPECT_EQ(ref.y[0], 24.0);
  EXPECT_EQ(ref.abs_sum[0], 24.0);
}

TEST(Reference, HandComputedTwoGroupsAndSignedInputs) {
  // x = +1, -1, +1, ... in group 0 and +1 in group 1.
  quant::QuantData data = constant_data({2, 64, 32}, 8, 0.0f, 0.0f, 1.0f);
  for (int k = 1; k < 32; k += 2) data.x[k] = -1.0f;
  // Channel 0: code 8 everywhere, so w = zero: 0.5 in group 0, -0.25 in group 1.
  // Channel 1: code 0, zero 0: w = -8 * scale = -1 in group 0 (scale 0.125), -2 in group 1 (0.25).
  for (int k = 0; k < 64; ++k) data.q[64 + k] = 0;
  data.zero = {0.5f, 0.0f, -0.25f, 0.0f};    // [g][n]
  data.scale = {0.0f, 0.125f, 0.0f, 0.25f};  // [g][n]
  const Reference ref = compute(data);
  EXPECT_EQ(ref.y[0], -8.0);  // group 0 cancels, group 1: 32 * -0.25
  EXPECT_EQ(ref.abs_sum[0], 24.0);
  EXPECT_EQ(ref.y[1], -64.0);  // group 0 cancels, group 1: 32 * -2
  EXPECT_EQ(ref.abs_sum[1], 96.0);
}

TEST(Reference, UsesTheFloatValuesExactly) {
  // 0.1f is not 0.1: the reference must use the float the GPU sees, widened exactly.
  const Reference ref = compute(constant_data({1, 32, 32}, 9, 0.1f, 0.0f, 1.0f));
  EXPECT_EQ(ref.y[0], 32.0 * static_cast<double>(0.1f));
}

// The obvious single-threaded loop, for comparison.
Reference naive(const quant::QuantData& data) {
  Reference ref;
  for (std::int64_t n = 0; n < data.shape.n; ++n) {
    double y = 0;
    double abs_sum = 0;
    for (std::int64_t k = 0; k < data.shape.k; ++k) {
      const std::int64_t g = k / data.shape.group_size;
      const double w =
          (static_cast<double>(data.code(n, k)) - 8.0) * static_cast<double>(data.scale_of(g, n)) +
          static_cast<double>(data.zero_of(g, n));
      y += static_cast<double>(data.x[k]) * w;
      abs_sum += std::fabs(static_cast<double>(data.x[k]) * w);
    }
    ref.y.push_back(y);
    ref.abs_sum.push_back(abs_sum);
  }
  return ref;
}

void expect_matches_naive(const quant::QuantData& data, unsigned threads) {
  const Reference expected = naive(data);
  const Reference got = compute(data, threads);
  ASSERT_EQ(got.y.size(), expected.y.size());
  ASSERT_EQ(got.abs_sum.size(), expected.abs_sum.size());
  for (std::size_t n = 0; n < expected.y.size(); ++n) {
    // Only the summation order differs: double rounding, tiny next to the sum of magnitudes.
    const double slack = 1e-13 * expected.abs_sum[n];
    ASSERT_NEAR(got.y[n], expected.y[n], slack) << "n=" << n << " threads=" << threads;
    ASSERT_NEAR(got.abs_sum[n], expected.abs_sum[n], slack) << "n=" << n << " threads=" << threads;
  }
}

TEST(Reference, MatchesNaiveLoopForAnyThreadCount) {
  const quant::QuantData small = quant::generate_random({37, 256, 64}, 5);
  const quant::QuantData wide = quant::generate_random({100, 2048, 128}, 6);
  for (unsigned threads : {0u, 1u, 3u, 64u, 1000u}) {
    expect_matches_naive(small, threads);
    expect_matches_naive(wide, threads);
  }
}

TEST(Reference, SingleChannelWithManyThreads) {
  expect_matches_naive(quant::generate_random({1, 4096, 256}, 8), 16);
}

// A symmetric kernel is checked against its own data's reference: the zero terms are far above
// the tolerance, so an output computed with zeros (or without, against the affine reference) fails.
TEST(Reference, SymmetricDataIsValidatedAgainstItsOwnReference) {
  const auto affine = quant::generate_random({64, 512, 128}, 3);
  const auto symmetric = compute(quant::make_symmetric(affine));
  const auto with_zeros = compute(affine);
  const std::vector<float> y_affine(with_zeros.y.begin(), with_zeros.y.end());
  const std::vector<float> y_symmetric(symmetric.y.begin(), symmetric.y.end());
  EXPECT_FALSE(validate(y_affine, symmetric, DType::fp32, 512).passed);
  EXPECT_FALSE(validate(y_symmetric, with_zeros, DType::fp32, 512).passed);
  EXPECT_TRUE(validate(y_symmetric, symmetric, DType::fp32, 512).passed);
}

TEST(Reference, RejectsInconsistentData) {
  quant::QuantData data = constant_data({2, 64, 32}, 8, 0.5f, 0.0f, 1.0f);
  data.x.pop_back();
  EXPECT_THROW(compute(data), std::invalid_argument);
}

TEST(Reference, DeterministicAcrossThreadCounts) {
  const quant::QuantData data = quant::generate_random({300, 512, 32}, 11);
  const Reference one = compute(data, 1);
  const Reference many = compute(data, 7);
  EXPECT_EQ(one.y, many.y);
  EXPECT_EQ(one.abs_sum, many.abs_sum);
}

}  // namespace
}  // namespace qgemv::reference
