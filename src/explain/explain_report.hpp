#pragma once
// What `explain` prints and writes: a console table per 32 weights, and its own small JSON
// document ("mode": "explain").
#include <nlohmann/json.hpp>
#include <string>

#include "explain/explain.hpp"

namespace qgemv::explain {

std::string console_table(const Explanation& explanation, bool verbose);

nlohmann::json to_json(const Explanation& explanation, const std::string& command_line, const std::string& created_utc,
                       bool verbose);

}  // namespace qgemv::explain
