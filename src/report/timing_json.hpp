#pragma once
// The JSON of a measurement's statistics, written alike by the sweep's document and decode's.
#include <nlohmann/json.hpp>

#include "bench/case_result.hpp"
#include "bench/statistics.hpp"

namespace qgemv::report {

// {count, median, min, max, mean, stddev, ci_low, ci_high, ci_coverage}
nlohmann::json summary_json(const bench::Summary& s);

// {unstable, drift, low_outlier, reason}
nlohmann::json stability_json(const bench::Stability& s);

// stability_json of the repetitions plus "remeasured": `timing.stability` in both documents.
nlohmann::json timing_stability_json(const bench::Timing& t);

}  // namespace qgemv::report
