#pragma once
// Same-run roofline (docs/design.md, "Measurement"): the achievable read and copy bandwidth of the device the cases run
// on, measured with the same timing loop, so each case can report its fraction of it.
#include <cstdint>

#include "bench/case_result.hpp"
#include "bench/timing.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"

namespace qgemv::bench {

inline constexpr std::uint64_t kRooflineTargetBytes = 256ull << 20;

struct Roofline {
  std::uint64_t buffer_bytes = 0;
  Timing read;
  Timing copy;
  double read_gbps = 0;  // buffer_bytes / median read time
  double copy_gbps = 0;  // 2 * buffer_bytes (read + write) / median copy time
};

// The buffer size used: 256 MiB, or less where maxStorageBufferRange or memory is smaller.
std::uint64_t roofline_buffer_bytes(const vk_util::DeviceInfo& info);

Roofline measure_roofline(vk_util::Context& context, vk_util::Commands& commands, const TimingSettings& settings);

}  // namespace qgemv::bench
