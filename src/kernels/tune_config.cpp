#include "kernels/tune_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace qgemv::kernels {
namespace {

// Invocations that keep a large GPU's memory system busy (H100: 132 SMs x 2048 threads / 2).
constexpr std::int64_t kTargetInvocations = 131072;
constexpr std::uint32_t kMaxWorkgroupSize = 512;

}  // namespace

std::string TuneConfig::to_string() const {
  return fmt::format("t{}.b{}.u{}.{}{}{}", threads_per_block, blocks_per_workgroup, loads_per_step,
                     subgroup_reduction ? "subgroup" : "shared", prefetch ? ".pf" : "", interleaved ? ".il" : "");
}

std::string config_problem(const TuneConfig& config, std::int64_t group_size, const vk_util::DeviceInfo& device) {
  if (!std::has_single_bit(config.threads_per_block)) return "threads_per_block must be a power of two";
  if (config.blocks_per_workgroup == 0 || config.loads_per_step == 0) return "zero-sized configuration";
  if (group_size % (4 * config.loads_per_step) != 0) return "4 * loads_per_step must divide the group size";
  if (config.workgroup_size() > std::min(kMaxWorkgroupSize, device.max_workgroup_invocations)) {
    return "workgroup too large";
  }
  if (config.subgroup_reduction) {
    if (!device.subgroup_arithmetic) return "device lacks compute subgroup arithmetic";
    if (device.subgroup_size == 0 || config.threads_per_block % device.subgroup_size != 0) {
      return "threads_per_block is not a multiple of the subgroup size";
    }
  }
  return {};
}

TuneConfig heuristic_config(std::int64_t n, std::int64_t k, std::int64_t group_size,
                            const vk_util::DeviceInfo& device) {
  TuneConfig config;
  config.loads_per_step = group_size % 16 == 0 ? 4 : 1;
  const std::int64_t blocks = (n + 7) / 8;
  const std::int64_t steps_along_k = std::max<std::int64_t>(1, k / 4 / config.loads_per_step);
  const auto wanted = static_cast<std::uint64_t>(std::max<std::int64_t>(1, kTargetInvocations / blocks));
  std::int64_t threads = static_cast<std::int64_t>(std::bit_ceil(wanted));
  threads = std::min<std::int64_t>(threads, std::bit_floor(static_cast<std::uint64_t>(steps_along_k)));
  // Some mobile GPUs allow only 128 invocations per workgroup (the Vulkan minimum).
  const std::int64_t max_workgroup = std::min(256u, std::max(128u, device.max_workgroup_invocations));
  const std::int64_t floor_threads = std::max<std::uint32_t>(32, device.subgroup_size);
  config.threads_per_block = static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(threads, std::min(floor_threads, max_workgroup), max_workgroup));
  config.blocks_per_workgroup =
      static_cast<std::uint32_t>(std::max<std::int64_t>(1, max_workgroup / config.threads_per_block));
  // subgroupAdd where the device allows it for this shape, else the shared-memory tree.
  config.subgroup_reduction = true;
  config.subgroup_reduction = config_problem(config, group_size, device).empty();
  return config;
}

std::vector<TuneConfig> tune_candidates(std::int64_t group_size, const vk_util::DeviceInfo& device) {
  std::vector<TuneConfig> out;
  for (std::uint32_t threads : {32u, 64u, 128u, 256u}) {
    for (std::uint32_t workgroup : {128u, 256u}) {
      if (workgroup < threads) continue;
      for (std::uint32_t loads : {2u, 4u, 8u}) {
        for (bool prefetch : {false, true}) {
          for (bool interleaved : {false, true}) {
            // The two reductions measured within 2% of each other on the H100 (results/README.md),
            // so the shared-memory tree is searched only where subgroup arithmetic is missing.
            TuneConfig config{threads, workgroup / threads, loads, true, prefetch, interleaved};
            if (!config_problem(config, group_size, device).empty()) config.subgroup_reduction = false;
            if (config_problem(config, group_size, device).empty()) out.push_back(config);
          }
        }
      }
    }
  }
  return out;
}

}  // namespace qgemv::kernels
