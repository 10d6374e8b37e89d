#pragma once
#include <string>

#include "cli/options.hpp"

namespace qgemv::cli {

// `qgemv-bench explain`: prints the census table (unless quiet), writes --out; returns 0, or
// throws UsageError / EnvironmentError like the other commands.
int explain_command(const ExplainArgs& args, bool validation_layer, const std::string& command_line,
                    const std::string& created_utc);

}  // namespace qgemv::cli
