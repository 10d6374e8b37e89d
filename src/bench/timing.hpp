#pragma once
// Times a recorded GPU workload (docs/measurement.md): warm-up until successive batches agree,
// then repetitions, each an independent measurement: a batch of back-to-back timestamp-bracketed
// dispatches sized by --min-time, summarised as the mean time per dispatch. Falls back to host
// timing when timestamps are missing or implausible.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "bench/case_result.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"
#include "vk/timestamps.hpp"

namespace qgemv::bench {

struct TimingSettings {
  int warmup = 10;              // --warmup: at least this many untimed dispatches
  int repetitions = 10;         // --repetitions
  double min_time_s = 0.02;     // --min-time: GPU time of one repetition's batch
  double max_time_s = 3.0;      // --max-time: wall cap of one case's warm-up (half) and repetitions
  // --timer cpu: time each batch by the process's CPU time instead of timestamps. A CPU driver's
  // timestamps are wall time, which on a shared machine measures the other jobs; CPU time
  // measures the work (docs/measurement.md, "Timers").
  bool cpu_timer = false;
  std::size_t samples = 0;      // --samples: raw per-dispatch samples kept, at most this many; 0 none
  double warmup_tolerance = 0.05;  // successive warm-up batch means agree within this fraction
  double warmup_max_s = 3.0;       // warm-up bound, further capped at max_time_s / 2
  double warmup_min_s = 0;         // warm-up runs at least this long (within the bound) before it may
                                   // converge: a GPU's clocks may sit on a steady low plateau first
  double fault_ramp = 0;  // test hook (QGEMV_FAULT_DRIFT_RAMP): repetition i is slowed by ramp * i / (n - 1)
};

// At most this many dispatches in one repetition's batch (one command buffer, one query pool).
inline constexpr std::int64_t kMaxDispatchesPerRepetition = 4096;

// Records one timed unit of work; `iteration` counts every dispatch (warm-up included) so callers
// can rotate through cold-cache copies.
using Recorder = std::function<void(const vk::raii::CommandBuffer&, std::uint64_t iteration)>;

// The measurement of one variant, driven from outside so that several variants' repetitions can
// alternate (interleave.hpp): warm_up(), then take_repetition() while wants_more(), then result().
class Measurement {
 public:
  Measurement(vk_util::Context& context, vk_util::Commands& commands, Recorder record, TimingSettings settings);
  ~Measurement();

  // `floor_s` raises the settings' warm-up floor for this call (still within the bound).
  void warm_up(double floor_s = 0);
  bool wants_more() const;
  void take_repetition();
  // Summaries and stability of what was taken. Throws std::logic_error before any repetition.
  Timing result() const;
  // Drops the repetitions (not the warm-up) for a re-measurement.
  void restart();

 private:
  double run_batch(std::int64_t dispatches, bool timed, std::vector<double>* per_dispatch);
  double run_on_host(std::int64_t dispatches);
  double run_on_cpu_clock(std::int64_t dispatches);

  vk_util::Context& context_;
  vk_util::Commands& commands_;
  Recorder record_;
  TimingSettings settings_;
  std::unique_ptr<vk_util::TimestampPool> pool_;
  bool host_timer_ = false;
  std::uint64_t iteration_ = 0;
  double per_dispatch_estimate_ = 0;
  std::int64_t batch_ = 1;
  double repetitions_wall_s_ = 0;
  std::vector<double> host_per_dispatch_;
  Timing timing_;
};

// Warm-up and every repetition in one go: for a single workload (roofline, tuning candidates).
Timing measure(vk_util::Context& context, vk_util::Commands& commands, const Recorder& record,
               const TimingSettings& settings);

// Dispatches one repetition's batch holds: enough for min_time_s of GPU time at the estimated
// time per dispatch, but all repetitions together within half of max_time_s; 1 to
// kMaxDispatchesPerRepetition.
std::int64_t dispatches_per_repetition(double seconds_per_dispatch, const TimingSettings& settings);

// Whether warm-up batch means `previous` and `latest` agree within `tolerance` (of the smaller).
bool warm(double previous, double latest, double tolerance);

}  // namespace qgemv::bench
