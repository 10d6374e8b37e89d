#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/fp16.hpp"

namespace qgemv::quant {
namespace {

bool is_half_nan(std::uint16_t bits) { return (bits & 0x7c00u) == 0x7c00u && (bits & 0x3ffu) != 0; }

TEST(Fp16, EveryHalfRoundTripsThroughFloat) {
  for (std::uint32_t bits = 0; bits <= 0xffffu; ++bits) {
    const auto half = static_cast<std::uint16_t>(bits);
    const float value = half_to_float(half);
    if (is_half_nan(half)) {
      ASSERT_TRUE(std::isnan(value)) << std::hex << bits;
      ASSERT_TRUE(is_half_nan(float_to_half(value))) << std::hex << bits;
    } else {
      ASSERT_EQ(float_to_half(value), half) << std::hex << bits;
    }
  }
}

TEST(Fp16, KnownValues) {
  EXPECT_EQ(float_to_half(0.0f), 0x0000);
  EXPECT_EQ(float_to_half(-0.0f), 0x8000);
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(0.5f), 0x3800);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);  // largest finite half
  EXPECT_EQ(float_to_half(0x1p-14f), 0x0400);  // smallest normal half
  EXPECT_EQ(half_to_float(0x3555), 0x1.554p-2f);
  EXPECT_EQ(half_to_float(0xfbff), -65504.0f);
}

TEST(Fp16, OverflowGoesToInfinity) {
  EXPECT_EQ(float_to_half(65519.996f), 0x7bff);  // below the midpoint to 2^16
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00);    // the midpoint ties away to "even" infinity
  EXPECT_EQ(float_to_half(-65520.0f), 0xfc00);
  EXPECT_EQ(float_to_half(1e10f), 0x7c00);
  EXPECT_EQ(float_to_half(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(float_to_half(-std::numeric_limits<float>::infinity()), 0xfc00);
  EXPECT_TRUE(std::isinf(half_to_float(0x7c00)));
}

TEST(Fp16, Subnormals) {
  EXPECT_EQ(float_to_half(0x1p-24f), 0x0001);  // smallest subnormal
  EXPECT_EQ(half_to_float(0x0001), 0x1p-24f);
  EXPECT_EQ(float_to_half(0x3ffp-24f), 0x03ff);  // largest subnormal
  EXPECT_EQ(float_to_half(0x1p-25f), 0x0000);    // tie between 0 and 2^-24: even is 0
  EXPECT_EQ(float_to_half(std::nextafter(0x1p-25f, 1.0f)), 0x0001);
  EXPECT_EQ(float_to_half(0x3p-25f), 0x0002);  // tie between 1 and 2 units: even is 2
  EXPECT_EQ(float_to_half(0x5p-25f), 0x0002);  // tie between 2 and 3 units: even is 2
  EXPECT_EQ(float_to_half(-0x1p-24f), 0x8001);
  EXPECT_EQ(float_to_half(0x1p-30f), 0x0000);
  EXPECT_EQ(float_to_half(std::numeric_limits<float>::denorm_min()), 0x0000);
  EXPECT_EQ(float_to_half(0x7ffp-25f), 0x0400);  // rounds up out of the subnormal range
}

TEST(Fp16, TiesRoundToEven) {
  EXPECT_EQ(float_to_half(1.0f + 0x1p-11f), 0x3c00);  // between 0x3c00 and 0x3c01
  EXPECT_EQ(float_to_half(1.0f + 0x3p-11f), 0x3c02);  // between 0x3c01 and 0x3c02
  EXPECT_EQ(float_to_half(2048.0f + 1.0f), 0x6800);   // 2049: between 2048 and 2050
  EXPECT_EQ(float_to_half(2048.0f + 3.0f), 0x6802);   // 2051: between 2050 and 2052
  EXPECT_EQ(float_to_half(std::nextafter(1.0f + 0x1p-11f, 2.0f)), 0x3c01);
}

// Independent of the implementation: every midpoint between neighbouring finite halves is
// exactly representable in float, must round to the even neighbour, and its float neighbours
// must round to the nearer half.
TEST(Fp16, EveryMidpointRoundsToEvenNeighbour) {
  for (std::uint32_t bits = 0; bits < 0x7bffu; ++bits) {
    const auto low = static_cast<std::uint16_t>(bits);
    const auto high = static_cast<std::uint16_t>(bits + 1);
    const float a = half_to_float(low);
    const float b = half_to_float(high);
    const float mid = (a + b) / 2;  // exact: halves carry 11 significant bits
    ASSERT_EQ(float_to_half(mid), (low & 1u) ? high : low) << std::hex << bits;
    ASSERT_EQ(float_to_half(std::nextafter(mid, 0.0f)), low) << std::hex << bits;
    ASSERT_EQ(float_to_half(std::nextafter(mid, 1e9f)), high) << std::hex << bits;
    ASSERT_EQ(float_to_half(-mid), static_cast<std::uint16_t>(((low & 1u) ? high : low) | 0x8000u));
  }
}

TEST(Fp16, NaNStaysNaN) {
  EXPECT_TRUE(is_half_nan(float_to_half(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(is_half_nan(float_to_half(-std::numeric_limits<float>::quiet_NaN())));
  // A float NaN whose payload lives only in the low bits must not become infinity.
  EXPECT_TRUE(is_half_nan(float_to_half(std::bit_cast<float>(0x7f800001u))));
  EXPECT_TRUE(std::isnan(round_to_half(std::numeric_limits<float>::quiet_NaN())));
}

TEST(Fp16, RoundToHalf) {
  EXPECT_EQ(round_to_half(0.1f), half_to_float(0x2e66));
  EXPECT_EQ(round_to_half(1.0f), 1.0f);
  EXPECT_EQ(round_to_half(1.0f + 0x1p-12f), 1.0f);
}

#ifdef __FLT16_MAX__
// Where the compiler has a native half type, compare a dense sample of all floats with it.
TEST(Fp16, MatchesCompilerFloat16) {
  for (std::uint64_t bits = 0; bits <= 0xffffffffu; bits += 4093) {
    const float value = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
    if (std::isnan(value)) continue;
    const auto expected = std::bit_cast<std::uint16_t>(static_cast<_Float16>(value));
    ASSERT_EQ(float_to_half(value), expected) << std::hex << bits;
  }
}
#endif

}  // namespace
}  // namespace qgemv::quant
