#pragma once
// Command-line options -> the sweep to run: every value checked here (UsageError), so a bad one
// stops the program before any device is touched.
#include "bench/sweep.hpp"
#include "cli/options.hpp"

namespace qgemv::cli {

bench::SweepPlan make_plan(const Options& options);

// --kernels / --dtype / --storage values, checked as make_plan checks them (also for `explain`).
std::vector<const kernels::KernelDesc*> parse_kernels(const std::vector<std::string>& names);
std::vector<DType> parse_dtypes(const std::vector<std::string>& names);
std::vector<Storage> parse_storages(const std::vector<std::string>& names);

}  // namespace qgemv::cli
