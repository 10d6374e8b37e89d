#pragma once
#include "cli/options.hpp"

namespace qgemv::cli {

// `qgemv-bench compare`: prints the comparison on stdout and returns its exit code (0 or 1);
// unusable input throws UsageError (exit code 2).
int compare_command(const CompareArgs& args);

}  // namespace qgemv::cli
