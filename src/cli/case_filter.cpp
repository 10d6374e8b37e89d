#include "cli/case_filter.hpp"

#include <fmt/format.h>

#include <regex>

#include "util/error.hpp"

namespace qgemv::cli {

std::function<bool(const bench::CaseKey&)> make_case_filter(const std::string& regex) {
  std::regex compiled;
  try {
    compiled = std::regex(regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw UsageError(fmt::format("--filter {}: not a valid regular expression ({})", regex, e.what()));
  }
  return [compiled = std::move(compiled)](const bench::CaseKey& key) {
    return std::regex_search(bench::case_name(key), compiled);
  };
}

}  // namespace qgemv::cli
