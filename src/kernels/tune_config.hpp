#pragma once
// The tunable parameters of coop_tuned (shaders/coop_tuned.kernel.json: specialization constants and
// the reduction flavour; kernels::dispatch_for maps them).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vk/device_info.hpp"

namespace qgemv::kernels {

// How the inner loop turns nibbles into floats (shaders/coop_tuned.comp says how each works).
enum class Decode : std::uint32_t {
  shifted,   // shift, mask-or, FMA per weight
  masked,    // mask-or, subtraction, FMA: exact products
  mixed,     // masked, but the two nibbles masked at bit 16 keep their bias: no subtraction for them
  denormal,  // mask, FMA: the masked nibble read as an fp32 denormal (a flavour that preserves them)
};
std::string_view to_string(Decode decode);

struct TuneConfig {
  std::uint32_t threads_per_block = 64;     // invocations sharing one 8-channel block along K (power of 2)
  std::uint32_t blocks_per_workgroup = 4;   // 8-channel blocks per workgroup
  std::uint32_t loads_per_step = 4;         // consecutive uvec4 loads in flight per invocation
  bool subgroup_reduction = true;           // subgroupAdd, else a shared-memory tree (a build flavour)
  bool prefetch = false;                    // load the next step's weights before using this step's
  bool interleaved = false;                 // load u of a block's invocations reads consecutive uvec4
  Decode decode = Decode::shifted;

  std::uint32_t workgroup_size() const { return threads_per_block * blocks_per_workgroup; }
  std::uint32_t channels_per_workgroup() const { return 8 * blocks_per_workgroup; }
  std::string to_string() const;  // e.g. "t64.b4.u4.subgroup", "t64.b4.u4.shared.pf.il.mask", "t32.b8.u4.subgroup.dn"
  // (decode suffixes: none shifted, .mask, .mix, .dn)
  // The build flavour: the reduction, and whether the module preserves denormals.
  std::string flavour() const;
  // The inverse of to_string; std::invalid_argument naming what is wrong.
  static TuneConfig parse(std::string_view name);
  bool operator==(const TuneConfig&) const = default;
};

// Empty when `config` can run for this group size on this device, else why not.
std::string config_problem(const TuneConfig& config, std::int64_t group_size, const vk_util::DeviceInfo& device);

// A reasonable configuration without tuning: enough invocations in flight to cover the memory
// latency of a large GPU, no idle invocations along K.
TuneConfig heuristic_config(std::int64_t n, std::int64_t k, std::int64_t group_size,
                            const vk_util::DeviceInfo& device);

// The search space of --tune, filtered by config_problem.
std::vector<TuneConfig> tune_candidates(std::int64_t group_size, const vk_util::DeviceInfo& device);

}  // namespace qgemv::kernels
