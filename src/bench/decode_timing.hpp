#pragma once
// Times whole decode tokens: warm-up tokens until two successive batches agree (bounded), then
// repetitions, each an independent measurement of one or more tokens recorded back to back in one
// command buffer, with a timestamp at every token's start and end. The summary is over
// repetitions' per-token times, as the per-case timing summarises repetitions.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/statistics.hpp"
#include "bench/timing.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"
#include "vk/timestamps.hpp"

namespace qgemv::bench {

struct TokenRepetition {
  double seconds_per_token = 0;  // mean over this repetition's tokens
  std::int64_t tokens = 0;
};

struct TokenTiming {
  std::string timer;  // "gpu" (timestamps) or "host" (fallback: submission wall time)
  std::int64_t warmup_tokens = 0;
  bool warmup_steady = false;  // two successive warm-up batches agreed before the bound
  std::vector<TokenRepetition> repetitions;
  Summary summary;  // over repetitions[i].seconds_per_token
};

// Records one whole token into `cmd`.
using TokenRecorder = std::function<void(const vk::raii::CommandBuffer& cmd)>;

TokenTiming time_tokens(vk_util::Context& context, vk_util::Commands& commands, const TokenRecorder& record,
                        const TimingSettings& settings);

// Warm-up is steady when a batch's per-token time is within this fraction of the previous batch's.
inline constexpr double kSteadyTolerance = 0.05;
bool warmup_steady(double previous_s, double current_s);
// Warm-up stops after this many tokens even when not steady.
std::int64_t max_warmup_tokens(int warmup);
// Tokens per repetition: enough that `repetitions` of them reach --min-time, from an estimate of
// one token's time; at least 1, at most kMaxTokensPerRepetition.
inline constexpr std::int64_t kMaxTokensPerRepetition = 32;
std::int64_t tokens_per_repetition(double token_estimate_s, const TimingSettings& settings);

// --profile: per-dispatch GPU seconds of `tokens` separately submitted tokens; `record` writes the
// pool's pair i around GEMV i. Returns [token][gemv]; empty when timestamps are unusable.
using ProfiledRecorder = std::function<void(const vk::raii::CommandBuffer& cmd, const vk_util::TimestampPool& pool)>;
std::vector<std::vector<double>> profile_tokens(vk_util::Context& context, vk_util::Commands& commands,
                                                const ProfiledRecorder& record, std::uint32_t gemvs, int tokens);

}  // namespace qgemv::bench
