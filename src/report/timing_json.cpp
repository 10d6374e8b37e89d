#include "report/timing_json.hpp"

namespace qgemv::report {

using nlohmann::json;

json summary_json(const bench::Summary& s) {
  return {{"count", s.count}, {"median", s.median}, {"min", s.min},         {"max", s.max},
          {"mean", s.mean},   {"stddev", s.stddev}, {"ci_low", s.ci_low}, {"ci_high", s.ci_high},
          {"ci_coverage", s.ci_coverage}};
}

json stability_json(const bench::Stability& s) {
  return {{"unstable", s.unstable}, {"drift", s.drift}, {"low_outlier", s.low_outlier}, {"reason", s.reason}};
}

json timing_stability_json(const bench::Timing& t) {
  auto j = stability_json(t.stability);
  j["remeasured"] = t.remeasured;
  return j;
}

}  // namespace qgemv::report
