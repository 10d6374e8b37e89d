#include "bench/sweep.hpp"

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <new>

#include "bench/footprint.hpp"
#include "util/error.hpp"
#include "vk/commands.hpp"

namespace qgemv::bench {
namespace {

using Clock = std::chrono::steady_clock;

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

void collect_validation_messages(vk_util::Context& context, SweepResult& out) {
  auto& log = context.validation_log();
  std::lock_guard lock(log.mutex);
  out.validation_messages += log.count;
  for (const auto& m : log.first_messages) out.first_validation_messages.push_back(m);
  log.count = 0;
  log.first_messages.clear();
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
    }
  }

  // One shape x dtype: its data is generated once and shared by every kernel and storage, unless
  // it cannot fit, in which case all of them are skipped with the sizes that did not.
  void run_problem(const config::Shape& shape, DType dtype) {
    const auto seed = case_seed(plan_.seed, shape.name);
    std::string too_large;
    std::unique_ptr<Problem> problem;
    try {
      too_large = too_large_reason(footprint({shape.n, shape.k, shape.group_size}, dtype), out_.device,
                                   host_available_bytes());
      if (too_large.empty()) problem = std::make_unique<Problem>(shape, dtype, seed, need_reference());
    } catch (const UnsupportedError& e) {
      too_large = e.what();
    } catch (const std::bad_alloc&) {
      too_large = "out of host memory generating the data";
    }
    for (const auto* kernel : plan_.kernels) {
      for (const auto storage : plan_.storages) {
        if (stopping()) return;
        if (!plan_.selects(case_key(shape, *kernel, dtype, storage))) continue;
        CaseResult result;
        try {
          result = problem ? run_case_safely(*problem, *kernel, storage)
                           : not_run(shape, dtype, seed, *kernel, storage, Status::skipped, too_large);
        } catch (const InterruptedWhileTuning&) {
          return;  // the case never ran: it is left out, and the sweep reports itself incomplete
        }
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
  }

  // A lost or hung device fails only this case: the device is rebuilt and the sweep goes on.
  CaseResult run_case_safely(Problem& problem, const kernels::KernelDesc& kernel, Storage storage) {
    const auto& shape = problem.shape();
    report_progress(fmt::format("{} {}x{} {} {} {}", shape.name, shape.n, shape.k, kernel.name,
                                to_string(problem.dtype()), to_string(storage)));
    if (plan_.device_lost_at_case == progress_.done) gpu_->commands->report_device_lost_after_next_submit();
    auto failed = [&](std::string message) {
      return not_run(shape, problem.dtype(), problem.seed(), kernel, storage, Status::failed, std::move(message));
    };
    try {
      return run_one(problem, kernel, storage);
    } catch (const vk::DeviceLostError& e) {
      rebuild_gpu();
      return failed(fmt::format("device lost ({}); the device was re-created", e.what()));
    } catch (const vk_util::SubmitTimeout& e) {
      rebuild_gpu();
      return failed(fmt::format("{}; the device was re-created", e.what()));
    } catch (const std::exception& e) {
      return failed(e.what());
    }
  }

  CaseResult run_one(Problem& problem, const kernels::KernelDesc& kernel, Storage storage) {
    std::optional<kernels::TuneConfig> config;
    if (kernel.tunable) {
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
      config = out_.tuning.find(key);
    }
    return run_case(*gpu_->context, *gpu_->commands, problem, kernel, storage, plan_.settings, config);
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

  bool need_reference() const { return plan_.settings.validate || plan_.settings.dump_dir.has_value(); }

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

void fill_speedups(std::vector<CaseResult>& results) {
  for (auto& result : results) {
    if (result.status != Status::ok || !result.timing) continue;
    for (const auto& base : results) {
      const bool same_case = base.key.kernel == "legacy" && base.key.shape == result.key.shape &&
                             base.key.dtype == result.key.dtype && base.key.storage == result.key.storage &&
                             base.key.group_size == result.key.group_size;
      if (same_case && base.status == Status::ok && base.timing) {
        result.speedup_vs_legacy = base.timing->summary.median / result.timing->summary.median;
      }
    }
  }
}

}  // namespace qgemv::bench
