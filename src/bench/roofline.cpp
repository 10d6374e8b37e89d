#include "bench/roofline.hpp"

#include <algorithm>
#include <cstring>

#include "kernels/kernel_table.hpp"
#include "vk/buffer.hpp"
#include "vk/pipeline.hpp"

namespace qgemv::bench {
namespace {

constexpr std::uint32_t kThreadsPerGroup = 256;
constexpr std::uint32_t kElementsPerThread = 4;  // enough loads in flight per thread to hide latency
constexpr std::uint64_t kSinkBytes = 256 * 4;

// Random contents, so no memory compression can shortcut the traffic.
std::vector<std::uint8_t> random_bytes(std::uint64_t size) {
  std::vector<std::uint8_t> bytes(size);
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (std::uint64_t i = 0; i + 8 <= size; i += 8) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::memcpy(bytes.data() + i, &state, 8);
  }
  return bytes;
}

Timing time_shader(vk_util::Context& context, vk_util::Commands& commands, std::string_view module,
                   const vk_util::Buffer& source, const vk_util::Buffer& destination, std::uint32_t count,
                   const TimingSettings& settings) {
  using T = vk::DescriptorType;
  const auto spirv = kernels::load_spirv(module);
  vk_util::ComputePipeline pipeline(context, {spirv, {T::eStorageBuffer, T::eStorageBuffer}, 4, {}, 1});
  pipeline.bind_buffer(0, 0, source.handle(), 0, source.size());
  pipeline.bind_buffer(0, 1, destination.handle(), 0, destination.size());
  const auto groups = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
      count / (kThreadsPerGroup * kElementsPerThread), 1, context.info().max_workgroup_count_x));
  const auto* push = reinterpret_cast<const std::uint8_t*>(&count);
  return measure(
      context, commands,
      [&](const vk::raii::CommandBuffer& cmd, std::uint64_t) { pipeline.dispatch(cmd, 0, {push, 4}, groups); },
      settings);
}

}  // namespace

std::uint64_t roofline_buffer_bytes(const vk_util::DeviceInfo& info) {
  std::uint64_t bytes = std::min<std::uint64_t>(kRooflineTargetBytes, info.max_storage_buffer_range);
  if (info.device_local_bytes > 0) bytes = std::min(bytes, info.device_local_bytes / 8);
  return bytes / 16 * 16;
}

Roofline measure_roofline(vk_util::Context& context, vk_util::Commands& commands, const TimingSettings& settings) {
  using Kind = vk_util::Buffer::Kind;
  Roofline roofline;
  roofline.buffer_bytes = roofline_buffer_bytes(context.info());
  const auto count = static_cast<std::uint32_t>(roofline.buffer_bytes / 16);
  vk_util::Buffer source(context, roofline.buffer_bytes, Kind::device);
  vk_util::upload(context, commands, source, random_bytes(roofline.buffer_bytes));
  {
    vk_util::Buffer sink(context, kSinkBytes, Kind::device);
    roofline.read = time_shader(context, commands, "bandwidth_read", source, sink, count, settings);
  }
  {
    vk_util::Buffer destination(context, roofline.buffer_bytes, Kind::device);
    roofline.copy = time_shader(context, commands, "bandwidth_copy", source, destination, count, settings);
  }
  const auto bytes = static_cast<double>(roofline.buffer_bytes);
  roofline.read_gbps = bytes / roofline.read.summary.median * 1e-9;
  roofline.copy_gbps = 2 * bytes / roofline.copy.summary.median * 1e-9;
  return roofline;
}

}  // namespace qgemv::bench
