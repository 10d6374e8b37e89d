// Split-K's in-dispatch reduction (shaders/split_k.glsl) on the test device, under the validation
// layer, through tests/shaders/split_k_probe.comp: every channel's sum must hold every slice once,
// dispatch after dispatch, whatever order the workgroups finish in.
#include <gtest/gtest.h>

#include "../support/spirv_file.hpp"
#include "vk/buffer.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"
#include "vk/pipeline.hpp"

namespace qgemv {
namespace {

constexpr std::uint32_t kChannelsPerRange = 64;

class SplitK : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(SplitK, EveryChannelSumsEverySliceOnceInEachOfTwoDispatches) {
  const std::uint32_t slices = GetParam();
  const std::uint32_t n = 300;  // the last of 5 ranges is partial
  const std::uint32_t ranges = (n + kChannelsPerRange - 1) / kChannelsPerRange;
  vk_util::Context context({"", true});
  vk_util::Commands commands(context);
  vk_util::Buffer y(context, 4 * n, vk_util::Buffer::Kind::device);
  vk_util::Buffer scratch(context, 4 * (ranges + slices * ranges * kChannelsPerRange), vk_util::Buffer::Kind::device);
  vk_util::fill(commands, y, 0x7FC00000u);  // NaN: a channel never written shows
  vk_util::fill(commands, scratch, 0u);
  const auto spirv = testing::read_spirv_words(QGEMV_SPLIT_K_PROBE_SPV);
  ASSERT_FALSE(spirv.empty()) << QGEMV_SPLIT_K_PROBE_SPV;
  vk_util::ComputePipeline pipeline(
      context, {spirv, {vk::DescriptorType::eStorageBuffer, vk::DescriptorType::eStorageBuffer}, 4, {}, 1});
  pipeline.bind_buffer(0, 0, y.handle(), 0, y.size());
  pipeline.bind_buffer(0, 1, scratch.handle(), 0, scratch.size());
  const auto* push = reinterpret_cast<const std::uint8_t*>(&n);
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    pipeline.dispatch(cmd, 0, {push, 4}, ranges, slices);
    // The order the host promises between dispatches that share the scratch buffer.
    const vk::MemoryBarrier barrier(vk::AccessFlagBits::eShaderWrite,
                                    vk::AccessFlagBits::eShaderRead | vk::AccessFlagBits::eShaderWrite);
    cmd.pipelineBarrier(vk::PipelineStageFlagBits::eComputeShader, vk::PipelineStageFlagBits::eComputeShader, {},
                        barrier, nullptr, nullptr);
    pipeline.dispatch(cmd, 0, {push, 4}, ranges, slices);
  });

  const auto sums = vk_util::download_as<float>(context, commands, y);
  for (std::uint32_t c = 0; c < n; ++c) {
    const double expected = 16.0 * slices * c + slices * (slices + 1) / 2.0;
    ASSERT_EQ(sums[c], expected) << "channel " << c << " of " << slices << " slices";
  }
  if (slices > 1) {
    const auto counters = vk_util::download_as<std::uint32_t>(context, commands, scratch);
    for (std::uint32_t r = 0; r < ranges; ++r) EXPECT_EQ(counters[r], 2 * slices) << "range " << r;
  }
  EXPECT_EQ(context.validation_log().count, 0u);
}

INSTANTIATE_TEST_SUITE_P(Slices, SplitK, ::testing::Values(1u, 2u, 4u, 8u));

}  // namespace
}  // namespace qgemv
