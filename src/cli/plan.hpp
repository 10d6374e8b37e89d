#pragma once
// Command-line options -> the sweep to run: every value checked here (UsageError), so a bad one
// stops the program before any device is touched.
#include "bench/sweep.hpp"
#include "cli/options.hpp"

namespace qgemv::cli {

bench::SweepPlan make_plan(const Options& options);

}  // namespace qgemv::cli
