#pragma once
// How much a case's measurements disagree, as every table shows it.
#include <optional>

#include "bench/case_result.hpp"

namespace qgemv::report {

// Standard deviation over median of the timing summary, e.g. 0.012 for ±1.2%. Reads only the
// summary, whatever it summarises (repetitions, or per-dispatch samples in older results); none
// for fewer than two measurements or a zero median.
std::optional<double> relative_spread(const bench::Timing& timing);

// Whether the measurement marked the case unstable (its repetitions drifted even after a
// re-measure): the tables then say so next to the spread.
bool flagged_unstable(const bench::CaseResult& result);

}  // namespace qgemv::report
