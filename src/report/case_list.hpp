#pragma once
// --list: the cases a command would run, with their sizes, without touching a device.
#include <string>

#include "bench/sweep.hpp"

namespace qgemv::report {

// One line per case (its name, N x K, G, bytes one GEMV moves), then the count and total.
std::string case_list(const bench::SweepPlan& plan);

}  // namespace qgemv::report
