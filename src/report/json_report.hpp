#pragma once
#include <nlohmann/json.hpp>

#include "report/run_info.hpp"

namespace qgemv::report {

inline constexpr int kSchemaVersion = 1;

// The result document (schema in README.md, "JSON output").
nlohmann::json to_json(const RunInfo& info);

}  // namespace qgemv::report
