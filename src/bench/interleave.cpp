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

}  // namespace qgemv::bench
