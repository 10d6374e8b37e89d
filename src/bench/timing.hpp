#pragma once
// Times a recorded GPU workload (SPEC §4): warm-up, then batches of timestamp-bracketed
// dispatches until both a minimum sample count and a minimum total GPU time are reached, or a
// wall-time cap ends it. Falls back to host timing when timestamps are missing or implausible.
#include <cstdint>
#include <functional>

#include "bench/case_result.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"

namespace qgemv::bench {

struct TimingSettings {
  int warmup = 10;           // dispatches, cut short after max_time_s / 5 of wall time
  int min_samples = 100;    // --repetitions
  double min_time_s = 0.25; // --min-time: summed GPU time of the samples
  double max_time_s = 3.0;  // --max-time: wall-time cap per case (slow CPU drivers); beats both minimums
  int max_samples = 100000;
};

// Records one timed unit of work; `iteration` counts every dispatch (warm-up included) so callers
// can rotate through cold-cache copies.
using Recorder = std::function<void(const vk::raii::CommandBuffer&, std::uint64_t iteration)>;

Timing measure(vk_util::Context& context, vk_util::Commands& commands, const Recorder& record,
               const TimingSettings& settings);

// Number of dispatches the next batch should hold so the loop stops close to its targets.
int next_batch_size(int samples_so_far, double gpu_seconds_so_far, const TimingSettings& settings, int batch_limit);

}  // namespace qgemv::bench
