#include "bench/decode_timing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>

namespace qgemv::bench {
namespace {

using Clock = std::chrono::steady_clock;
// As the per-GEMV measurement: the wall-time cap ends repetitions only once a spread can be read.
constexpr int kMinRepetitionsBeforeTimeCap = 3;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double mean(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// Runs `tokens` tokens back to back in one submission and returns each one's seconds: from
// timestamps while they work, else (from then on) the submission's wall time split evenly.
class TokenRunner {
 public:
  TokenRunner(vk_util::Context& context, vk_util::Commands& commands, const TokenRecorder& record)
      : commands_(commands), record_(record) {
    if (context.features().timestamps) pool_.emplace(context, static_cast<std::uint32_t>(kMaxTokensPerRepetition));
  }

  std::vector<double> run(std::int64_t tokens) {
    if (pool_) {
      if (auto seconds = run_with_timestamps(tokens)) return *seconds;
      pool_.reset();
    }
    const auto start = Clock::now();
    commands_.run([&](const vk::raii::CommandBuffer& cmd) {
      for (std::int64_t t = 0; t < tokens; ++t) record_(cmd);
    });
    return std::vector<double>(static_cast<std::size_t>(tokens), seconds_since(start) / static_cast<double>(tokens));
  }

  std::string timer() const { return pool_ ? "gpu" : "host"; }

 private:
  std::optional<std::vector<double>> run_with_timestamps(std::int64_t tokens) {
    const auto count = static_cast<std::uint32_t>(tokens);
    commands_.run([&](const vk::raii::CommandBuffer& cmd) {
      pool_->reset(cmd);
      for (std::uint32_t t = 0; t < count; ++t) {
        pool_->write_start(cmd, t);
        record_(cmd);
        pool_->write_end(cmd, t);
      }
    });
    std::vector<double> out;
    for (const auto& seconds : pool_->read_seconds(count)) {
      if (!seconds) return std::nullopt;
      out.push_back(*seconds);
    }
    return out;
  }

  vk_util::Commands& commands_;
  const TokenRecorder& record_;
  std::optional<vk_util::TimestampPool> pool_;
};

struct Warmup {
  std::int64_t tokens = 0;
  bool steady = false;
  double last_token_s = 0;
};

// Batches of up to 4 tokens until --warmup tokens ran and two successive batches agree, or the
// bound (tokens, or a quarter of --max-time) is reached.
Warmup warm_up(TokenRunner& runner, const TimingSettings& settings) {
  Warmup w;
  if (settings.warmup <= 0) return w;
  const auto start = Clock::now();
  const std::int64_t bound = max_warmup_tokens(settings.warmup);
  double previous = 0;
  while (true) {
    const std::int64_t batch = std::min<std::int64_t>({4, std::max(1, settings.warmup), bound - w.tokens});
    const double current = mean(runner.run(batch));
    w.tokens += batch;
    w.last_token_s = current;
    if (w.tokens >= settings.warmup && previous > 0 && warmup_steady(previous, current)) {
      w.steady = true;
      return w;
    }
    if (w.tokens >= bound || seconds_since(start) >= settings.max_time_s / 4) return w;
    previous = current;
  }
}

}  // namespace

bool warmup_steady(double previous_s, double current_s) {
  return previous_s > 0 && std::fabs(current_s - previous_s) <= kSteadyTolerance * previous_s;
}

std::int64_t max_warmup_tokens(int warmup) { return std::max<std::int64_t>(4 * std::int64_t{warmup}, warmup + 8); }

std::int64_t tokens_per_repetition(double token_estimate_s, const TimingSettings& settings) {
  if (!(token_estimate_s > 0)) return 1;
  // --min-time is one repetition's GPU time, as for a single GEMV (timing.hpp).
  const double wanted = std::ceil(settings.min_time_s / token_estimate_s);
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::min(wanted, 1e9)), 1, kMaxTokensPerRepetition);
}

TokenTiming time_tokens(vk_util::Context& context, vk_util::Commands& commands, const TokenRecorder& record,
                        const TimingSettings& settings) {
  TokenRunner runner(context, commands, record);
  TokenTiming timing;
  const auto warm = warm_up(runner, settings);
  timing.warmup_tokens = warm.tokens;
  timing.warmup_steady = warm.steady;
  std::int64_t per_repetition = tokens_per_repetition(warm.last_token_s, settings);
  const auto start = Clock::now();
  while (true) {
    const int done = static_cast<int>(timing.repetitions.size());
    if (done >= std::max(1, settings.repetitions)) break;
    if (done >= kMinRepetitionsBeforeTimeCap && seconds_since(start) >= settings.max_time_s) break;
    const double seconds = mean(runner.run(per_repetition));
    timing.repetitions.push_back({seconds, per_repetition});
    // Without warm-up, the first repetition is the estimate the others are sized by.
    if (done == 0 && warm.tokens == 0) per_repetition = tokens_per_repetition(seconds, settings);
  }
  timing.timer = runner.timer();
  std::vector<double> per_token;
  for (const auto& r : timing.repetitions) per_token.push_back(r.seconds_per_token);
  timing.summary = summarize(per_token);
  return timing;
}

std::vector<std::vector<double>> profile_tokens(vk_util::Context& context, vk_util::Commands& commands,
                                                const ProfiledRecorder& record, std::uint32_t gemvs, int tokens) {
  std::vector<std::vector<double>> out;
  if (!context.features().timestamps || gemvs == 0) return out;
  vk_util::TimestampPool pool(context, gemvs);
  for (int t = 0; t < tokens; ++t) {
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
