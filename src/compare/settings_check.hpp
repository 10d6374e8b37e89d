#pragma once
// Two runs measured differently (cold vs warm cache, other repetitions or batch time, another
// warm-up policy or measurement model) differ for reasons that are not the code: comparing them
// would call that a regression or an improvement.
#include <string>
#include <vector>

#include "compare/result_document.hpp"

namespace qgemv::compare {

// The settings that change what a measurement means, as named in the documents' "settings".
const std::vector<std::string>& measurement_setting_names();

// UsageError naming the first setting that differs and both values; the schema version counts
// (version 1 and 2 time different things).
void check_same_settings(const ResultDocument& base, const ResultDocument& current);

}  // namespace qgemv::compare
