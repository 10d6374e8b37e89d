#include "kernels/tune_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <stdexcept>
#include <vector>

namespace qgemv::kernels {
namespace {

// Invocations that keep a large GPU's memory system busy (H100: 132 SMs x 2048 threads / 2).
constexpr std::int64_t kTargetInvocations = 131072;
constexpr std::uint32_t kMaxWorkgroupSize = 512;

}  // namespace

namespace {
// Name suffix of each decode in to_string, in enum order ("" for the shifted one).
constexpr std::string_view kDecodeSuffixes[] = {"", "mask", "mix", "dn"};
}  // namespace

std::string_view to_string(Decode decode) {
  constexpr std::string_view kNames[] = {"shifted", "masked", "mixed", "denormal"};
  return kNames[static_cast<std::uint32_t>(decode)];
}

std::string TuneConfig::to_string() const {
  const auto suffix = kDecodeSuffixes[static_cast<std::uint32_t>(decode)];
  return fmt::format("t{}.b{}.u{}.{}{}{}{}{}", threads_per_block, blocks_per_workgroup, loads_per_step,
                     subgroup_reduction ? "subgroup" : "shared", prefetch ? ".pf" : "", interleaved ? ".il" : "",
                     suffix.empty() ? "" : ".", suffix);
}

std::string TuneConfig::flavour() const {
  return std::string(subgroup_reduction ? "subgroup" : "shared") + (decode == Decode::denormal ? "_denormal" : "");
}

TuneConfig TuneConfig::parse(std::string_view name) {
  const auto bad = [&](std::string_view why) {
    return std::invalid_argument(fmt::format("configuration \"{}\": {} (expected e.g. t64.b4.u4.subgroup.pf)", name, why));
  };
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() < 4) throw bad("too few parts");
  const auto number = [&](std::string_view part, char letter) {
    std::uint32_t value = 0;
    const auto* end = part.data() + part.size();
    if (part.size() < 2 || part[0] != letter || std::from_chars(part.data() + 1, end, value).ptr != end || value == 0) {
      throw bad(fmt::format("\"{}\" is not {} followed by a positive number", part, letter));
    }
    return value;
  };
  TuneConfig config;
  config.threads_per_block = number(parts[0], 't');
  config.blocks_per_workgroup = number(parts[1], 'b');
  config.loads_per_step = number(parts[2], 'u');
  if (parts[3] != "subgroup" && parts[3] != "shared") throw bad("the reduction is subgroup or shared");
  config.subgroup_reduction = parts[3] == "subgroup";
  // Options in to_string's order, each at most once.
  std::size_t next = 4;
  const auto option = [&](std::string_view flag) {
    if (next < parts.size() && parts[next] == flag) return ++next, true;
    return false;
  };
  config.prefetch = option("pf");
  config.interleaved = option("il");
  for (std::uint32_t d = 1; d < std::size(kDecodeSuffixes); ++d) {
    if (option(kDecodeSuffixes[d])) {
      config.decode = static_cast<Decode>(d);
      break;
    }
  }
  if (next != parts.size()) throw bad(fmt::format("unexpected \"{}\"", parts[next]));
  return config;
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
  // The masked decode was 2-5% faster on the H200's DRAM-bound shapes and even on small ones
  // (results/README.md); it needs nothing the shifted one does not.
  config.decode = Decode::masked;
  // subgroupAdd where the device allows it for this shape, else the shared-memory tree.
  config.subgroup_reduction = true;
  config.subgroup_reduction = config_problem(config, group_size, device).empty();
  return config;
}

std::vector<TuneConfig> tune_candidates(std::int64_t group_size, const vk_util::DeviceInfo& device) {
  // Prefetching and interleaving together were the slowest candidates of every H100 shape
  // (results/README.md), so each is searched alone.
  enum class Loop { plain, prefetch, interleaved };
  std::vector<TuneConfig> out;
  for (std::uint32_t threads : {32u, 64u, 128u, 256u}) {
    for (std::uint32_t workgroup : {128u, 256u}) {
      if (workgroup < threads) continue;
      for (std::uint32_t loads : {2u, 4u, 8u, 16u}) {
        for (Loop loop : {Loop::plain, Loop::prefetch, Loop::interleaved}) {
          for (Decode decode : {Decode::shifted, Decode::masked, Decode::mixed, Decode::denormal}) {
            // Its flavour needs the feature; the runner would skip it (kernels::unsupported_reason).
            if (decode == Decode::denormal && !device.denorm_preserve_float32) continue;
            // The two newer decodes only with the plain loop, which won every DRAM-bound H200 shape
            // with the other two (results/README.md): the search stays short on slow devices.
            if ((decode == Decode::mixed || decode == Decode::denormal) && loop != Loop::plain) continue;
            // The two reductions measured within 2% of each other on the H100 (results/README.md),
            // so the shared-memory tree is searched only where subgroup arithmetic is missing.
            TuneConfig config{threads, workgroup / threads, loads, true, loop == Loop::prefetch,
                              loop == Loop::interleaved, decode};
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
