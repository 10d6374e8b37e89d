#pragma once
// The whole sweep: shapes x dtypes x kernels x storages on one device. Measures; never prints
// (progress goes through a callback the CLI turns into a status line).
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/case_result.hpp"
#include "bench/roofline.hpp"
#include "bench/tuning.hpp"
#include "bench/runner.hpp"
#include "config/shapes.hpp"
#include "kernels/kernel_table.hpp"
#include "vk/context.hpp"

namespace qgemv::bench {

struct SweepPlan {
  config::ShapesFile shapes;
  std::optional<std::int64_t> group_size_override;  // --group-size, already applied to `shapes`
  std::vector<const kernels::KernelDesc*> kernels;
  std::vector<DType> dtypes;
  std::vector<Storage> storages;
  std::uint64_t seed = 0;
  RunSettings settings;
  bool roofline = true;  // measure read/copy bandwidth once, before the cases
  TuningTable tuning;    // configurations for tunable kernels (--tuning)
  bool tune = false;     // --tune: search each tunable case first and record the best in `tuning`
  std::optional<kernels::TuneConfig> config;  // --config: every tunable case runs this, tuning or not
  RunSettings tune_settings;  // lighter timing for the search
  vk_util::ContextOptions context_options;
  // Fault injection for the recovery tests (QGEMV_FAULT_DEVICE_LOST_AT_CASE): the device is
  // reported lost after the first submission of this case (0-based, in sweep order).
  std::optional<std::size_t> device_lost_at_case;
  // --filter: which cases of shapes x dtypes x kernels x storages run; empty = all of them.
  std::function<bool(const CaseKey&)> selected;

  bool selects(const CaseKey& key) const { return !selected || selected(key); }
  std::size_t case_count() const;
};

CaseKey case_key(const config::Shape& shape, const kernels::KernelDesc& kernel, DType dtype, Storage storage);
// The cases the sweep runs, in its order (shape, dtype, kernel, storage), the selection applied.
std::vector<CaseKey> planned_cases(const SweepPlan& plan);

struct Progress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::string current;  // e.g. "lm_head 128256x2048 coop fp32 bb"
  double elapsed_s = 0;
};

struct SweepResult {
  vk_util::DeviceInfo device;
  std::vector<std::string> features;
  std::vector<CaseResult> results;
  TuningTable tuning;  // the plan's table, plus what --tune found
  std::optional<Roofline> roofline;
  std::string roofline_error;            // why the roofline could not be measured, if it could not
  bool incomplete = false;               // interrupted before every case ran
  std::size_t device_rebuilds = 0;       // after a lost device or a submission over the timeout
  std::string stopped_reason;            // why the sweep ended before its last case, if not interrupted
  std::size_t validation_messages = 0;   // from the Khronos layer, when enabled
  std::vector<std::string> first_validation_messages;
  double wall_s = 0;
};

// `on_case_done` sees the results so far after every case (marked incomplete; fill_derived not
// yet applied), so a caller can keep a checkpoint that survives a crash. Checked between cases and
// between tuning candidates, `interrupted` ends the sweep early, marked incomplete.
SweepResult run_sweep(const SweepPlan& plan, const std::function<void(const Progress&)>& on_progress,
                      const std::atomic<bool>& interrupted,
                      const std::function<void(const SweepResult&)>& on_case_done = {});

// Fills the fields that compare cases with each other (speedups, roofline fractions).
void fill_derived(SweepResult& sweep);

// Fills speedup_vs_legacy: legacy median / median of the same shape, dtype and storage.
void fill_speedups(std::vector<CaseResult>& results);
// Fills roofline_fraction: each timed case's GB/s over the read bandwidth.
void fill_roofline_fractions(std::vector<CaseResult>& results, double read_gbps);

}  // namespace qgemv::bench
