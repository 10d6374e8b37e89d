#include "bench/timing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <stdexcept>

#include "util/stop_request.hpp"

namespace qgemv::bench {
namespace {

using Clock = std::chrono::steady_clock;
// A case whose repetitions run past --max-time stops with at least this many.
constexpr std::size_t kMinRepetitions = 3;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Keeps consecutive dispatches from overlapping, so each timestamp pair brackets one dispatch.
void serialize(const vk::raii::CommandBuffer& cmd) {
  vk::MemoryBarrier barrier(vk::AccessFlagBits::eShaderWrite,
                            vk::AccessFlagBits::eShaderRead | vk::AccessFlagBits::eShaderWrite);
  cmd.pipelineBarrier(vk::PipelineStageFlagBits::eComputeShader, vk::PipelineStageFlagBits::eComputeShader, {},
                      barrier, nullptr, nullptr);
}

// CPU seconds of every thread of this process, the driver's worker threads included (glibc and
// bionic implement std::clock with CLOCK_PROCESS_CPUTIME_ID).
double process_cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

}  // namespace

std::int64_t dispatches_per_repetition(double seconds_per_dispatch, const TimingSettings& s) {
  if (seconds_per_dispatch <= 0) return 1;
  const double wanted = std::ceil(s.min_time_s / seconds_per_dispatch);
  const double affordable = std::floor(s.max_time_s / 2 / (std::max(1, s.repetitions) * seconds_per_dispatch));
  const double n = std::min({wanted, affordable, static_cast<double>(kMaxDispatchesPerRepetition)});
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(n));
}

bool warm(double previous, double latest, double tolerance) {
  const double smaller = std::min(previous, latest);
  return smaller > 0 && std::abs(latest - previous) <= tolerance * smaller;
}

Measurement::Measurement(vk_util::Context& context, vk_util::Commands& commands, Recorder record,
                         TimingSettings settings)
    : context_(context), commands_(commands), record_(std::move(record)), settings_(settings),
      host_timer_(!context.features().timestamps) {}

Measurement::~Measurement() = default;

// Mean seconds per dispatch of `dispatches` back-to-back dispatches in one submission, from
// timestamps; switches to host timing for good when the device's timestamps are unusable.
double Measurement::run_batch(std::int64_t dispatches, bool timed, std::vector<double>* per_dispatch) {
  throw_if_stop_requested();
  if (settings_.cpu_timer) return run_on_cpu_clock(dispatches);
  if (host_timer_) return run_on_host(dispatches);
  const auto count = static_cast<std::uint32_t>(dispatches);
  if (!pool_ || pool_->pairs() < count) pool_ = std::make_unique<vk_util::TimestampPool>(context_, count);
  commands_.run([&](const vk::raii::CommandBuffer& cmd) {
    pool_->reset(cmd);
    for (std::uint32_t i = 0; i < count; ++i) {
      pool_->write_start(cmd, i);
      record_(cmd, iteration_++);
      pool_->write_end(cmd, i);
      serialize(cmd);
    }
  });
  std::vector<double> seconds;
  for (const auto& s : pool_->read_seconds(count)) {
    if (!s) {
      host_timer_ = true;
      return run_on_host(dispatches);
    }
    seconds.push_back(*s);
  }
  if (timed && per_dispatch) *per_dispatch = seconds;
  return mean_of(seconds);
}

// Fallback: one dispatch per submission, timed on the host (includes submission overhead).
double Measurement::run_on_host(std::int64_t dispatches) {
  double total = 0;
  for (std::int64_t i = 0; i < dispatches; ++i) {
    throw_if_stop_requested();
    const auto start = Clock::now();
    commands_.run([&](const vk::raii::CommandBuffer& cmd) { record_(cmd, iteration_++); });
    total += seconds_since(start);
  }
  return total / static_cast<double>(dispatches);
}

// --timer cpu: the process's CPU time across one submission of the whole batch (recording, the
// driver's execution on whichever of its threads, the wait), per dispatch. Time the process spends
// preempted by other jobs is not in it; no timestamps are written, so no per-dispatch samples.
double Measurement::run_on_cpu_clock(std::int64_t dispatches) {
  const double start = process_cpu_seconds();
  commands_.run([&](const vk::raii::CommandBuffer& cmd) {
    for (std::int64_t i = 0; i < dispatches; ++i) {
      record_(cmd, iteration_++);
      serialize(cmd);
    }
  });
  return (process_cpu_seconds() - start) / static_cast<double>(dispatches);
}

void Measurement::warm_up(double floor_s) {
  const double floor = std::max(settings_.warmup_min_s, floor_s);
  const auto start = Clock::now();
  const double bound = std::min(settings_.warmup_max_s, settings_.max_time_s / 2);
  auto& w = timing_.warmup;
  // One dispatch first: the estimate that sizes the batches (and the pipeline's first use).
  double latest = run_batch(1, false, nullptr);
  w.dispatches = 1;
  std::optional<double> previous;
  while (settings_.warmup > 0 && seconds_since(start) < bound) {
    const auto n = std::clamp<std::int64_t>(
        latest > 0 ? static_cast<std::int64_t>(std::ceil(settings_.min_time_s / 2 / latest)) : 1, 1,
        kMaxDispatchesPerRepetition);
    latest = run_batch(n, false, nullptr);
    w.dispatches += n;
    if (previous && w.dispatches >= settings_.warmup && seconds_since(start) >= floor &&
        warm(*previous, latest, settings_.warmup_tolerance)) {
      w.converged = true;
      break;
    }
    previous = latest;
  }
  w.seconds = seconds_since(start);
  per_dispatch_estimate_ = latest;
  batch_ = dispatches_per_repetition(latest, settings_);
}

bool Measurement::wants_more() const {
  const auto taken = timing_.repetitions.size();
  if (taken >= static_cast<std::size_t>(std::max(1, settings_.repetitions))) return false;
  return !(repetitions_wall_s_ >= settings_.max_time_s && taken >= kMinRepetitions);
}

void Measurement::take_repetition() {
  const bool was_host = host_timer_;
  const auto start = Clock::now();
  std::vector<double> per_dispatch;
  double seconds = run_batch(batch_, true, settings_.samples > 0 ? &per_dispatch : nullptr);
  const double wall = seconds_since(start);
  repetitions_wall_s_ += wall;
  if (host_timer_ && !was_host) restart();  // never mix timers within one case
  if (settings_.fault_ramp != 0) {
    const auto i = static_cast<double>(timing_.repetitions.size());
    seconds *= 1 + settings_.fault_ramp * i / std::max(1, settings_.repetitions - 1);
  }
  timing_.repetitions.push_back({seconds, batch_});
  host_per_dispatch_.push_back(wall / static_cast<double>(batch_));
  for (double s : per_dispatch) {
    if (timing_.samples_s.size() >= settings_.samples) break;
    timing_.samples_s.push_back(s);
  }
}

void Measurement::restart() {
  timing_.repetitions.clear();
  timing_.samples_s.clear();
  host_per_dispatch_.clear();
  repetitions_wall_s_ = 0;
}

Timing Measurement::result() const {
  if (timing_.repetitions.empty()) throw std::logic_error("Measurement::result before any repetition");
  Timing t = timing_;
  t.timer = settings_.cpu_timer ? "cpu" : host_timer_ ? "host" : "gpu";
  const auto seconds = t.repetition_seconds();
  t.summary = summarize(seconds);
  t.host_summary = summarize(host_per_dispatch_);
  t.stability = assess_stability(seconds);
  return t;
}

Timing measure(vk_util::Context& context, vk_util::Commands& commands, const Recorder& record,
               const TimingSettings& settings) {
  Measurement m(context, commands, record, settings);
  m.warm_up();
  while (m.wants_more()) m.take_repetition();
  return m.result();
}

}  // namespace qgemv::bench
