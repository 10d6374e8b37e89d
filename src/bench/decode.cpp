#include "bench/decode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <thread>

#include "bench/footprint.hpp"
#include "bench/gpu_case.hpp"
#include "bench/split_plan.hpp"
#include "bench/validation_messages.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/stop_request.hpp"
#include "vk/commands.hpp"

namespace qgemv::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxProfileTokens = 10;

// One GEMV of the token with its own data (and CPU reference when validating).
struct Instance {
  GemvInstance where;
  std::string name;
  std::unique_ptr<Problem> problem;
};

// Every instance's data, generated on all cores: instances are dealt round-robin to the threads so
// the one large model-scope GEMV does not share a thread with a run of layers.
std::vector<Instance> generate_instances(const DecodePlan& plan, const std::vector<GemvInstance>& token, DType dtype) {
  const auto& file = plan.sweep.shapes;
  std::vector<Instance> out(token.size());
  const auto threads = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  const auto count = static_cast<std::int64_t>(token.size());
  std::mutex mutex;
  std::exception_ptr error;
  parallel_ranges(std::min(threads, count), std::min(threads, count), [&](std::int64_t begin, std::int64_t end) {
    const auto stride = std::min(threads, count);
    for (std::int64_t t = begin; t < end; ++t) {
      for (std::int64_t i = t; i < count; i += stride) {
        try {
          throw_if_stop_requested();  // a large model takes minutes here
          auto& instance = out[static_cast<std::size_t>(i)];
          instance.where = token[static_cast<std::size_t>(i)];
          instance.name = instance_name(file, instance.where);
          instance.problem = std::make_unique<Problem>(file.shapes[instance.where.shape_index], dtype,
                                                       case_seed(plan.sweep.seed, instance.name),
                                                       plan.sweep.settings.validate);
          // Packed here, on every core, rather than one instance at a time while uploading.
          for (const auto* kernel : plan.sweep.kernels) {
            instance.problem->packed(kernel->layout, kernel->quantization);
            instance.problem->reference(kernel->quantization);
          }
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!error) error = std::current_exception();
          return;
        }
      }
    }
  });
  if (error) std::rethrow_exception(error);
  return out;
}

DeviceLimits device_limits(const vk_util::DeviceInfo& info, const RunSettings& settings) {
  DeviceLimits limits{info.max_storage_buffer_range, info.max_image_dimension_2d, info.max_workgroup_count_x};
  if (settings.max_binding_bytes > 0) {
    limits.max_binding_bytes = std::min<std::uint64_t>(limits.max_binding_bytes, settings.max_binding_bytes);
  }
  return limits;
}

// What a graph runtime puts before an operation that reads what earlier ones wrote: one pipeline
// barrier over the outputs of every GEMV since the previous barrier (a global memory barrier when
// one of them is an image, `tt`). The barrier that closes a token is the measurement's.
void barrier_over(const vk::raii::CommandBuffer& cmd, std::span<const std::unique_ptr<GpuCase>> written) {
  using Stage = vk::PipelineStageFlagBits;
  using Access = vk::AccessFlagBits;
  std::vector<vk::BufferMemoryBarrier> buffers;
  for (const auto& gemv : written) {
    const auto* y = gemv->output_buffer();
    if (!y) {
      vk::MemoryBarrier barrier(Access::eShaderWrite, Access::eShaderRead);
      cmd.pipelineBarrier(Stage::eComputeShader, Stage::eComputeShader, {}, barrier, nullptr, nullptr);
      return;
    }
    buffers.emplace_back(Access::eShaderWrite, Access::eShaderRead, VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED,
                         y->handle(), 0, VK_WHOLE_SIZE);
  }
  cmd.pipelineBarrier(Stage::eComputeShader, Stage::eComputeShader, {}, nullptr, buffers, nullptr);
}

double median_of(std::vector<double> values) { return summarize(values).median; }

// One kernel x dtype x storage over the model's instances.
class VariantRun {
 public:
  VariantRun(vk_util::Context& context, vk_util::Commands& commands, const DecodePlan& plan,
             std::vector<Instance>& instances, const std::vector<bool>& barrier_before,
             const kernels::KernelDesc& kernel, Storage storage, const std::atomic<bool>& interrupted)
      : context_(context), commands_(commands), plan_(plan), instances_(instances), barrier_before_(barrier_before),
        kernel_(kernel), storage_(storage), interrupted_(interrupted) {}

  void run(DecodeVariant& out) {
    if (auto reason = kernels::unsupported_reason(kernel_, out.dtype, storage_, context_); !reason.empty()) {
      throw UnsupportedError(reason);
    }
    build(out);
    if (plan_.sweep.settings.validate) validate_first_token(out);
    out.timing = time_tokens(
        context_, commands_, [&](const vk::raii::CommandBuffer& cmd) { record_token(cmd, nullptr); },
        token_timing_settings(plan_.sweep.settings.timing), interrupted_);
    out.barriers_per_token = barriers_recorded_;
    if (plan_.profile) out.profile = profile();
    out.status = out.failed_gemvs == 0 ? Status::ok : Status::failed;
    if (out.failed_gemvs > 0) {
      out.message = fmt::format("validation failed in {} of {} GEMVs of the first token, first {}", out.failed_gemvs,
                                out.validated_gemvs, out.first_failure);
    }
  }

  std::optional<kernels::TuneConfig> config_for(const config::Shape& shape, DType dtype) const {
    if (!kernel_.tunable) return std::nullopt;
    if (plan_.sweep.config) return plan_.sweep.config;
    const TuningKey key{context_.info().name, std::string(kernel_.name), shape.n, shape.k, shape.group_size, dtype,
                        storage_};
    if (auto tuned = plan_.sweep.tuning.find(key)) return tuned;
    return kernels::heuristic_config(shape.n, shape.k, shape.group_size, context_.info());
  }

 private:
  void build(DecodeVariant& out) {
    const auto limits = device_limits(context_.info(), plan_.sweep.settings);
    for (auto& instance : instances_) {
      throw_if_stop_requested();
      auto& problem = *instance.problem;
      const auto& shape = problem.shape();
      const auto config = config_for(shape, out.dtype);
      if (config) {
        if (auto why = kernels::configuration_problem(kernel_, out.dtype, storage_, *config, shape.group_size, context_);
            !why.empty()) {
          throw UnsupportedError(fmt::format("{}: configuration {}: {}", shape.name, config->to_string(), why));
        }
      }
      const auto configured = kernels::dispatch_for(kernel_, config.value_or(kernels::TuneConfig{}));
      const auto dispatch = kernels::fit_to_shape(kernel_, configured, shape.n, shape.k, shape.group_size);
      const auto split = plan_split(kernel_.layout, storage_, out.dtype, shape.n, shape.k, shape.group_size,
                                    dispatch.channels_per_workgroup, limits);
      gemvs_.push_back(std::make_unique<GpuCase>(context_, commands_, problem, kernel_, dispatch, storage_, split, 1));
      out.dispatches_per_token += split.slices;
    }
  }

  // `pool`: --profile's per-GEMV timestamps, else null. Counts the barriers it records.
  void record_token(const vk::raii::CommandBuffer& cmd, const vk_util::TimestampPool* pool) {
    std::int64_t barriers = 0;
    std::size_t since = 0;  // the first GEMV since the last barrier
    const std::span<const std::unique_ptr<GpuCase>> all(gemvs_);
    for (std::size_t i = 0; i < gemvs_.size(); ++i) {
      if (barrier_before_[i]) {
        barrier_over(cmd, all.subspan(since, i - since));
        ++barriers;
        since = i;
      }
      const auto pair = static_cast<std::uint32_t>(i);
      if (pool) pool->write_start(cmd, pair);
      gemvs_[i]->record(cmd);
      if (pool) pool->write_end(cmd, pair);
    }
    barriers_recorded_ = barriers;
  }

  // The first token, on NaN-poisoned outputs: every GEMV's output against its own reference.
  void validate_first_token(DecodeVariant& out) {
    for (const auto& gemv : gemvs_) gemv->poison_output(commands_);
    commands_.run([&](const vk::raii::CommandBuffer& cmd) { record_token(cmd, nullptr); });
    for (std::size_t i = 0; i < gemvs_.size(); ++i) {
      throw_if_stop_requested();
      const auto& problem = *instances_[i].problem;
      const auto y = gemvs_[i]->read_output(context_, commands_);
      const auto check =
          reference::validate(y, *problem.reference(kernel_.quantization), problem.dtype(), problem.shape().k);
      ++out.validated_gemvs;
      out.worst_nrmse = std::max(out.worst_nrmse, check.nrmse);
      if (!check.passed) {
        if (out.failed_gemvs++ == 0) out.first_failure = fmt::format("{}: {}", instances_[i].name, check.message);
        if (out.failed_instances.size() < kMaxListedFailures) out.failed_instances.push_back(instances_[i].name);
      }
    }
  }

  std::vector<ShapeShare> profile() {
    const auto gemvs = static_cast<std::uint32_t>(gemvs_.size());
    const int tokens = std::clamp(plan_.sweep.settings.timing.repetitions, 1, kMaxProfileTokens);
    const auto samples = profile_tokens(
        context_, commands_,
        [&](const vk::raii::CommandBuffer& cmd, const vk_util::TimestampPool& pool) { record_token(cmd, &pool); },
        gemvs, tokens);
    std::vector<ShapeShare> shares;
    if (samples.empty()) return shares;
    double total = 0;
    for (std::size_t i = 0; i < gemvs_.size(); ++i) {
      std::vector<double> per_token;
      for (const auto& token : samples) per_token.push_back(token[i]);
      const double seconds = median_of(per_token);
      const auto& name = instances_[i].problem->shape().name;
      auto it = std::find_if(shares.begin(), shares.end(), [&](const ShapeShare& s) { return s.shape == name; });
      if (it == shares.end()) it = shares.insert(shares.end(), ShapeShare{name, 0, 0, 0});
      ++it->gemvs;
      it->seconds_per_token += seconds;
      total += seconds;
    }
    for (auto& s : shares) s.share = total > 0 ? s.seconds_per_token / total : 0;
    return shares;
  }

  vk_util::Context& context_;
  vk_util::Commands& commands_;
  const DecodePlan& plan_;
  std::vector<Instance>& instances_;
  const std::vector<bool>& barrier_before_;
  const kernels::KernelDesc& kernel_;
  Storage storage_;
  const std::atomic<bool>& interrupted_;
  std::vector<std::unique_ptr<GpuCase>> gemvs_;
  std::int64_t barriers_recorded_ = 0;
};

class Decode {
 public:
  Decode(const DecodePlan& plan, const std::function<void(const std::string&)>& on_progress,
         const std::atomic<bool>& interrupted, const std::function<void(const DecodeResult&)>& on_variant_done)
      : plan_(plan), floor_plan_(floor_plan(plan)), on_progress_(on_progress), interrupted_(interrupted),
        on_variant_done_(on_variant_done), context_(plan.sweep.context_options), commands_(context_) {
    out_.device = context_.info();
    out_.features = context_.features().enabled_names();
    out_.layers_in_file = plan.sweep.shapes.layers;
    out_.layers = plan.layers;
  }

  DecodeResult run() {
    const auto token = compose_token(plan_.sweep.shapes, plan_.layers);
    out_.gemvs_per_token = static_cast<std::int64_t>(token.size());
    barrier_before_ = barriers_before(plan_.sweep.shapes, token, plan_.barriers);
    if (plan_.sweep.roofline) measure_roofline_once();
    for (const auto dtype : plan_.sweep.dtypes) {
      if (stopping()) break;
      try {
        run_dtype(token, dtype);
      } catch (const Interrupted&) {
        break;  // the variant under way is left out; the result says incomplete
      }
    }
    collect_validation_messages(context_, out_);
    out_.incomplete = out_.variants.size() < plan_.sweep.dtypes.size() * plan_.sweep.kernels.size() *
                                                plan_.sweep.storages.size();
    fill_decode_derived(out_);
    out_.wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
    return std::move(out_);
  }

 private:
  bool stopping() const { return interrupted_ || stopped_ || g_stop_requested; }

  void progress(const std::string& what) {
    if (on_progress_) on_progress_(what);
  }

  void measure_roofline_once() {
    progress("roofline (read and copy bandwidth)");
    try {
      out_.roofline = measure_roofline(context_, commands_, plan_.sweep.settings.timing);
    } catch (const vk::DeviceLostError&) {
      throw;
    } catch (const std::exception& e) {
      out_.roofline_error = e.what();
    } catch (const Interrupted&) {
      out_.roofline_error = "interrupted";
    }
  }

  // The model's data is generated once per dtype and shared by every kernel and storage, unless it
  // cannot fit: then every variant of the dtype is skipped with the sizes.
  void run_dtype(const std::vector<GemvInstance>& token, DType dtype) {
    auto need = model_footprint(plan_.sweep.shapes, plan_.layers, dtype);
    if (std::any_of(plan_.sweep.kernels.begin(), plan_.sweep.kernels.end(),
                    [](const auto* k) { return k->quantization == quant::Quantization::symmetric; })) {
      for (const auto& shape : plan_.sweep.shapes.shapes) {
        need.host_bytes += symmetric_copy_bytes({shape.n, shape.k, shape.group_size}) *
                           static_cast<std::uint64_t>(shape.per_token(plan_.layers));
      }
    }
    std::string skip = too_large_reason(Footprint{need.per_token, need.host_bytes}, out_.device, host_available_bytes());
    std::vector<Instance> instances;
    if (skip.empty()) {
      progress(fmt::format("generating {} GEMVs of data ({})", token.size(), to_string(dtype)));
      try {
        instances = generate_instances(plan_, token, dtype);
        if (plan_.floor) floor_instances_ = generate_instances(floor_plan_, token, dtype);
      } catch (const std::bad_alloc&) {
        skip = "out of host memory generating the model's data";
      } catch (const UnsupportedError& e) {
        skip = e.what();
      }
    }
    for (const auto* kernel : plan_.sweep.kernels) {
      for (const auto storage : plan_.sweep.storages) {
        if (stopping()) return;
        DecodeVariant variant;
        variant.kernel = std::string(kernel->name);
        variant.dtype = dtype;
        variant.storage = storage;
        // A symmetric kernel reads no zeros: fewer bytes per token than `need` (sized for affine).
        variant.bytes_per_token = model_footprint(plan_.sweep.shapes, plan_.layers, dtype, kernel->quantization).per_token;
        if (!skip.empty()) {
          variant.status = Status::skipped;
          variant.message = skip;
        } else {
          run_variant(instances, *kernel, variant);
        }
        out_.variants.push_back(std::move(variant));
        if (on_variant_done_) {
          out_.incomplete = true;  // until the last variant; run() settles it
          out_.wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
          on_variant_done_(out_);
        }
      }
    }
  }

  void run_variant(std::vector<Instance>& instances, const kernels::KernelDesc& kernel, DecodeVariant& variant) {
    const auto label = fmt::format("{} {} {}", kernel.name, to_string(variant.dtype), to_string(variant.storage));
    VariantRun replay(context_, commands_, plan_, instances, barrier_before_, kernel, variant.storage, interrupted_);
    try {
      progress("token " + label);
      replay.run(variant);
    } catch (const UnsupportedError& e) {
      variant.status = Status::skipped;
      variant.message = e.what();
    } catch (const std::bad_alloc&) {
      variant.status = Status::skipped;
      variant.message = "out of host memory preparing the model";
    } catch (const vk::OutOfDeviceMemoryError&) {
      variant.status = Status::skipped;
      variant.message = "out of device memory allocating the model";
    } catch (const vk::DeviceLostError& e) {
      fail_and_stop(variant, fmt::format("device lost ({})", e.what()));
      return;
    } catch (const vk_util::SubmitTimeout& e) {
      fail_and_stop(variant, e.what());
      return;
    } catch (const std::exception& e) {
      variant.status = Status::failed;
      variant.message = e.what();
      return;
    }
    if (variant.status == Status::skipped) return;
    progress("isolated shapes " + label);
    run_isolated(instances, kernel, replay, variant);
    if (plan_.floor && !stopping()) run_floor(kernel, variant);
  }

  // The floor model's token with this kernel and storage, on the real model's barrier positions.
  void run_floor(const kernels::KernelDesc& kernel, DecodeVariant& variant) {
    progress(fmt::format("floor {} {} {}", kernel.name, to_string(variant.dtype), to_string(variant.storage)));
    DecodeVariant floor;
    floor.dtype = variant.dtype;
    floor.storage = variant.storage;
    try {
      VariantRun replay(context_, commands_, floor_plan_, floor_instances_, barrier_before_, kernel, variant.storage,
                        interrupted_);
      replay.run(floor);
    } catch (const vk::DeviceLostError& e) {
      stopped_ = true;  // as for the token itself: nothing more runs on a lost or hung device
      floor.message = fmt::format("device lost ({})", e.what());
    } catch (const vk_util::SubmitTimeout& e) {
      stopped_ = true;
      floor.message = e.what();
    } catch (const std::exception& e) {
      floor.message = e.what();
    }
    if (floor.status == Status::ok && floor.timing) {
      variant.floor_seconds_per_token = floor.timing->summary.median;
    } else {
      variant.floor_message = floor.message.empty() ? "not timed" : floor.message;
    }
  }

  // The device may be gone: nothing more runs on it.
  void fail_and_stop(DecodeVariant& variant, std::string message) {
    variant.status = Status::failed;
    variant.message = std::move(message);
    stopped_ = true;
  }

  // Each distinct (N, K, G) of the file on its own, with the per-case runner and the sweep's
  // settings, on the data of its first instance in the token.
  void run_isolated(std::vector<Instance>& instances, const kernels::KernelDesc& kernel, const VariantRun& replay,
                    DecodeVariant& variant) {
    const auto& file = plan_.sweep.shapes;
    const auto distinct = distinct_shapes(file);
    std::vector<std::optional<double>> seconds(file.shapes.size());
    for (std::size_t s = 0; s < file.shapes.size(); ++s) {
      const auto& shape = file.shapes[s];
      IsolatedShape iso;
      iso.shape = shape.name;
      iso.n = shape.n;
      iso.k = shape.k;
      iso.group_size = shape.group_size;
      iso.count_per_token = shape.per_token(plan_.layers);
      const auto same = std::find_if(distinct.begin(), distinct.end(), [&](std::size_t d) {
        const auto& t = file.shapes[d];
        return t.n == shape.n && t.k == shape.k && t.group_size == shape.group_size;
      });
      if (*same != s) {
        const auto& first = variant.isolated[*same];
        iso.status = first.status;
        iso.message = first.status == Status::ok ? fmt::format("timed as {}", first.shape) : first.message;
        iso.median_s = first.median_s;
      } else {
        auto it = std::find_if(instances.begin(), instances.end(),
                               [&](const Instance& i) { return i.where.shape_index == s; });
        const auto result = run_case(context_, commands_, *it->problem, kernel, variant.storage, plan_.sweep.settings,
                                     replay.config_for(shape, variant.dtype));
        iso.status = result.status;
        iso.message = result.message;
        if (result.status == Status::ok && result.timing) iso.median_s = result.timing->summary.median;
      }
      seconds[s] = iso.median_s;
      variant.isolated.push_back(std::move(iso));
    }
    variant.isolated_seconds_per_token =
        isolated_seconds_per_token(file, plan_.layers, [&](std::size_t s) { return seconds[s]; });
  }

  static DecodePlan floor_plan(const DecodePlan& plan) {
    auto floor = plan;
    floor.sweep.shapes = floor_model(plan.sweep.shapes);
    floor.profile = false;
    floor.floor = false;
    return floor;
  }

  const DecodePlan& plan_;
  const DecodePlan floor_plan_;  // the model shrunk to 8 x G per GEMV (--floor)
  std::vector<Instance> floor_instances_;
  const std::function<void(const std::string&)>& on_progress_;
  const std::atomic<bool>& interrupted_;
  const std::function<void(const DecodeResult&)>& on_variant_done_;
  const Clock::time_point start_ = Clock::now();
  std::vector<bool> barrier_before_;
  vk_util::Context context_;
  vk_util::Commands commands_;
  bool stopped_ = false;
  DecodeResult out_;
};

}  // namespace

ModelFootprint model_footprint(const config::ShapesFile& file, std::int64_t layers, DType dtype,
                               quant::Quantization quantization) {
  ModelFootprint total;
  for (const auto& shape : file.shapes) {
    const auto one = footprint({shape.n, shape.k, shape.group_size}, dtype, quantization);
    const auto count = shape.per_token(layers);
    total.per_token.weights += one.gemv.weights * count;
    total.per_token.qparams += one.gemv.qparams * count;
    total.per_token.input += one.gemv.input * count;
    total.per_token.output += one.gemv.output * count;
    total.host_bytes += one.host_bytes * static_cast<std::uint64_t>(count);
  }
  total.device_bytes = static_cast<std::uint64_t>(total.per_token.total());
  return total;
}

std::string baseline_kernel_name() { return std::string(kernels::kernel_table().front().name); }

void fill_decode_derived(DecodeResult& result) {
  const std::optional<double> read_gbps =
      result.roofline ? std::optional<double>(result.roofline->read_gbps) : std::nullopt;
  const auto baseline = baseline_kernel_name();
  for (auto& v : result.variants) {
    if (!v.timing || v.timing->repetitions.empty()) continue;
    v.figures = token_figures(v.timing->summary.median, static_cast<double>(v.bytes_per_token.total()), read_gbps,
                              v.isolated_seconds_per_token);
  }
  for (auto& v : result.variants) {
    if (v.status != Status::ok || !v.timing) continue;
    for (const auto& base : result.variants) {
      if (base.kernel == baseline && base.dtype == v.dtype && base.storage == v.storage &&
          base.status == Status::ok && base.timing) {
        v.speedup_vs_baseline = base.timing->summary.median / v.timing->summary.median;
      }
    }
  }
}

DecodeResult run_decode(const DecodePlan& plan, const std::function<void(const std::string&)>& on_progress,
                        const std::atomic<bool>& interrupted,
                        const std::function<void(const DecodeResult&)>& on_variant_done) {
  return Decode(plan, on_progress, interrupted, on_variant_done).run();
}

}  // namespace qgemv::bench
