#include "vk/timestamps.hpp"

namespace qgemv::vk_util {

TimestampPool::TimestampPool(const Context& context, std::uint32_t pairs)
    : pairs_(pairs),
      mask_(context.info().timestamp_valid_bits >= 64 ? ~0ull : (1ull << context.info().timestamp_valid_bits) - 1),
      period_ns_(context.info().timestamp_period_ns) {
  pool_ = vk::raii::QueryPool(context.device(), vk::QueryPoolCreateInfo({}, vk::QueryType::eTimestamp, 2 * pairs));
}

void TimestampPool::reset(const vk::raii::CommandBuffer& cmd) const { cmd.resetQueryPool(*pool_, 0, 2 * pairs_); }

void TimestampPool::write_start(const vk::raii::CommandBuffer& cmd, std::uint32_t pair) const {
  cmd.writeTimestamp(vk::PipelineStageFlagBits::eTopOfPipe, *pool_, 2 * pair);
}

void TimestampPool::write_end(const vk::raii::CommandBuffer& cmd, std::uint32_t pair) const {
  cmd.writeTimestamp(vk::PipelineStageFlagBits::eBottomOfPipe, *pool_, 2 * pair + 1);
}

std::vector<std::optional<double>> TimestampPool::read_seconds(std::uint32_t used) const {
  std::vector<std::optional<double>> out;
  if (used == 0) return out;
  auto [result, ticks] = pool_.getResults<std::uint64_t>(0, 2 * used, 2 * used * sizeof(std::uint64_t),
                                                         sizeof(std::uint64_t),
                                                         vk::QueryResultFlagBits::e64 | vk::QueryResultFlagBits::eWait);
  for (std::uint32_t i = 0; i < used; ++i) {
    const std::uint64_t start = ticks[2 * i] & mask_;
    const std::uint64_t end = ticks[2 * i + 1] & mask_;
    // A counter narrower than 64 bits may wrap once between start and end; a "wrap" longer than
    // half the counter's range is a backwards timestamp, i.e. a broken one.
    const std::uint64_t delta = end >= start ? end - start : (end + mask_ + 1 - start);
    const bool implausible = delta == 0 || delta > mask_ / 2 || (end <= start && mask_ == ~0ull);
    if (result != vk::Result::eSuccess || implausible) {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(static_cast<double>(delta) * period_ns_ * 1e-9);
    }
  }
  return out;
}

}  // namespace qgemv::vk_util
