#include "cli/decode_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <utility>

#include "bench/decode.hpp"
#include "cli/plan.hpp"
#include "cli/result_files.hpp"
#include "cli/stop_signals.hpp"
#include "report/decode_report.hpp"
#include "report/output_file.hpp"
#include "util/error.hpp"
#include "util/stop_request.hpp"

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
  plan.barriers = bench::parse_barrier_mode(o.decode.barriers);
  plan.profile = o.decode.profile;
  plan.floor = o.decode.floor;
  plan.fused = o.decode.fuse;
  if (plan.fused) plan.sweep.shapes = bench::fused_model(plan.sweep.shapes);
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
  if (result.incomplete && stop_signal() != 0) return stop_exit_code();
  if (validation_layer && result.validation_messages > 0) return 1;
  for (const auto& v : result.variants) {
    if (v.status == bench::Status::failed) return 1;
  }
  return result.incomplete ? 1 : 0;
}

std::string incomplete_reason(const bench::DecodeResult& result) {
  if (!result.incomplete) return {};
  if (stop_signal() != 0) return interrupted_reason();
  return "stopped after a lost or hung device";
}

// As the sweep's: --out is rewritten with the variants so far once kCheckpointInterval has passed
// (and after the first), so a run killed outright still leaves them; the sweep goes on when a
// checkpoint cannot be written, and says so once.
std::function<void(const bench::DecodeResult&)> decode_checkpoint_writer(report::OutputFile* out,
                                                                         const report::DecodeRunInfo& info) {
  if (out == nullptr) return {};
  return [out, &info, last = std::optional<std::chrono::steady_clock::time_point>(), warned = false](
             const bench::DecodeResult& so_far) mutable {
    const auto now = std::chrono::steady_clock::now();
    if (!checkpoint_due(last, now)) return;
    last = now;
    bench::DecodeResult snapshot = so_far;
    bench::fill_decode_derived(snapshot);
    report::DecodeRunInfo partial = info;
    partial.result = &snapshot;
    partial.incomplete_reason = "in progress";
    try {
      out->write(report::decode_json(partial).dump(2) + "\n");
    } catch (const report::WriteError& e) {
      if (!std::exchange(warned, true)) {
        fmt::print(stderr, "qgemv-bench: checkpoint not written: {} (decode goes on)\n", one_line(e.what()));
      }
    }
  };
}

}  // namespace

int decode_command(const Options& o, const std::string& date, const std::string& host) {
  const auto plan = make_decode_plan(o);
  // Checked before the run, so a long replay never ends unable to save.
  std::optional<report::OutputFile> out;
  if (!o.out.empty() && o.out != "-") {
    report::check_output_path(o.out, o.force, "--out");
    out.emplace(o.out, o.force);
  }
  install_stop_signals();
  report::DecodeRunInfo info{date, host, o.command_line, o.validation_layer, &plan, nullptr, {}};
  const auto progress = progress_printer(o.quiet);
  const auto checkpoint = decode_checkpoint_writer(out ? &*out : nullptr, info);
  const auto result = bench::run_decode(plan, progress, g_stop_requested, checkpoint);
  if (progress) fmt::print(stderr, "\r\033[K");

  info.result = &result;
  info.incomplete_reason = incomplete_reason(result);
  const bool saved = write_document(o, out ? &*out : nullptr, report::decode_json(info).dump(2) + "\n");
  if (!o.quiet) fmt::print(o.out == "-" ? stderr : stdout, "{}", report::decode_console(info));
  if (result.validation_messages > 0) {
    fmt::print(stderr, "qgemv-bench: the validation layer reported {} message(s), first:\n", result.validation_messages);
    for (const auto& m : result.first_validation_messages) fmt::print(stderr, "  {}\n", m);
  }
  const int code = exit_code(result, o.validation_layer);
  return code == 0 && !saved ? 1 : code;
}

}  // namespace qgemv::cli
