// The warm-up floor: after the host's idle gap a GPU's clocks climb for a few hundred milliseconds
// while successive batches already agree with each other, so the sweep asks the first warm-up of
// each interleaved group on a GPU to last at least a floor, and decode asks it of every token's
// warm-up. A tiny dispatch agrees within milliseconds, so only the floor can keep it going.
#include <gtest/gtest.h>

#include "bench/timing.hpp"
#include "vk/buffer.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"

namespace qgemv {
namespace {

TEST(WarmupFloor, KeepsATinyDispatchsWarmUpGoingForTheFloor) {
  vk_util::Context context({"", false});
  vk_util::Commands commands(context);
  vk_util::Buffer buffer(context, 1024, vk_util::Buffer::Kind::device);
  bench::TimingSettings settings;
  settings.warmup = 1;
  settings.repetitions = 1;
  settings.min_time_s = 0.001;
  settings.max_time_s = 3;
  bench::Measurement measurement(
      context, commands,
      [&](const vk::raii::CommandBuffer& cmd, std::uint64_t) { cmd.fillBuffer(buffer.handle(), 0, VK_WHOLE_SIZE, 1u); },
      settings);
  measurement.warm_up(0.3);
  measurement.take_repetition();
  const auto timing = measurement.result();
  EXPECT_GE(timing.warmup.seconds, 0.3);
  EXPECT_LT(timing.warmup.seconds, settings.max_time_s / 2 + 1);  // the bound still holds
}

}  // namespace
}  // namespace qgemv
