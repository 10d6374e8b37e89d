#pragma once
// The geometry along K of a split-K kernel (shaders/split_k.glsl), declared as "split_k" in its
// kernel declaration and chosen per shape (docs/kernels.md).
#include <cstdint>
#include <string_view>

namespace qgemv::kernels {

// The subgroups along K in one workgroup grow from `subgroups` up to `max_subgroups` while the
// channel ranges alone leave the GPU short of `until_workgroups` workgroups; beyond that K is cut
// across workgroups of `subgroups` each. No subgroup is left without a quantization group, and a
// workgroup has at least `min_subgroups`. Counts are powers of two.
struct SplitK {
  std::uint32_t until_workgroups = 1;
  std::uint32_t subgroups = 1;
  std::uint32_t min_subgroups = 1;
  std::uint32_t max_subgroups = 1;
  bool operator==(const SplitK&) const = default;
};

// The specialization constant a split-K kernel sizes its workgroup with (subgroups along K).
inline constexpr std::string_view kSubgroupsAlongK = "subgroups_along_k";

// One shape's geometry along K: subgroups per workgroup and workgroups along K (slices).
struct KSplit {
  std::uint32_t subgroups = 1;
  std::uint32_t slices = 1;
  bool operator==(const KSplit&) const = default;
};

// SplitK's rule for `n` x `k` in groups of `group_size`, `channels_per_workgroup` channels a range.
KSplit split_along_k(const SplitK& rule, std::uint32_t channels_per_workgroup, std::int64_t n, std::int64_t k,
                     std::int64_t group_size);

}  // namespace qgemv::kernels
