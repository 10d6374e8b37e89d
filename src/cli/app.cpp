#include "cli/app.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <optional>

#include "bench/sweep.hpp"
#include "cli/compare_command.hpp"
#include "cli/list_kernels_command.hpp"
#include "cli/explain_command.hpp"
#include "cli/decode_command.hpp"
#include "cli/options.hpp"
#include "cli/plan.hpp"
#include "cli/result_files.hpp"
#include "cli/stop_signals.hpp"
#include "report/dump.hpp"
#include "cli/progress_line.hpp"
#include "report/case_list.hpp"
#include "report/output_file.hpp"
#include "report/table_formats.hpp"
#include "report/table_stream.hpp"
#include "util/error.hpp"
#include "util/stop_request.hpp"
#include "vk/context.hpp"
#include "vk/vulkan_advice.hpp"

namespace qgemv::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string host_name() {
  char buffer[256] = {};
  return ::gethostname(buffer, sizeof buffer - 1) == 0 ? buffer : "unknown";
}

int list_devices(const Options& o) {
  vk_util::Instance instance(o.validation_layer);
  const auto devices = vk_util::enumerate_devices(instance.get());
  if (devices.empty()) throw EnvironmentError("no Vulkan device found: " + vk_util::missing_vulkan_advice());
  fmt::print("{:<5} {:<40} {:<10} {:<22} {:<8} {}\n", "index", "name", "type", "driver", "api", "subgroup");
  for (const auto& d : devices) {
    fmt::print("{:<5} {:<40} {:<10} {:<22} {:<8} {}\n", d.index, d.name, d.type,
               fmt::format("{} {}", d.driver_name.empty() ? d.driver_id : d.driver_name, d.driver_version),
               d.api_version, d.subgroup_size);
  }
  return kExitOk;
}

// The live status line on stderr, only when it is a terminal; redrawn twice a second.
std::unique_ptr<ProgressLine> progress_line(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return nullptr;
  return std::make_unique<ProgressLine>(
      [](const std::string& text) {
        fmt::print(stderr, "\r\033[K{}", text);
        std::fflush(stderr);
      },
      std::chrono::milliseconds(500));
}

int exit_code_for(const bench::SweepResult& sweep, bool validation_layer) {
  if (sweep.incomplete && stop_signal() != 0) return stop_exit_code();
  if (!sweep.stopped_reason.empty()) return kExitFailed;
  if (validation_layer && sweep.validation_messages > 0) return kExitFailed;
  for (const auto& r : sweep.results) {
    if (r.status == bench::Status::failed) return kExitFailed;
  }
  return kExitOk;
}

std::string incomplete_reason(const bench::SweepResult& sweep) {
  if (!sweep.incomplete) return {};
  if (!sweep.stopped_reason.empty()) return sweep.stopped_reason;
  if (stop_signal() != 0) return interrupted_reason();
  return "in progress";
}

int run_sweep_command(const Options& o) {
  const auto plan = make_plan(o);
  if (o.list) {
    fmt::print("{}", report::case_list(plan));
    return kExitOk;
  }
  // Every path is checked before the sweep, so a long run never ends unable to save.
  std::optional<report::OutputFile> out;
  if (!o.out.empty() && o.out != "-") {
    report::check_output_path(o.out, o.force, "--out");
    out.emplace(o.out, o.force);
  }
  if (o.tune) report::check_output_path(o.tuning, true, "--tuning");
  if (!o.dump.empty()) report::prepare_dump_folder(o.dump);

  install_stop_signals();
  report::RunInfo info{utc_now(), host_name(), o.command_line, o.validation_layer, &plan, nullptr, {}};
  auto line = progress_line(o.quiet);
  std::optional<report::TableStream> stream;
  if (!o.quiet && o.out != "-" && !::isatty(STDOUT_FILENO)) stream.emplace(stdout_table_format(o), plan, stdout);
  const auto checkpoint = checkpoint_writer(out ? &*out : nullptr, o, info);
  const auto case_done = [&](const bench::SweepResult& so_far) {
    if (stream) {
      if (line) line->clear();  // stdout piped (| tee) may share the terminal with the line
      stream->case_done(so_far);
    }
    if (checkpoint) checkpoint(so_far);
  };
  const auto on_progress = [&](const bench::Progress& p) {
    if (line) line->update(p);
  };
  const auto sweep = bench::run_sweep(plan, on_progress, g_stop_requested, case_done);
  line.reset();
  info.sweep = &sweep;
  info.incomplete_reason = incomplete_reason(sweep);

  const bool saved = write_results(o, info, out ? &*out : nullptr, stream ? &*stream : nullptr);
  if (!sweep.stopped_reason.empty()) fmt::print(stderr, "qgemv-bench: sweep stopped: {}\n", sweep.stopped_reason);
  if (sweep.validation_messages > 0) {
    fmt::print(stderr, "qgemv-bench: the validation layer reported {} message(s), first:\n", sweep.validation_messages);
    for (const auto& m : sweep.first_validation_messages) fmt::print(stderr, "  {}\n", m);
  }
  const int code = exit_code_for(sweep, o.validation_layer);
  return code == kExitOk && !saved ? kExitFailed : code;
}

}  // namespace

int run_app(int argc, char** argv) {
  try {
    const auto options = parse_options(argc, argv);
    switch (options.command) {
      case Command::exit_now: return options.exit_code;
      case Command::list_devices: return list_devices(options);
      case Command::compare: return compare_command(options.compare);
      case Command::list_kernels: return list_kernels_command();
      case Command::explain:
        return explain_command(options.explain, options.validation_layer, options.command_line, utc_now());
      case Command::decode: return decode_command(options, utc_now(), host_name());
      case Command::run: return run_sweep_command(options);
    }
  } catch (const UsageError& e) {
    fmt::print(stderr, "qgemv-bench: {}\n", one_line(e.what()));
    return kExitUsage;
  } catch (const EnvironmentError& e) {
    fmt::print(stderr, "qgemv-bench: {}\n", one_line(e.what()));
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "qgemv-bench: error: {}\n", one_line(e.what()));
    return kExitFailed;
  }
  return kExitFailed;
}

}  // namespace qgemv::cli
