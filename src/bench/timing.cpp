#include "bench/timing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "util/stop_request.hpp"
#include "vk/timestamps.hpp"

namespace qgemv::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kDispatchesPerBatch = 16;
constexpr int kWarmupBatch = 5;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Keeps consecutive dispatches from overlapping, so each timestamp pair brackets one dispatch.
void serialize(const vk::raii::CommandBuffer& cmd) {
  vk::MemoryBarrier barrier(vk::AccessFlagBits::eShaderWrite,
                            vk::AccessFlagBits::eShaderRead | vk::AccessFlagBits::eShaderWrite);
  cmd.pipelineBarrier(vk::PipelineStageFlagBits::eComputeShader, vk::PipelineStageFlagBits::eComputeShader, {},
                      barrier, nullptr, nullptr);
}

bool done(int samples, double gpu_seconds, Clock::time_point start, const TimingSettings& s) {
  if (samples >= s.max_samples) return true;
  if (samples > 0 && seconds_since(start) >= s.max_time_s) return true;
  return samples >= s.min_samples && gpu_seconds >= s.min_time_s;
}

// Timestamp-timed batches; false when the device's timestamps are unusable.
bool time_with_timestamps(vk_util::Context& context, vk_util::Commands& commands, const Recorder& record,
                          const TimingSettings& settings, std::uint64_t& iteration, Timing& timing) {
  if (!context.features().timestamps) return false;
  vk_util::TimestampPool pool(context, kDispatchesPerBatch);
  const auto start = Clock::now();
  double gpu_seconds = 0;
  while (!done(static_cast<int>(timing.samples_s.size()), gpu_seconds, start, settings)) {
    throw_if_stop_requested();
    const auto batch = static_cast<std::uint32_t>(
        next_batch_size(static_cast<int>(timing.samples_s.size()), gpu_seconds, settings, kDispatchesPerBatch));
    const auto batch_start = Clock::now();
    commands.run([&](const vk::raii::CommandBuffer& cmd) {
      pool.reset(cmd);
      for (std::uint32_t i = 0; i < batch; ++i) {
        pool.write_start(cmd, i);
        record(cmd, iteration++);
        pool.write_end(cmd, i);
        serialize(cmd);
      }
    });
    timing.host_batch_s.push_back(seconds_since(batch_start) / batch);
    for (const auto& seconds : pool.read_seconds(batch)) {
      if (!seconds) return false;
      timing.samples_s.push_back(*seconds);
      gpu_seconds += *seconds;
    }
  }
  return true;
}

// Fallback: one dispatch per submission, timed on the host (includes submission overhead).
void time_on_host(vk_util::Commands& commands, const Recorder& record, const TimingSettings& settings,
                  std::uint64_t& iteration, Timing& timing) {
  timing.samples_s.clear();
  timing.host_batch_s.clear();
  const auto start = Clock::now();
  double total = 0;
  while (!done(static_cast<int>(timing.samples_s.size()), total, start, settings)) {
    throw_if_stop_requested();
    const auto dispatch_start = Clock::now();
    commands.run([&](const vk::raii::CommandBuffer& cmd) { record(cmd, iteration++); });
    timing.samples_s.push_back(seconds_since(dispatch_start));
    timing.host_batch_s.push_back(timing.samples_s.back());
    total += timing.samples_s.back();
  }
}

}  // namespace

int next_batch_size(int samples_so_far, double gpu_seconds_so_far, const TimingSettings& settings, int batch_limit) {
  int wanted = std::max(1, settings.min_samples - samples_so_far);
  if (samples_so_far > 0 && gpu_seconds_so_far < settings.min_time_s) {
    const double per_sample = gpu_seconds_so_far / samples_so_far;
    if (per_sample > 0) {
      wanted = std::max(wanted, static_cast<int>(std::ceil((settings.min_time_s - gpu_seconds_so_far) / per_sample)));
    }
  }
  return std::clamp(wanted, 1, std::min(batch_limit, std::max(1, settings.max_samples - samples_so_far)));
}

Timing measure(vk_util::Context& context, vk_util::Commands& commands, const Recorder& record,
               const TimingSettings& settings) {
  std::uint64_t iteration = 0;
  // Warm-up in small batches, so a slow device (a CPU driver on lm_head) spends at most a fifth of
  // the case's time cap here.
  const auto warmup_start = Clock::now();
  for (int done = 0; done < settings.warmup && (done == 0 || seconds_since(warmup_start) < settings.max_time_s / 5);) {
    throw_if_stop_requested();
    const int batch = std::min(kWarmupBatch, settings.warmup - done);
    commands.run([&](const vk::raii::CommandBuffer& cmd) {
      for (int i = 0; i < batch; ++i) {
        record(cmd, iteration++);
        serialize(cmd);
      }
    });
    done += batch;
  }
  Timing timing;
  if (time_with_timestamps(context, commands, record, settings, iteration, timing)) {
    timing.timer = "gpu";
  } else {
    timing.timer = "host";
    time_on_host(commands, record, settings, iteration, timing);
  }
  timing.summary = summarize(timing.samples_s);
  timing.host_summary = summarize(timing.host_batch_s);
  return timing;
}

}  // namespace qgemv::bench
