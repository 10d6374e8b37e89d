#include "report/spread.hpp"

namespace qgemv::report {

std::optional<double> relative_spread(const bench::Timing& timing) {
  const auto& s = timing.summary;
  if (s.count < 2 || s.median <= 0) return std::nullopt;
  return s.stddev / s.median;
}

bool flagged_unstable(const bench::CaseResult&) {
  // Hook: CaseResult has no stability flag yet. When the measurement records one, return it here;
  // every table (console, CSV, markdown, streamed rows) reads it through this function only.
  return false;
}

}  // namespace qgemv::report
