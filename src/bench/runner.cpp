#include "bench/runner.hpp"

#include <fmt/format.h>

#include <chrono>

#include "report/dump.hpp"
#include "util/error.hpp"
#include "vk/buffer.hpp"
#include "vk/pipeline.hpp"
#include "vk/timestamps.hpp"

namespace qgemv::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kDispatchesPerBatch = 16;

// Quiet NaN bit patterns: an element the kernel never writes stays NaN and fails validation.
std::uint32_t nan_pattern(DType dtype) { return dtype == DType::fp32 ? 0x7FC00000u : 0x7E007E00u; }

std::int64_t round_up4(std::int64_t bytes) { return (bytes + 3) / 4 * 4; }

CaseKey make_key(const Problem& problem, const kernels::KernelDesc& kernel, Storage storage) {
  const auto& s = problem.shape();
  return {s.name, s.n, s.k, s.group_size, std::string(kernel.name), problem.dtype(), storage};
}

Bytes count_bytes(const Problem& problem, const quant::PackedWeights& packed) {
  const auto elem = element_bytes(problem.dtype());
  return {static_cast<std::int64_t>(packed.weights.size()), static_cast<std::int64_t>(packed.qparams.size()) * elem,
          problem.shape().k * elem, problem.shape().n * elem};
}

void check_limits(const vk_util::DeviceInfo& info, const Bytes& bytes, std::uint32_t workgroups) {
  const auto largest = std::max({bytes.weights, bytes.qparams, bytes.input, bytes.output});
  if (static_cast<std::uint64_t>(largest) > info.max_storage_buffer_range) {
    throw UnsupportedError(fmt::format("a {} MiB binding exceeds maxStorageBufferRange ({} MiB)", largest >> 20,
                                       info.max_storage_buffer_range >> 20));
  }
  if (workgroups > info.max_workgroup_count_x) {
    throw UnsupportedError(fmt::format("{} workgroups exceed maxComputeWorkGroupCount[0] ({})", workgroups,
                                       info.max_workgroup_count_x));
  }
}

// Device buffers of one case plus the pipeline bound to them.
struct GpuCase {
  vk_util::Buffer weights, qparams, input, output;
  vk_util::ComputePipeline pipeline;
  kernels::PushConstants push;
  std::uint32_t workgroups;

  void record_dispatch(const vk::raii::CommandBuffer& cmd) const {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&push);
    pipeline.dispatch(cmd, 0, {bytes, sizeof(push)}, workgroups);
  }
};

vk_util::PipelineDesc pipeline_desc(const std::vector<std::uint32_t>& spirv) {
  using T = vk::DescriptorType;
  return {spirv, {T::eStorageBuffer, T::eStorageBuffer, T::eStorageBuffer, T::eStorageBuffer},
          sizeof(kernels::PushConstants), {}, 1};
}

std::unique_ptr<GpuCase> build_gpu_case(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                                        const kernels::KernelDesc& kernel, Storage storage,
                                        const quant::PackedWeights& packed, const Bytes& bytes) {
  using Kind = vk_util::Buffer::Kind;
  const auto spirv = kernels::load_spirv(kernel, problem.dtype(), storage);
  const auto& shape = problem.shape();
  auto gpu = std::unique_ptr<GpuCase>(new GpuCase{
      vk_util::Buffer(context, round_up4(bytes.weights), Kind::device),
      vk_util::Buffer(context, round_up4(bytes.qparams), Kind::device),
      vk_util::Buffer(context, round_up4(bytes.input), Kind::device),
      vk_util::Buffer(context, round_up4(bytes.output), Kind::device),
      vk_util::ComputePipeline(context, pipeline_desc(spirv)),
      {static_cast<std::uint32_t>(shape.n), static_cast<std::uint32_t>(shape.k),
       static_cast<std::uint32_t>(shape.group_size), static_cast<std::uint32_t>(problem.data().shape.padded_n())},
      kernel.workgroups(shape.n)});
  vk_util::upload(context, commands, gpu->weights, packed.weights);
  vk_util::upload(context, commands, gpu->qparams, quant::to_storage_bytes(packed.qparams, problem.dtype()));
  vk_util::upload(context, commands, gpu->input, quant::to_storage_bytes(problem.data().x, problem.dtype()));
  const GpuCase& g = *gpu;
  for (std::uint32_t binding = 0; const auto* buffer : {&g.weights, &g.qparams, &g.input, &g.output}) {
    gpu->pipeline.bind_buffer(0, binding++, buffer->handle(), 0, buffer->size());
  }
  return gpu;
}

// One dispatch on NaN-poisoned output; returns y as floats.
std::vector<float> run_checked(vk_util::Context& context, vk_util::Commands& commands, const GpuCase& gpu,
                               const Problem& problem) {
  vk_util::fill(commands, gpu.output, nan_pattern(problem.dtype()));
  commands.run([&](const vk::raii::CommandBuffer& cmd) { gpu.record_dispatch(cmd); });
  auto bytes = vk_util::download(context, commands, gpu.output);
  bytes.resize(static_cast<std::size_t>(problem.shape().n * element_bytes(problem.dtype())));
  return quant::from_storage_bytes(bytes, problem.dtype());
}

// Keeps consecutive dispatches from overlapping, so each timestamp pair brackets one dispatch.
void serialize(const vk::raii::CommandBuffer& cmd) {
  vk::MemoryBarrier barrier(vk::AccessFlagBits::eShaderWrite, vk::AccessFlagBits::eShaderRead |
                                                                  vk::AccessFlagBits::eShaderWrite);
  cmd.pipelineBarrier(vk::PipelineStageFlagBits::eComputeShader, vk::PipelineStageFlagBits::eComputeShader, {},
                      barrier, nullptr, nullptr);
}

void warm_up(vk_util::Commands& commands, const GpuCase& gpu, int count) {
  if (count <= 0) return;
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    for (int i = 0; i < count; ++i) {
      gpu.record_dispatch(cmd);
      serialize(cmd);
    }
  });
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Timestamp-timed batches; returns false when the device's timestamps are unusable.
bool time_with_timestamps(vk_util::Context& context, vk_util::Commands& commands, const GpuCase& gpu,
                          int repetitions, Timing& timing) {
  if (!context.features().timestamps) return false;
  vk_util::TimestampPool pool(context, kDispatchesPerBatch);
  for (int done = 0; done < repetitions;) {
    const auto batch = static_cast<std::uint32_t>(std::min<int>(kDispatchesPerBatch, repetitions - done));
    const auto start = Clock::now();
    commands.run([&](const vk::raii::CommandBuffer& cmd) {
      pool.reset(cmd);
      for (std::uint32_t i = 0; i < batch; ++i) {
        pool.write_start(cmd, i);
        gpu.record_dispatch(cmd);
        pool.write_end(cmd, i);
        serialize(cmd);
      }
    });
    timing.host_batch_s.push_back(seconds_since(start) / batch);
    for (const auto& seconds : pool.read_seconds(batch)) {
      if (!seconds) return false;
      timing.samples_s.push_back(*seconds);
    }
    done += static_cast<int>(batch);
  }
  return true;
}

// Fallback: one dispatch per submission, timed on the host (includes submission overhead).
void time_on_host(vk_util::Commands& commands, const GpuCase& gpu, int repetitions, Timing& timing) {
  timing.samples_s.clear();
  timing.host_batch_s.clear();
  for (int i = 0; i < repetitions; ++i) {
    const auto start = Clock::now();
    commands.run([&](const vk::raii::CommandBuffer& cmd) { gpu.record_dispatch(cmd); });
    timing.samples_s.push_back(seconds_since(start));
    timing.host_batch_s.push_back(timing.samples_s.back());
  }
}

Timing measure(vk_util::Context& context, vk_util::Commands& commands, const GpuCase& gpu,
               const RunSettings& settings) {
  warm_up(commands, gpu, settings.warmup);
  Timing timing;
  const int repetitions = std::max(1, settings.repetitions);
  if (time_with_timestamps(context, commands, gpu, repetitions, timing)) {
    timing.timer = "gpu";
  } else {
    timing.timer = "host";
    time_on_host(commands, gpu, repetitions, timing);
  }
  timing.summary = summarize(timing.samples_s);
  timing.host_summary = summarize(timing.host_batch_s);
  return timing;
}

}  // namespace

CaseResult run_case(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                    const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings) {
  CaseResult result;
  result.key = make_key(problem, kernel, storage);
  result.seed = problem.seed();
  const auto& packed = problem.packed(kernel.layout);
  result.bytes = count_bytes(problem, packed);
  try {
    if (auto reason = kernels::unsupported_reason(kernel, problem.dtype(), storage, context.features());
        !reason.empty()) {
      throw UnsupportedError(reason);
    }
    check_limits(context.info(), result.bytes, kernel.workgroups(problem.shape().n));
    const auto gpu = build_gpu_case(context, commands, problem, kernel, storage, packed, result.bytes);

    if (settings.validate || settings.dump_dir) {
      const auto y = run_checked(context, commands, *gpu, problem);
      if (settings.validate) {
        result.validation = reference::validate(y, *problem.reference(), problem.dtype(), problem.shape().k);
      }
      if (settings.dump_dir) report::dump_case(*settings.dump_dir, problem, result.key, y);
    }
    result.timing = measure(context, commands, *gpu, settings);
    result.gbps = static_cast<double>(result.bytes.total()) / result.timing->summary.median * 1e-9;
    const bool valid = !result.validation || result.validation->passed;
    result.status = valid ? Status::ok : Status::failed;
    if (!valid) result.message = "validation failed: " + result.validation->message;
  } catch (const UnsupportedError& e) {
    result.status = Status::skipped;
    result.message = e.what();
  }
  return result;
}

}  // namespace qgemv::bench
