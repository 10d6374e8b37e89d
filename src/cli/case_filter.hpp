#pragma once
// --filter REGEX: which cases run, by their name (bench::case_name, "<shape>/<kernel>/<dtype>/<storage>").
#include <functional>
#include <string>

#include "bench/case_result.hpp"

namespace qgemv::cli {

// ECMAScript regex with search semantics: "coop" selects coop and coop_tuned, "^q/" the q shape,
// "/fp16/" the fp16 cases. UsageError for a regex std::regex rejects.
std::function<bool(const bench::CaseKey&)> make_case_filter(const std::string& regex);

}  // namespace qgemv::cli
