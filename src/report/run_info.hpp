#pragma once
// Everything a reporter needs besides the per-case results.
#include <string>
#include <vector>

#include "bench/sweep.hpp"

namespace qgemv::report {

struct RunInfo {
  std::string date;          // ISO 8601 UTC, when the sweep started
  std::string host;
  std::string command_line;
  bool validation_layer = false;
  const bench::SweepPlan* plan = nullptr;
  const bench::SweepResult* sweep = nullptr;
  // Why the results stop short (interrupted, still running, device gone); empty when complete.
  std::string incomplete_reason;
};

}  // namespace qgemv::report
