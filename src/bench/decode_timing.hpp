#pragma once
// Times whole decode tokens with the sweep's measurement (timing.hpp, docs/measurement.md): what
// it calls a dispatch is one token here. Warm-up to a steady state, repetitions of back-to-back
// tokens with a timestamp pair and a barrier around each, the drift test and one re-measurement
// are the sweep's own rules, not a copy of them.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "bench/case_result.hpp"
#include "bench/timing.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"
#include "vk/timestamps.hpp"

namespace qgemv::bench {

// Records one whole token into `cmd` (without the barrier that closes it: the measurement puts
// its own between tokens, the one it puts between any two timed units).
using TokenRecorder = std::function<void(const vk::raii::CommandBuffer& cmd)>;

// Before a variant's tokens are timed the GPU has idled for seconds (the model uploaded, the first
// token's outputs checked on the CPU); on the H200 its clocks then sat on a low plateau for a few
// hundred milliseconds, steady enough for two warm-up batches to agree 2-4x above the final time.
// So token warm-up runs at least this long (within the sweep's bound: 3 s and half --max-time).
inline constexpr double kTokenWarmupFloorS = 1.0;
// The sweep's settings with that floor.
TimingSettings token_timing_settings(TimingSettings settings);

// repetitions[i].seconds is GPU seconds per token of repetition i, .dispatches its tokens;
// warmup.dispatches the warm-up tokens. Throws Interrupted (util/stop_request.hpp) on a stop.
Timing time_tokens(vk_util::Context& context, vk_util::Commands& commands, const TokenRecorder& record,
                   const TimingSettings& settings, const std::atomic<bool>& interrupted);

// --profile: per-dispatch GPU seconds of `tokens` separately submitted tokens; `record` writes the
// pool's pair i around GEMV i. Returns [token][gemv]; empty when timestamps are unusable.
using ProfiledRecorder = std::function<void(const vk::raii::CommandBuffer& cmd, const vk_util::TimestampPool& pool)>;
std::vector<std::vector<double>> profile_tokens(vk_util::Context& context, vk_util::Commands& commands,
                                                const ProfiledRecorder& record, std::uint32_t gemvs, int tokens);

}  // namespace qgemv::bench
