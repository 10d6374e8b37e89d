#pragma once
// How many copies of a case's weights and qparams the timed loop rotates through (docs/design.md, "Measurement").
#include <algorithm>
#include <cstdint>

namespace qgemv::bench {

inline constexpr std::uint64_t kDefaultColdCacheBytes = 256ull << 20;
// Copies are separate Vulkan objects; this keeps a tiny case within the allocation-count limit
// (maxMemoryAllocationCount is at least 4096) at the cost of a smaller footprint.
inline constexpr std::uint32_t kMaxColdCacheCopies = 512;

// Enough copies that one pass over them touches at least `target_bytes`; 1 (warm) for a target
// of 0.
inline std::uint32_t cold_cache_copies(std::uint64_t bytes_per_copy, std::uint64_t target_bytes) {
  if (target_bytes == 0 || bytes_per_copy == 0) return 1;
  return static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>((target_bytes + bytes_per_copy - 1) / bytes_per_copy, 1, kMaxColdCacheCopies));
}

}  // namespace qgemv::bench
