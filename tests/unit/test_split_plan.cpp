#include <gtest/gtest.h>

#include "bench/split_plan.hpp"
#include "quant/slice.hpp"
#include "util/error.hpp"

namespace qgemv::bench {
namespace {

using quant::Layout;

// lavapipe's limits: 128 MiB bindings, 16384-texel images, 65535 workgroups.
const DeviceLimits kLavapipe{128ull << 20, 16384, 65535};
const DeviceLimits kLarge{4ull << 30, 32768, 0x7fffffff};

TEST(SplitPlan, FitsInOneSliceWhenUnderEveryLimit) {
  const auto plan = plan_split(Layout::coop_block4x8, Storage::bb, DType::fp32, 128256, 2048, 128, 8, kLavapipe);
  EXPECT_EQ(plan.slices, 1);
  EXPECT_EQ(plan.channels_per_slice, 128256);
}

TEST(SplitPlan, SplitsWeightsOverTheBindingLimit) {
  // 128256 x 4096 / 2 = 262.7 MB of weights; 128 MiB holds 65536 channels of K = 4096.
  const auto plan = plan_split(Layout::coop_block4x8, Storage::bb, DType::fp32, 128256, 4096, 128, 8, kLavapipe);
  EXPECT_EQ(plan.channels_per_slice, 65536);
  EXPECT_EQ(plan.slices, 2);
}

TEST(SplitPlan, SplitsImagesOverTheDimensionLimit) {
  // Coop texels are (k4, n8): 151936 / 8 = 18992 rows exceed 16384, so slices of 16384 * 8 channels.
  const auto plan = plan_split(Layout::coop_block4x8, Storage::bt, DType::fp16, 151936, 1024, 128, 8, kLavapipe);
  EXPECT_EQ(plan.channels_per_slice, 131072);
  EXPECT_EQ(plan.slices, 2);
}

TEST(SplitPlan, SplitsWorkgroupCountOverTheLimit) {
  DeviceLimits limits = kLarge;
  limits.max_workgroups_x = 1000;  // coop: one workgroup per 8 channels
  const auto plan = plan_split(Layout::coop_block4x8, Storage::bb, DType::fp32, 20000, 256, 32, 8, limits);
  EXPECT_EQ(plan.channels_per_slice, 8000);  // 1000 workgroups x 8 channels, a multiple of 64
  EXPECT_EQ(plan.slices, 3);
}

TEST(SplitPlan, LegacyImageHeightIsKAndCannotSplit) {
  EXPECT_THROW(plan_split(Layout::legacy_interleaved, Storage::bt, DType::fp32, 64, 32768, 128, 64, kLavapipe),
               UnsupportedError);
  EXPECT_NO_THROW(plan_split(Layout::legacy_interleaved, Storage::bb, DType::fp32, 64, 32768, 128, 64, kLavapipe));
}

TEST(SplitPlan, OutputImageWrapsIntoRows) {
  const auto plan = plan_split(Layout::coop_block4x8, Storage::tt, DType::fp32, 100, 256, 64, 8, kLavapipe);
  EXPECT_EQ(plan.output_row_texels, 26u);  // padded 104 channels = 26 texels, one row
  EXPECT_EQ(plan.output_rows, 1u);
  const auto big = plan_split(Layout::coop_block4x8, Storage::tt, DType::fp32, 128256, 2048, 128, 8, kLavapipe);
  EXPECT_EQ(big.output_row_texels, 4096u);
  EXPECT_EQ(big.output_rows, 8u);  // 32064 texels
}

TEST(SplitPlan, RefusesWhenNotEvenOneGranuleFits) {
  DeviceLimits tiny = kLarge;
  tiny.max_binding_bytes = 1024;
  EXPECT_THROW(plan_split(Layout::coop_block4x8, Storage::bb, DType::fp32, 4096, 4096, 128, 8, tiny),
               UnsupportedError);
}

TEST(SliceChannels, CopiesRowsAndQparamColumns) {
  quant::QuantData data = quant::generate_random({10, 64, 32}, 3);
  const auto slice = quant::slice_channels(data, 4, 9);
  EXPECT_EQ(slice.shape.n, 5);
  EXPECT_EQ(slice.shape.k, 64);
  EXPECT_EQ(slice.x, data.x);
  for (std::int64_t n = 0; n < 5; ++n) {
    for (std::int64_t k = 0; k < 64; ++k) EXPECT_EQ(slice.code(n, k), data.code(n + 4, k));
    for (std::int64_t g = 0; g < 2; ++g) {
      EXPECT_EQ(slice.scale_of(g, n), data.scale_of(g, n + 4));
      EXPECT_EQ(slice.zero_of(g, n), data.zero_of(g, n + 4));
    }
  }
  EXPECT_THROW(quant::slice_channels(data, 5, 11), std::out_of_range);
}

}  // namespace
}  // namespace qgemv::bench
