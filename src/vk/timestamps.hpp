#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "vk/context.hpp"

namespace qgemv::vk_util {

// Pairs of timestamps around dispatches. Results are masked to timestampValidBits and converted
// with the (fractional) timestampPeriod; a pair whose end is not after its start is reported as
// missing so the caller can fall back to host timing.
class TimestampPool {
 public:
  TimestampPool(const Context& context, std::uint32_t pairs);

  std::uint32_t pairs() const { return pairs_; }
  void reset(const vk::raii::CommandBuffer& cmd) const;
  void write_start(const vk::raii::CommandBuffer& cmd, std::uint32_t pair) const;
  void write_end(const vk::raii::CommandBuffer& cmd, std::uint32_t pair) const;

  // Seconds per pair for the first `used` pairs; std::nullopt where implausible.
  std::vector<std::optional<double>> read_seconds(std::uint32_t used) const;

 private:
  std::uint32_t pairs_;
  std::uint64_t mask_;
  double period_ns_;
  vk::raii::QueryPool pool_{nullptr};
};

}  // namespace qgemv::vk_util
