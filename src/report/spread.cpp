#include "report/spread.hpp"

namespace qgemv::report {

std::optional<double> relative_spread(const bench::Timing& timing) {
  const auto& s = timing.summary;
  if (s.count < 2 || s.median <= 0) return std::nullopt;
  return s.stddev / s.median;
}

// Every table (console, CSV, markdown, streamed rows) reads the flag through this function only.
bool flagged_unstable(const bench::CaseResult& r) { return r.timing.has_value() && r.unstable(); }

}  // namespace qgemv::report
