#include "kernels/split_k.hpp"

#include <algorithm>
#include <bit>

namespace qgemv::kernels {

KSplit split_along_k(const SplitK& rule, std::uint32_t channels_per_workgroup, std::int64_t n, std::int64_t k,
                     std::int64_t group_size) {
  if (n <= 0 || k <= 0 || group_size <= 0) return {rule.subgroups, 1};
  const auto ranges = static_cast<std::uint64_t>((n + channels_per_workgroup - 1) / channels_per_workgroup);
  const auto groups = static_cast<std::uint64_t>(std::max<std::int64_t>(1, k / group_size));
  // Subgroups along K per channel range that would make `until_workgroups` workgroups' worth.
  const auto wanted = std::bit_ceil(rule.subgroups * ((rule.until_workgroups + ranges - 1) / ranges));
  const auto along_k = static_cast<std::uint32_t>(std::min(wanted, std::bit_floor(groups)));
  if (along_k <= rule.max_subgroups) return {std::max(along_k, rule.min_subgroups), 1};
  return {rule.subgroups, along_k / rule.subgroups};
}

}  // namespace qgemv::kernels
