#include "bench/sweep.hpp"

#include <fmt/format.h>

#include <chrono>
#include <memory>

namespace qgemv::bench {
namespace {

// Device + command buffer, rebuilt together after a lost device.
struct Gpu {
  std::unique_ptr<vk_util::Context> context;
  std::unique_ptr<vk_util::Commands> commands;

  explicit Gpu(const vk_util::ContextOptions& options)
      : context(std::make_unique<vk_util::Context>(options)),
        commands(std::make_unique<vk_util::Commands>(*context)) {}
};

CaseResult failed_case(const Problem& problem, const kernels::KernelDesc& kernel, Storage storage,
                       std::string message) {
  CaseResult result;
  const auto& s = problem.shape();
  result.key = {s.name, s.n, s.k, s.group_size, std::string(kernel.name), problem.dtype(), storage};
  result.seed = problem.seed();
  result.status = Status::failed;
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

}  // namespace

SweepResult run_sweep(const SweepPlan& plan, const std::function<void(const Progress&)>& on_progress,
                      const std::atomic<bool>& interrupted) {
  const auto start = std::chrono::steady_clock::now();
  auto gpu = std::make_unique<Gpu>(plan.context_options);
  SweepResult out;
  out.tuning = plan.tuning;
  out.device = gpu->context->info();
  out.features = gpu->context->features().enabled_names();
  if (plan.roofline) {
    if (on_progress) on_progress({0, plan.case_count(), "roofline (read and copy bandwidth)", 0});
    try {
      out.roofline = measure_roofline(*gpu->context, *gpu->commands, plan.settings.timing);
    } catch (const std::exception& e) {
      out.roofline_error = e.what();
    }
  }
  Progress progress{0, plan.case_count(), "", 0};
  const bool need_reference = plan.settings.validate || plan.settings.dump_dir.has_value();

  for (const auto& shape : plan.shapes.shapes) {
    for (const auto dtype : plan.dtypes) {
      if (interrupted) break;
      Problem problem(shape, dtype, case_seed(plan.seed, shape.name), need_reference);
      for (const auto* kernel : plan.kernels) {
        for (const auto storage : plan.storages) {
          if (interrupted) break;
          progress.current = fmt::format("{} {}x{} {} {} {}", shape.name, shape.n, shape.k, kernel->name,
                                         to_string(dtype), to_string(storage));
          progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          if (on_progress) on_progress(progress);
          CaseResult result;
          try {
            std::optional<kernels::TuneConfig> config;
            if (kernel->tunable) {
              const TuningKey key{out.device.name, std::string(kernel->name), shape.n, shape.k, shape.group_size,
                                  dtype, storage};
              if (plan.tune) {
                if (on_progress) on_progress({progress.done, progress.total, "tuning " + progress.current, 0});
                if (auto best = tune_case(*gpu->context, *gpu->commands, problem, *kernel, storage,
                                          plan.tune_settings)) {
                  out.tuning.put(*best);
                }
              }
              config = out.tuning.find(key);
            }
            result = run_case(*gpu->context, *gpu->commands, problem, *kernel, storage, plan.settings, config);
          } catch (const vk::DeviceLostError& e) {
            result = failed_case(problem, *kernel, storage, fmt::format("device lost: {}", e.what()));
            collect_validation_messages(*gpu->context, out);
            gpu.reset();
            gpu = std::make_unique<Gpu>(plan.context_options);
          } catch (const std::exception& e) {
            result = failed_case(problem, *kernel, storage, e.what());
          }
          result.count_per_token = plan.shapes.has_token_counts ? shape.per_token(plan.shapes.layers) : 0;
          out.results.push_back(std::move(result));
          ++progress.done;
        }
      }
    }
  }
  collect_validation_messages(*gpu->context, out);
  out.incomplete = progress.done < progress.total;
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fill_speedups(out.results);
  if (out.roofline) fill_roofline_fractions(out.results, out.roofline->read_gbps);
  return out;
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
