#pragma once
#include <string>

#include "cli/options.hpp"

namespace qgemv::cli {

// `qgemv-bench decode`: exit 0 when every variant ran ok or was skipped, 1 when one failed (or the
// validation layer reported anything); usage errors are thrown (exit 2).
int decode_command(const Options& options, const std::string& date, const std::string& host);

}  // namespace qgemv::cli
