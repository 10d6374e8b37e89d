#pragma once
#include <string>

#include "report/run_info.hpp"

namespace qgemv::report {

// The aligned human-readable table plus, for model shapes files, the per-token footer.
std::string console_table(const RunInfo& info);

}  // namespace qgemv::report
