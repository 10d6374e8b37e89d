#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "quant/fp16.hpp"
#include "quant/quant_data.hpp"
#include "reference/reference.hpp"
#include "reference/validation.hpp"

namespace qgemv::reference {
namespace {

std::vector<float> to_float(const std::vector<double>& values) {
  return std::vector<float>(values.begin(), values.end());
}

std::vector<float> to_half_values(const std::vector<double>& values) {
  std::vector<float> out;
  for (double v : values) out.push_back(quant::round_to_half(static_cast<float>(v)));
  return out;
}

std::size_t largest_magnitude(const std::vector<double>& values) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i)
    if (std::fabs(values[i]) > std::fabs(values[best])) best = i;
  return best;
}

TEST(Tolerance, DerivedFromRoundoffAndK) {
  const double u = 0x1p-24;
  const Tolerance fp32 = tolerance_for(DType::fp32, 1024);
  EXPECT_DOUBLE_EQ(fp32.out_rounding, u);
  EXPECT_DOUBLE_EQ(fp32.nrmse, 8 * u * 32 + u);
  EXPECT_DOUBLE_EQ(fp32.abs_factor, u * (4 * 32 + 8));
  const Tolerance fp16 = tolerance_for(DType::fp16, 1024);
  EXPECT_DOUBLE_EQ(fp16.out_rounding, 0x1p-10);
  EXPECT_DOUBLE_EQ(fp16.abs_floor, 0x1p-14);
  EXPECT_DOUBLE_EQ(fp32.abs_floor, 0.0);
  EXPECT_DOUBLE_EQ(fp16.nrmse, 8 * u * 32 + 0x1p-10);
  EXPECT_DOUBLE_EQ(fp16.abs_factor, fp32.abs_factor);  // arithmetic is fp32 either way
  EXPECT_GT(tolerance_for(DType::fp32, 4096).nrmse, fp32.nrmse);
}

TEST(Validate, ExactOutputPasses) {
  Reference ref{{1.0, -2.5, 0.0, 1024.0}, {3.0, 4.0, 1.0, 2000.0}};
  const std::vector<float> y = {1.0f, -2.5f, 0.0f, 1024.0f};
  const ValidationResult result = validate(y, ref, DType::fp32, 32);
  EXPECT_TRUE(result.passed) << result.message;
  EXPECT_TRUE(result.message.empty());
  EXPECT_EQ(result.max_abs_error, 0.0);
  EXPECT_EQ(result.max_rel_error, 0.0);
  EXPECT_EQ(result.nrmse, 0.0);
  EXPECT_EQ(result.non_finite, 0);
  EXPECT_EQ(result.out_of_bounds, 0);
}

TEST(Validate, Fp32RoundedReferencePasses) {
  for (std::int64_t k : {32, 2048, 8192}) {
    const Reference ref = compute(quant::generate_random({256, k, 32}, 17));
    const ValidationResult result = validate(to_float(ref.y), ref, DType::fp32, k);
    EXPECT_TRUE(result.passed) << "K=" << k << ": " << result.message;
    EXPECT_GT(result.max_abs_error, 0.0);
    EXPECT_LE(result.max_rel_error, 0x1p-24);
  }
}

// fp32 arithmetic in the orders the two kernels use must pass: the thresholds may not be
// tighter than real rounding.
std::vector<float> emulate_fp32_kernel(const quant::QuantData& data, int lanes) {
  std::vector<float> y;
  for (std::int64_t n = 0; n < data.shape.n; ++n) {
    std::vector<float> partial(static_cast<std::size_t>(lanes), 0.0f);
    for (std::int64_t k = 0; k < data.shape.k; ++k) {
      const std::int64_t g = k / data.shape.group_size;
      const float w = static_cast<float>(data.code(n, k) - 8) * data.scale_of(g, n) + data.zero_of(g, n);
      partial[static_cast<std::size_t>((k / 4) % lanes)] += data.x[k] * w;
    }
    for (int width = lanes / 2; width >= 1; width /= 2)  // tree reduction
      for (int t = 0; t < width; ++t) partial[t] += partial[t + width];
    y.push_back(partial[0]);
  }
  return y;
}

TEST(Validate, EmulatedFp32KernelsPass) {
  for (std::int64_t k : {32, 2048, 8192}) {
    const quant::QuantData data = quant::generate_random({128, k, 128 > k ? 32 : 128}, 23);
    const Reference ref = compute(data);
    for (int lanes : {1, 8, 64}) {
      const ValidationResult result = validate(emulate_fp32_kernel(data, lanes), ref, DType::fp32, k);
      EXPECT_TRUE(result.passed) << "K=" << k << " lanes=" << lanes << ": " << result.message;
    }
  }
}

TEST(Validate, OneNaNFails) {
  const Reference ref = compute(quant::generate_random({64, 256, 32}, 3));
  std::vector<float> y = to_float(ref.y);
  y[17] = std::numeric_limits<float>::quiet_NaN();
  const ValidationResult result = validate(y, ref, DType::fp32, 256);
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.non_finite, 1);
  EXPECT_EQ(result.worst_index, 17);
  EXPECT_EQ(result.message, "1 of 64 outputs are NaN/Inf (first at n=17)");
  EXPECT_TRUE(std::isfinite(result.nrmse));
  EXPECT_TRUE(std::isfinite(result.max_abs_error));
}

TEST(Validate, InfinitiesCountedAndFirstNamed) {
  const Reference ref = compute(quant::generate_random({64, 256, 32}, 3));
  std::vector<float> y = to_float(ref.y);
  y[40] = std::numeric_limits<float>::infinity();
  y[5] = -std::numeric_limits<float>::infinity();
  y[63] = std::numeric_limits<float>::quiet_NaN();
  const ValidationResult result = validate(y, ref, DType::fp16, 256);
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.non_finite, 3);
  EXPECT_EQ(result.message, "3 of 64 outputs are NaN/Inf (first at n=5)");
}

TEST(Validate, SizeMismatchFails) {
  const Reference ref{{1.0, 2.0}, {1.0, 2.0}};
  const std::vector<float> y = {1.0f};
  const ValidationResult result = validate(y, ref, DType::fp32, 32);
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.message, "output has 1 elements, reference has 2");
}

TEST(Validate, ElementOutOfBoundsNamed) {
  const Reference ref{{1.0, 2.0, 3.0}, {1.0, 2.0, 3.0}};
  const std::vector<float> y = {1.0f, 2.5f, 3.0f};
  const ValidationResult result = validate(y, ref, DType::fp32, 32);
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.out_of_bounds, 1);
  EXPECT_EQ(result.worst_index, 1);
  EXPECT_DOUBLE_EQ(result.max_abs_error, 0.5);
  EXPECT_DOUBLE_EQ(result.max_rel_error, 0.25);
  EXPECT_EQ(result.message.rfind("y[1] = 2.5 differs from reference 2 by more than ", 0), 0u)
      << result.message;
}

TEST(Validate, NrmseFailureNamed) {
  // Huge abs_sum makes every element individually plausible; the aggregate error is not.
  const Reference ref{{1.0, 1.0, 1.0, 1.0}, {1e6, 1e6, 1e6, 1e6}};
  const std::vector<float> y = {1.001f, 1.001f, 1.001f, 1.001f};
  const ValidationResult result = validate(y, ref, DType::fp32, 32);
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.out_of_bounds, 0);
  EXPECT_NEAR(result.nrmse, 1e-3, 1e-6);
  EXPECT_EQ(result.message, "nrmse 1.0e-03 exceeds 2.8e-06");
}

TEST(Validate, AllZeroReferenceUsesAbsoluteNorm) {
  const Reference ref{{0.0, 0.0}, {0.0, 0.0}};
  const std::vector<float> zeros = {0.0f, 0.0f};
  EXPECT_TRUE(validate(zeros, ref, DType::fp32, 32).passed);
  const std::vector<float> off = {0.0f, 1e-3f};
  const ValidationResult result = validate(off, ref, DType::fp32, 32);
  EXPECT_FALSE(result.passed);
  EXPECT_NEAR(result.nrmse, 1e-3, 1e-9);
  EXPECT_EQ(result.max_rel_error, 0.0);  // no element with |ref| > 0
}

// The same codes read with a wrong nibble convention, as a buggy kernel would.
enum class Swap { legacy_high_low, coop_channel_order, even_odd_k, complement };

quant::QuantData misread(const quant::QuantData& data, Swap swap) {
  quant::QuantData bad = data;
  const std::int64_t n_total = data.shape.n;
  const std::int64_t k_total = data.shape.k;
  for (std::int64_t n = 0; n < n_total; ++n) {
    for (std::int64_t k = 0; k < k_total; ++k) {
      std::int64_t src_n = n;
      std::int64_t src_k = k;
      if (swap == Swap::legacy_high_low) src_n = n ^ 4;                     // channel i <-> 4 + i
      if (swap == Swap::coop_channel_order) src_n = n - n % 8 + 7 - n % 8;  // channel c <-> 7 - c
      if (swap == Swap::even_odd_k) src_k = k ^ 1;                          // source-form pair swap
      const std::uint8_t code = data.code(src_n, src_k);
      bad.q[static_cast<std::size_t>(n * k_total + k)] = swap == Swap::complement ? 15 - code : code;
    }
  }
  return bad;
}

TEST(Validate, SwappedNibbleOrderFails) {
  for (std::int64_t k : {32, 2048, 8192}) {
    const quant::QuantData data = quant::generate_random({64, k, 32}, 31);
    const Reference ref = compute(data);
    for (Swap swap : {Swap::legacy_high_low, Swap::coop_channel_order, Swap::even_odd_k, Swap::complement}) {
      for (DType dtype : {DType::fp32, DType::fp16}) {
        const ValidationResult result = validate(to_float(compute(misread(data, swap)).y), ref, dtype, k);
        EXPECT_FALSE(result.passed) << "K=" << k << " swap=" << static_cast<int>(swap);
        EXPECT_GT(result.nrmse, 10 * result.tolerance.nrmse)
            << "K=" << k << " swap=" << static_cast<int>(swap);
      }
    }
  }
}

TEST(Validate, Fp16RoundedOutputPassesOnlyAsFp16) {
  for (std::int64_t k : {32, 2048, 8192}) {
    quant::QuantData data = quant::generate_random({256, k, 32}, 41);
    quant::round_to_dtype(data, DType::fp16);
    const Reference ref = compute(data);
    const std::vector<float> y = to_half_values(ref.y);
    const ValidationResult result = validate(y, ref, DType::fp16, k);
    EXPECT_TRUE(result.passed) << "K=" << k << ": " << result.message;
    if (k >= 2048) {
      EXPECT_FALSE(validate(y, ref, DType::fp32, k).passed) << "K=" << k;
    }
  }
}

TEST(Validate, Fp16ElementOffByOnePercentFails) {
  quant::QuantData data = quant::generate_random({256, 2048, 128}, 43);
  quant::round_to_dtype(data, DType::fp16);
  const Reference ref = compute(data);
  std::vector<float> y = to_half_values(ref.y);
  const std::size_t victim = largest_magnitude(ref.y);
  y[victim] = quant::round_to_half(static_cast<float>(ref.y[victim] * 1.01));
  const ValidationResult result = validate(y, ref, DType::fp16, 2048);
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.out_of_bounds, 1);
  EXPECT_EQ(result.worst_index, static_cast<std::int64_t>(victim));
  EXPECT_EQ(result.message.rfind("y[" + std::to_string(victim) + "] = ", 0), 0u) << result.message;
}

}  // namespace
}  // namespace qgemv::reference
