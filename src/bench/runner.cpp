#include "bench/runner.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bench/cold_cache.hpp"
#include "bench/footprint.hpp"
#include "bench/gpu_case.hpp"
#include "bench/timing.hpp"
#include "util/error.hpp"

namespace qgemv::bench {
namespace {

CaseKey make_key(const Problem& problem, const kernels::KernelDesc& kernel, Storage storage) {
  const auto& s = problem.shape();
  return {s.name, s.n, s.k, s.group_size, std::string(kernel.name), problem.dtype(), storage};
}

// Affine by default: the larger qparams, so estimates of memory never fall short.
Bytes count_bytes(const Problem& problem, quant::Quantization quantization = quant::Quantization::affine) {
  return gemv_bytes(problem.data().shape, problem.dtype(), quantization);
}

DeviceLimits device_limits(const vk_util::DeviceInfo& info, const RunSettings& settings) {
  DeviceLimits limits{info.max_storage_buffer_range, info.max_image_dimension_2d, info.max_workgroup_count_x};
  if (settings.max_binding_bytes > 0) {
    limits.max_binding_bytes = std::min<std::uint64_t>(limits.max_binding_bytes, settings.max_binding_bytes);
  }
  return limits;
}

// One GEMV on NaN-poisoned output; returns y as floats.
std::vector<float> run_checked(vk_util::Context& context, vk_util::Commands& commands, const GpuCase& gpu) {
  gpu.poison_output(commands);
  commands.run([&](const vk::raii::CommandBuffer& cmd) { gpu.record(cmd); });
  return gpu.read_output(context, commands);
}

CaseResult skipped(const Problem& problem, const kernels::KernelDesc& kernel, Storage storage, std::string why) {
  CaseResult result;
  result.key = make_key(problem, kernel, storage);
  result.seed = problem.seed();
  result.bytes = count_bytes(problem, kernel.quantization);
  result.status = Status::skipped;
  result.message = std::move(why);
  return result;
}

}  // namespace

PreparedCase::PreparedCase(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                           const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings)
    : context_(context), commands_(commands), problem_(problem), kernel_(kernel), storage_(storage),
      settings_(settings) {
  if (auto reason = kernels::unsupported_reason(kernel, problem.dtype(), storage, context);
      !reason.empty()) {
    throw UnsupportedError(reason);
  }
  const auto& shape = problem.shape();
  // Planned for the most workgroups any configuration dispatches (8 channels each), so every
  // tuning candidate fits the same split.
  const auto heuristic = kernels::heuristic_config(shape.n, shape.k, shape.group_size, context.info());
  const auto initial =
      kernels::fit_to_shape(kernel, kernels::dispatch_for(kernel, heuristic), shape.n, shape.k, shape.group_size);
  const auto plan = plan_split(kernel.layout, storage, problem.dtype(), shape.n, shape.k, shape.group_size,
                               kernel.split_channels(),
                               device_limits(context.info(), settings));
  slices_ = plan.slices;
  const auto bytes = count_bytes(problem, kernel.quantization);
  const auto copies = cold_cache_copies(static_cast<std::uint64_t>(bytes.weights + bytes.qparams),
                                        std::min(settings.cold_cache_bytes, context.info().device_local_bytes / 4));
  gpu_ = std::make_unique<GpuCase>(context, commands, problem, kernel, initial, storage, plan, copies);
}

PreparedCase::~PreparedCase() = default;

CaseResult PreparedCase::validate(const std::optional<kernels::TuneConfig>& config) {
  CaseResult result;
  result.key = make_key(problem_, kernel_, storage_);
  result.seed = problem_.seed();
  result.bytes = count_bytes(problem_, kernel_.quantization);
  result.slices = slices_;
  if (kernel_.split_k) {
    const auto& dispatch = gpu_->dispatch();
    result.k_split = kernels::KSplit{dispatch.constant(kernels::kSubgroupsAlongK).value(), dispatch.k_slices};
  }
  result.status = Status::ok;
  const auto& shape = problem_.shape();
  if (kernel_.tunable) {
    result.config = config ? *config : kernels::heuristic_config(shape.n, shape.k, shape.group_size, context_.info());
    result.config_source = config ? "tuned" : "heuristic";
    if (auto why = kernels::configuration_problem(kernel_, problem_.dtype(), storage_, *result.config,
                                                  shape.group_size, context_);
        !why.empty()) {
      result.status = Status::skipped;
      result.message = fmt::format("configuration {}: {}", result.config->to_string(), why);
      return result;
    }
    gpu_->use_dispatch(context_, kernels::dispatch_for(kernel_, *result.config));
  }
  if (settings_.validate || settings_.on_gpu_output) {
    const auto y = run_checked(context_, commands_, *gpu_);
    if (settings_.validate) result.validation =
        reference::validate(y, *problem_.reference(kernel_.quantization), problem_.dtype(), shape.k);
    if (settings_.on_gpu_output) settings_.on_gpu_output(problem_, result.key, y);
  }
  if (result.validation && !result.validation->passed) {
    result.status = Status::failed;
    result.message = "validation failed: " + result.validation->message;
  }
  return result;
}

std::unique_ptr<Measurement> PreparedCase::measurement(const TimingSettings& timing) const {
  const GpuCase& gpu = *gpu_;
  return std::make_unique<Measurement>(
      context_, commands_, [&gpu](const vk::raii::CommandBuffer& cmd, std::uint64_t i) { gpu.record(cmd, i); },
      timing);
}

void PreparedCase::finish(CaseResult& result, Timing timing) const {
  result.timing = std::move(timing);
  result.cold_cache_copies = gpu_->copies();
  result.cold_cache_footprint = gpu_->footprint_bytes();
  result.gbps = static_cast<double>(result.bytes.total()) / result.timing->summary.median * 1e-9;
}

CaseResult PreparedCase::run(const std::optional<kernels::TuneConfig>& config, const TimingSettings& timing) {
  auto result = validate(config);
  if (result.status == Status::skipped) return result;
  auto m = measurement(timing);
  m->warm_up();
  while (m->wants_more()) m->take_repetition();
  finish(result, m->result());
  return result;
}

std::uint64_t estimated_device_bytes(const Problem& problem, const vk_util::Context& context,
                                     const RunSettings& settings) {
  const auto bytes = count_bytes(problem);
  const auto weights = static_cast<std::uint64_t>(bytes.weights + bytes.qparams);
  const auto copies =
      cold_cache_copies(weights, std::min(settings.cold_cache_bytes, context.info().device_local_bytes / 4));
  return std::max<std::uint64_t>(1, copies) * weights + static_cast<std::uint64_t>(bytes.input + bytes.output);
}

CaseResult run_case(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                    const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings,
                    const std::optional<kernels::TuneConfig>& config) {
  try {
    PreparedCase prepared(context, commands, problem, kernel, storage, settings);
    return prepared.run(config, settings.timing);
  } catch (const UnsupportedError& e) {
    return skipped(problem, kernel, storage, e.what());
  } catch (const std::bad_alloc&) {
    // Packing a slice or a staging copy did not fit the host's memory: this case cannot run here.
    return skipped(problem, kernel, storage, "out of host memory preparing the case");
  }
}

}  // namespace qgemv::bench
