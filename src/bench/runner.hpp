#pragma once
// Runs one case (problem x kernel x storage) on the GPU: upload, validated run, warm-up, timed
// repetitions. Measures and returns; never prints.
#include <functional>
#include <span>
#include <optional>

#include "bench/case_result.hpp"
#include "bench/cold_cache.hpp"
#include "bench/problem.hpp"
#include "bench/timing.hpp"
#include "kernels/kernel_table.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"

namespace qgemv::bench {

using GpuOutputSink = std::function<void(const Problem&, const CaseKey&, std::span<const float> y)>;

struct RunSettings {
  TimingSettings timing;
  // Cold cache (docs/design.md, "Measurement"): rotate among copies of the weights and qparams until one pass over them
  // touches at least this many bytes, so timed dispatches read DRAM, not the last-level cache.
  // 0 measures warm (one copy).
  std::uint64_t cold_cache_bytes = kDefaultColdCacheBytes;
  bool validate = true;
  // Sees each case's GPU output after its checked run (--dump: report writes the files), so bench
  // itself never writes one.
  GpuOutputSink on_gpu_output;
  std::uint64_t max_binding_bytes = 0;  // --max-binding-mib: lowers the device's binding limit (0: as is)
};

// Skips (status skipped) on a missing feature or a size over a device limit, fails (status
// failed) on a validation mismatch; vk::DeviceLostError propagates so the sweep can rebuild the
// device.
class GpuCase;

// One case's GPU resources, built once and run with one or several configurations (--tune tries
// many over the same buffers). The constructor throws UnsupportedError when the device cannot run
// the case at all.
class PreparedCase {
 public:
  PreparedCase(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
               const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings);
  ~PreparedCase();

  // Validates the case with `config` (tunable kernels; heuristic when absent). The result has no
  // timing yet; status skipped when the device cannot run the config, failed on a mismatch.
  CaseResult validate(const std::optional<kernels::TuneConfig>& config);
  // Measures the configuration last validated; the caller drives it (interleave.hpp).
  std::unique_ptr<Measurement> measurement(const TimingSettings& timing) const;
  // Fills the fields that follow from the timing (gbps, cold-cache copies).
  void finish(CaseResult& result, Timing timing) const;

  // validate + measure + finish in one go (tuning candidates).
  CaseResult run(const std::optional<kernels::TuneConfig>& config, const TimingSettings& timing);

 private:
  vk_util::Context& context_;
  vk_util::Commands& commands_;
  Problem& problem_;
  const kernels::KernelDesc& kernel_;
  Storage storage_;
  const RunSettings& settings_;
  std::int64_t slices_ = 0;
  std::unique_ptr<GpuCase> gpu_;
};

// Device memory a PreparedCase of `problem` will hold (all cold-cache copies, input and output), so
// the sweep can tell how many variants fit side by side before preparing them.
std::uint64_t estimated_device_bytes(const Problem& problem, const vk_util::Context& context,
                                     const RunSettings& settings);

// `config` applies to tunable kernels; without one they use kernels::heuristic_config.
CaseResult run_case(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                    const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings,
                    const std::optional<kernels::TuneConfig>& config = std::nullopt);

}  // namespace qgemv::bench
