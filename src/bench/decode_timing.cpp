#include "bench/decode_timing.hpp"

#include "bench/interleave.hpp"
#include "util/stop_request.hpp"

namespace qgemv::bench {

TimingSettings token_timing_settings(TimingSettings settings) {
  settings.warmup_min_s = kTokenWarmupFloorS;
  return settings;
}

Timing time_tokens(vk_util::Context& context, vk_util::Commands& commands, const TokenRecorder& record,
                   const TimingSettings& settings, const std::atomic<bool>& interrupted) {
  Measurement measurement(
      context, commands, [&record](const vk::raii::CommandBuffer& cmd, std::uint64_t) { record(cmd); }, settings);
  measurement.warm_up();
  auto timings = take_remeasuring_once({&measurement}, interrupted, {}, any_timing_unstable);
  if (!timings) throw Interrupted{};
  return std::move(timings->front());
}

std::vector<std::vector<double>> profile_tokens(vk_util::Context& context, vk_util::Commands& commands,
                                                const ProfiledRecorder& record, std::uint32_t gemvs, int tokens) {
  std::vector<std::vector<double>> out;
  if (!context.features().timestamps || gemvs == 0) return out;
  vk_util::TimestampPool pool(context, gemvs);
  for (int t = 0; t < tokens; ++t) {
    throw_if_stop_requested();
    commands.run([&](const vk::raii::CommandBuffer& cmd) {
      pool.reset(cmd);
      record(cmd, pool);
    });
    std::vector<double> token;
    for (const auto& seconds : pool.read_seconds(gemvs)) {
      if (!seconds) return {};
      token.push_back(*seconds);
    }
    out.push_back(std::move(token));
  }
  return out;
}

}  // namespace qgemv::bench
