#include "cli/compare_command.hpp"

#include <fmt/format.h>

#include "compare/compare.hpp"
#include "compare/compare_format.hpp"
#include "compare/result_document.hpp"
#include "util/error.hpp"

namespace qgemv::cli {

int compare_command(const CompareArgs& args) {
  compare::Options options;
  options.threshold = compare::parse_threshold(args.threshold);
  // CLI11 already restricted these to the known names.
  options.metric = compare::parse_metric(args.metric).value();
  const auto format = compare::parse_format(args.format).value();
  options.alpha = args.alpha;
  options.allow_missing = args.allow_missing;
  options.allow_device_change = args.allow_device_change;
  options.allow_settings_change = args.allow_settings_change;
  options.allow_incomplete = args.allow_incomplete;

  const auto base = compare::load_result_document(args.base);
  const auto current = compare::load_result_document(args.current);
  const auto comparison = compare::compare(base, current, options);
  fmt::print("{}", compare::render(comparison, format));
  return compare::exit_code(comparison);
}

}  // namespace qgemv::cli
