#pragma once
#include <nlohmann/json.hpp>

#include "report/run_info.hpp"

namespace qgemv::report {

// 2: timing is over independent repetitions (docs/measurement.md); raw samples only with --samples.
inline constexpr int kSchemaVersion = 2;

// The result document (schema in docs/measurement.md, "Result document"; docs/measurement.md for timing).
nlohmann::json to_json(const RunInfo& info);

}  // namespace qgemv::report
