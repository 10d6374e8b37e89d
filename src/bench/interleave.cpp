#include "bench/interleave.hpp"

namespace qgemv::bench {

std::optional<std::vector<Timing>> take_interleaved(const std::vector<Measurement*>& measurements,
                                                    const std::atomic<bool>& interrupted,
                                                    const std::function<void(std::size_t)>& before_each) {
  for (bool more = true; more;) {
    more = false;
    for (std::size_t i = 0; i < measurements.size(); ++i) {
      if (!measurements[i]->wants_more()) continue;
      if (interrupted) return std::nullopt;
      if (before_each) before_each(i);
      measurements[i]->take_repetition();
      more = true;
    }
  }
  std::vector<Timing> out;
  for (const auto* m : measurements) out.push_back(m->result());
  return out;
}

std::optional<std::vector<Timing>> take_remeasuring_once(const std::vector<Measurement*>& measurements,
                                                         const std::atomic<bool>& interrupted,
                                                         const std::function<void(std::size_t)>& before_each,
                                                         const UnstableTest& unstable) {
  auto timings = take_interleaved(measurements, interrupted, before_each);
  if (!timings || !unstable(*timings)) return timings;
  for (auto* m : measurements) m->restart();
  timings = take_interleaved(measurements, interrupted, before_each);
  if (timings) {
    for (auto& t : *timings) t.remeasured = true;
  }
  return timings;
}

bool any_timing_unstable(const std::vector<Timing>& timings) {
  for (const auto& t : timings) {
    if (t.stability.unstable) return true;
  }
  return false;
}

}  // namespace qgemv::bench
