#include "cli/decode_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>

#include "bench/decode.hpp"
#include "cli/plan.hpp"
#include "report/decode_report.hpp"
#include "report/output_file.hpp"
#include "util/error.hpp"

namespace qgemv::cli {
namespace {

// Sweep options with no meaning for a token replay are refused rather than silently ignored.
void refuse_sweep_only_options(const Options& o) {
  if (o.tune) throw UsageError("decode: --tune is not supported; tune with a sweep, then pass --tuning FILE");
  if (o.format != "json") throw UsageError("decode: --format " + o.format + " is not supported (json only)");
  if (!o.dump.empty()) throw UsageError("decode: --dump is not supported");
  if (o.timer != "gpu") throw UsageError("decode: --timer " + o.timer + " is not supported (timestamps only)");
}

bench::DecodePlan make_decode_plan(const Options& o) {
  refuse_sweep_only_options(o);
  bench::DecodePlan plan;
  plan.sweep = make_plan(o);
  plan.layers = bench::layers_to_replay(plan.sweep.shapes, o.decode.layers);
  plan.barriers = o.decode.barriers == "on";
  plan.profile = o.decode.profile;
  return plan;
}

std::function<void(const std::string&)> progress_printer(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return {};
  return [](const std::string& what) {
    fmt::print(stderr, "\r\033[K{}", what);
    std::fflush(stderr);
  };
}

int exit_code(const bench::DecodeResult& result, bool validation_layer) {
  if (validation_layer && result.validation_messages > 0) return 1;
  for (const auto& v : result.variants) {
    if (v.status == bench::Status::failed) return 1;
  }
  return result.incomplete ? 1 : 0;
}

}  // namespace

int decode_command(const Options& o, const std::string& date, const std::string& host) {
  const auto plan = make_decode_plan(o);
  if (!o.out.empty()) report::check_output_path(o.out, o.force, "--out");
  const std::atomic<bool> never_interrupted{false};
  const auto progress = progress_printer(o.quiet);
  const auto result = bench::run_decode(plan, progress, never_interrupted);
  if (progress) fmt::print(stderr, "\r\033[K");

  report::DecodeRunInfo info{date, host, o.command_line, o.validation_layer, &plan, &result, {}};
  if (result.incomplete) info.incomplete_reason = "stopped after a lost or hung device";
  if (!o.out.empty()) report::OutputFile(o.out, o.force).write(report::decode_json(info).dump(2) + "\n");
  if (!o.quiet) fmt::print("{}", report::decode_console(info));
  if (result.validation_messages > 0) {
    fmt::print(stderr, "qgemv-bench: the validation layer reported {} message(s), first:\n", result.validation_messages);
    for (const auto& m : result.first_validation_messages) fmt::print(stderr, "  {}\n", m);
  }
  return exit_code(result, o.validation_layer);
}

}  // namespace qgemv::cli
