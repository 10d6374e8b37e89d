#include "cli/explain_command.hpp"

#include <fmt/format.h>

#include "cli/plan.hpp"
#include "explain/explain_report.hpp"
#include "report/output_file.hpp"
#include "util/error.hpp"

namespace qgemv::cli {

int explain_command(const ExplainArgs& args, bool validation_layer, const std::string& command_line,
                    const std::string& created_utc) {
  explain::ExplainOptions options;
  options.kernels = parse_kernels(args.kernels);
  options.dtypes = parse_dtypes(args.dtypes);
  options.storages = parse_storages(args.storages);
  options.device = args.device;
  options.driver = !args.no_driver;
  options.representations = args.verbose;
  options.validation_layer = validation_layer;
  if (!args.config.empty()) {
    try {
      options.config = kernels::TuneConfig::parse(args.config);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--config: ") + e.what());
    }
  }
  if (!args.out.empty()) report::check_output_path(args.out, args.force, "--out");

  const auto explanation = explain::run_explain(options);
  if (!args.out.empty()) {
    const auto document = explain::to_json(explanation, command_line, created_utc, args.verbose);
    report::OutputFile(args.out, args.force).write(document.dump(2) + "\n");
  }
  if (!args.quiet) fmt::print("{}", explain::console_table(explanation, args.verbose));
  return 0;
}

}  // namespace qgemv::cli
