#include "bench/sweep.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <new>

#include "bench/footprint.hpp"
#include "bench/interleave.hpp"
#include "bench/speedup.hpp"
#include "bench/validation_messages.hpp"
#include "util/checked_math.hpp"
#include "util/error.hpp"
#include "util/stop_request.hpp"
#include "vk/commands.hpp"

namespace qgemv::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The first warm-up of each interleaved group on a GPU (measure_group).
constexpr double kCaseWarmupFloorS = 0.5;

// Device + command buffer, rebuilt together after a lost device or a hung submission.
struct Gpu {
  std::unique_ptr<vk_util::Context> context;
  std::unique_ptr<vk_util::Commands> commands;

  explicit Gpu(const vk_util::ContextOptions& options)
      : context(std::make_unique<vk_util::Context>(options)),
        commands(std::make_unique<vk_util::Commands>(*context)) {}
};

CaseResult not_run(const config::Shape& shape, DType dtype, std::uint64_t seed, const kernels::KernelDesc& kernel,
                   Storage storage, Status status, std::string message) {
  CaseResult result;
  result.key = case_key(shape, kernel, dtype, storage);
  result.seed = seed;
  result.status = status;
  result.message = std::move(message);
  return result;
}

// Not a std::exception, so the per-case error handling lets it through.
struct InterruptedWhileTuning {};

class Sweep {
 public:
  Sweep(const SweepPlan& plan, const std::function<void(const Progress&)>& on_progress,
        const std::atomic<bool>& interrupted, const std::function<void(const SweepResult&)>& on_case_done)
      : plan_(plan), on_progress_(on_progress), interrupted_(interrupted), on_case_done_(on_case_done),
        gpu_(std::make_unique<Gpu>(plan.context_options)) {
    progress_.total = plan.case_count();
    out_.tuning = plan.tuning;
    out_.device = gpu_->context->info();
    out_.features = gpu_->context->features().enabled_names();
  }

  SweepResult run() {
    if (plan_.roofline) measure_roofline_once();  // may rebuild the device, or fail to
    for (const auto& shape : plan_.shapes.shapes) {
      for (const auto dtype : plan_.dtypes) {
        if (stopping()) break;
        if (selects_any(shape, dtype)) run_problem(shape, dtype);
      }
    }
    if (gpu_) collect_validation_messages(*gpu_->context, out_);
    out_.incomplete = progress_.done < progress_.total;
    out_.wall_s = elapsed_s();
    fill_derived(out_);
    return std::move(out_);
  }

 private:
  double elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  void measure_roofline_once() {
    report_progress("roofline (read and copy bandwidth)");
    try {
      out_.roofline = measure_roofline(*gpu_->context, *gpu_->commands, plan_.settings.timing);
    } catch (const vk::DeviceLostError& e) {
      out_.roofline_error = fmt::format("device lost: {}", e.what());
      rebuild_gpu();
    } catch (const vk_util::SubmitTimeout& e) {
      out_.roofline_error = e.what();
      rebuild_gpu();
    } catch (const std::exception& e) {
      out_.roofline_error = e.what();
    } catch (const Interrupted&) {
      out_.roofline_error = "interrupted";
    }
  }

  // One shape x dtype: its data is generated once and shared by every kernel and storage, unless
  // it cannot fit, in which case all of them are skipped with the sizes that did not.
  void run_problem(const config::Shape& shape, DType dtype) {
    const auto seed = case_seed(plan_.seed, shape.name);
    std::string too_large;
    std::unique_ptr<Problem> problem;
    try {
      auto need = footprint({shape.n, shape.k, shape.group_size}, dtype);
      if (std::any_of(plan_.kernels.begin(), plan_.kernels.end(),
                      [](const auto* k) { return k->quantization == quant::Quantization::symmetric; })) {
        need.host_bytes = checked_add(need.host_bytes, symmetric_copy_bytes({shape.n, shape.k, shape.group_size}));
      }
      too_large = too_large_reason(need, out_.device, host_available_bytes());
      if (too_large.empty()) problem = std::make_unique<Problem>(shape, dtype, seed, need_reference());
    } catch (const UnsupportedError& e) {
      too_large = e.what();
    } catch (const std::bad_alloc&) {
      too_large = "out of host memory generating the data";
    }
    std::vector<Variant> variants;
    for (const auto* kernel : plan_.kernels) {
      for (const auto storage : plan_.storages) {
        if (!plan_.selects(case_key(shape, *kernel, dtype, storage))) continue;
        variants.push_back({kernel, storage, {}, 0});
        if (!problem) variants.back().result = not_run(shape, dtype, seed, *kernel, storage, Status::skipped, too_large);
      }
    }
    if (problem) {
      try {
        measure_variants(*problem, variants);
      } catch (const InterruptedWhileTuning&) {
        // the variants not yet measured are left out, and the sweep reports itself incomplete
      } catch (const Interrupted&) {
        // stopped between two timed batches: left out the same way
      }
    }
    for (auto& v : variants) {
      if (!v.result) continue;
      auto result = std::move(*v.result);
      result.count_per_token = plan_.shapes.has_token_counts ? shape.per_token(plan_.shapes.layers) : 0;
      out_.results.push_back(std::move(result));
      ++progress_.done;
      if (on_case_done_) {
        out_.incomplete = true;  // until the last case; run() settles it
        out_.wall_s = elapsed_s();
        on_case_done_(out_);
      }
    }
  }

  // One kernel x storage of the current shape x dtype; `result` is set once it is final.
  struct Variant {
    const kernels::KernelDesc* kernel;
    Storage storage;
    std::optional<CaseResult> result;
    int disruptions = 0;  // groups lost to another variant's lost device
  };

  // A variant prepared and validated, waiting for its repetitions.
  struct Prepared {
    Variant* variant;
    std::unique_ptr<PreparedCase> gpu;
    CaseResult result;  // validated, not yet timed
    std::unique_ptr<Measurement> measurement;
  };

  // Prepares as many variants as fit in device memory side by side (interleaving needs them all
  // alive), measures them round-robin, and repeats until every variant has a result. A lost or hung
  // device fails the variant that was running; the others of its group are prepared again.
  void measure_variants(Problem& problem, std::vector<Variant>& variants) {
    const std::size_t first_case = progress_.done;
    while (!stopping()) {
      std::vector<Prepared> group;
      std::uint64_t used = 0;
      Variant* running = nullptr;
      try {
        for (std::size_t i = 0; i < variants.size() && !stopping(); ++i) {
          auto& v = variants[i];
          if (v.result) continue;
          const auto bytes = estimated_device_bytes(problem, *gpu_->context, plan_.settings);
          if (!group.empty() && used + bytes > interleave_budget()) break;
          running = &v;
          if (plan_.device_lost_at_case == first_case + i) gpu_->commands->report_device_lost_after_next_submit();
          if (auto prepared = prepare(problem, v)) {
            used += bytes;
            group.push_back(std::move(*prepared));
          }
        }
        if (group.empty()) return;
        measure_group(problem, group, running);
        running = nullptr;
      } catch (const vk::DeviceLostError& e) {
        lose_group(problem, group, running, fmt::format("device lost ({}); the device was re-created", e.what()));
      } catch (const vk_util::SubmitTimeout& e) {
        lose_group(problem, group, running, fmt::format("{}; the device was re-created", e.what()));
      }
      if (interrupted_) return;
    }
  }

  // Tunes (--tune), prepares and validates one variant; std::nullopt when it already has its final
  // result (skipped, or an error that is not the device's).
  std::optional<Prepared> prepare(Problem& problem, Variant& v) {
    const auto& shape = problem.shape();
    report_progress(fmt::format("{} {}x{} {} {} {}", shape.name, shape.n, shape.k, v.kernel->name,
                                to_string(problem.dtype()), to_string(v.storage)));
    auto not_run_here = [&](Status status, std::string message) {
      auto r = not_run(shape, problem.dtype(), problem.seed(), *v.kernel, v.storage, status, std::move(message));
      r.bytes = gemv_bytes(problem.data().shape, problem.dtype(), v.kernel->quantization);
      return r;
    };
    try {
      const auto config = configuration(problem, *v.kernel, v.storage);
      auto gpu = std::make_unique<PreparedCase>(*gpu_->context, *gpu_->commands, problem, *v.kernel, v.storage,
                                                plan_.settings);
      auto result = gpu->validate(config);
      if (plan_.config && result.config) result.config_source = "given";
      if (result.status == Status::skipped) {
        v.result = std::move(result);
        return std::nullopt;
      }
      auto measurement = gpu->measurement(plan_.settings.timing);
      return Prepared{&v, std::move(gpu), std::move(result), std::move(measurement)};
    } catch (const UnsupportedError& e) {
      v.result = not_run_here(Status::skipped, e.what());
    } catch (const std::bad_alloc&) {
      // Packing a slice or a staging copy did not fit the host's memory: this case cannot run here.
      v.result = not_run_here(Status::skipped, "out of host memory preparing the case");
    } catch (const vk::DeviceLostError&) {
      throw;
    } catch (const vk_util::SubmitTimeout&) {
      throw;
    } catch (const std::exception& e) {
      v.result = not_run_here(Status::failed, e.what());
    }
    return std::nullopt;
  }

  // The tuned configuration of a tunable kernel (searched first with --tune); none otherwise.
  std::optional<kernels::TuneConfig> configuration(Problem& problem, const kernels::KernelDesc& kernel,
                                                   Storage storage) {
    if (!kernel.tunable) return std::nullopt;
    if (plan_.config) return plan_.config;
    const auto& shape = problem.shape();
    const TuningKey key{out_.device.name, std::string(kernel.name), shape.n, shape.k, shape.group_size,
                        problem.dtype(), storage};
    if (plan_.tune) {
      report_progress("tuning " + progress_.current);
      if (auto best = tune_case(*gpu_->context, *gpu_->commands, problem, kernel, storage, plan_.tune_settings,
                                interrupted_)) {
        out_.tuning.put(*best);
      }
    }
    if (interrupted_) throw InterruptedWhileTuning{};
    return out_.tuning.find(key);
  }

  // Warm-up, then repetitions round-robin; a group with an unstable variant is measured once more.
  void measure_group(const Problem& problem, std::vector<Prepared>& group, Variant*& running) {
    const auto& shape = problem.shape();
    const auto id = ++interleave_groups_;
    report_progress(fmt::format("{} {}x{} {} {}: {} variant(s) interleaved", shape.name, shape.n, shape.k,
                                to_string(problem.dtype()), fmt::join(variant_names(group), ","), group.size()));
    std::vector<Measurement*> measurements;
    for (auto& p : group) {
      running = p.variant;
      // The GPU idled while the host generated and uploaded this case; its clocks come back over a
      // few hundred milliseconds of work, with batches that agree on the low plateau meanwhile
      // (results/README.md, section 7), so the group's first warm-up lasts at least this long.
      // A CPU driver has no such clocks to wait for.
      const bool first = measurements.empty();
      p.measurement->warm_up(first && out_.device.type != "cpu" ? kCaseWarmupFloorS : 0.0);
      measurements.push_back(p.measurement.get());
    }
    auto timings = take_remeasuring_once(
        measurements, interrupted_, [&](std::size_t i) { running = group[i].variant; },
        [&](const std::vector<Timing>& taken) { return any_unstable(group, taken); });
    if (!timings) return;  // interrupted
    for (std::size_t i = 0; i < group.size(); ++i) {
      auto& p = group[i];
      p.gpu->finish(p.result, std::move((*timings)[i]));
      p.result.interleave_group = group.size() > 1 ? id : 0;
      p.variant->result = std::move(p.result);
    }
  }

  static std::vector<std::string> variant_names(const std::vector<Prepared>& group) {
    std::vector<std::string> names;
    for (const auto& p : group) names.push_back(fmt::format("{}/{}", p.variant->kernel->name, to_string(p.variant->storage)));
    return names;
  }

  // A variant's own repetitions drift, or its paired ratio to the baseline of its storage does.
  static bool any_unstable(const std::vector<Prepared>& group, const std::vector<Timing>& timings) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (timings[i].stability.unstable) return true;
      for (std::size_t b = 0; b < group.size(); ++b) {
        const auto* base = group[b].variant;
        if (b == i || base->kernel->name != baseline_kernel_name() || base->storage != group[i].variant->storage) continue;
        if (const auto s = paired_speedup(timings[b], timings[i], true); s && s->stability.unstable) return true;
      }
    }
    return false;
  }

  // The device is gone: the variant that was running fails; the rest of its group (whose GPU
  // objects died with the device) is prepared again, unless this already happened to it once.
  void lose_group(const Problem& problem, std::vector<Prepared>& group, Variant* running, const std::string& message) {
    for (auto& p : group) {
      if (p.variant == running) continue;
      if (++p.variant->disruptions >= 2) {
        p.result.status = Status::failed;
        p.result.message = "the device was lost twice while other variants of this shape ran";
        p.variant->result = std::move(p.result);
      }
    }
    if (running && !running->result) {
      const auto& shape = problem.shape();
      running->result =
          not_run(shape, problem.dtype(), problem.seed(), *running->kernel, running->storage, Status::failed, message);
    }
    group.clear();  // GPU objects go before the device they belong to
    rebuild_gpu();
  }

  // Device memory the variants of one group may hold together.
  std::uint64_t interleave_budget() const {
    const auto local = out_.device.device_local_bytes;
    return local > 0 ? local / 2 : std::numeric_limits<std::uint64_t>::max();
  }

  // When even that fails, the sweep ends here with what it has (stopped_reason).
  void rebuild_gpu() {
    collect_validation_messages(*gpu_->context, out_);
    gpu_.reset();
    ++out_.device_rebuilds;
    try {
      gpu_ = std::make_unique<Gpu>(plan_.context_options);
    } catch (const std::exception& e) {
      out_.stopped_reason = fmt::format("the device could not be re-created: {}", e.what());
    }
  }

  bool stopping() const { return interrupted_ || !gpu_; }

  // A shape x dtype none of whose cases is selected does not even generate its data.
  bool selects_any(const config::Shape& shape, DType dtype) const {
    for (const auto* kernel : plan_.kernels) {
      for (const auto storage : plan_.storages) {
        if (plan_.selects(case_key(shape, *kernel, dtype, storage))) return true;
      }
    }
    return false;
  }

  bool need_reference() const { return plan_.settings.validate || static_cast<bool>(plan_.settings.on_gpu_output); }

  void report_progress(std::string current) {
    progress_.current = std::move(current);
    progress_.elapsed_s = elapsed_s();
    if (on_progress_) on_progress_(progress_);
  }

  const SweepPlan& plan_;
  const std::function<void(const Progress&)>& on_progress_;
  const std::atomic<bool>& interrupted_;
  const std::function<void(const SweepResult&)>& on_case_done_;
  const Clock::time_point start_ = Clock::now();
  std::unique_ptr<Gpu> gpu_;
  std::size_t interleave_groups_ = 0;
  Progress progress_;
  SweepResult out_;
};

}  // namespace

CaseKey case_key(const config::Shape& shape, const kernels::KernelDesc& kernel, DType dtype, Storage storage) {
  return {shape.name, shape.n, shape.k, shape.group_size, std::string(kernel.name), dtype, storage};
}

std::vector<CaseKey> planned_cases(const SweepPlan& plan) {
  std::vector<CaseKey> out;
  for (const auto& shape : plan.shapes.shapes) {
    for (const auto dtype : plan.dtypes) {
      for (const auto* kernel : plan.kernels) {
        for (const auto storage : plan.storages) {
          if (auto key = case_key(shape, *kernel, dtype, storage); plan.selects(key)) out.push_back(std::move(key));
        }
      }
    }
  }
  return out;
}

std::size_t SweepPlan::case_count() const { return planned_cases(*this).size(); }

SweepResult run_sweep(const SweepPlan& plan, const std::function<void(const Progress&)>& on_progress,
                      const std::atomic<bool>& interrupted, const std::function<void(const SweepResult&)>& on_case_done) {
  return Sweep(plan, on_progress, interrupted, on_case_done).run();
}

void fill_derived(SweepResult& sweep) {
  fill_speedups(sweep.results);
  if (sweep.roofline) fill_roofline_fractions(sweep.results, sweep.roofline->read_gbps);
}

void fill_roofline_fractions(std::vector<CaseResult>& results, double read_gbps) {
  if (read_gbps <= 0) return;
  for (auto& result : results) {
    if (result.timing) result.roofline_fraction = result.gbps / read_gbps;
  }
}

}  // namespace qgemv::bench
