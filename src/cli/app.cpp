#include "cli/app.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <utility>

#include "bench/sweep.hpp"
#include "cli/compare_command.hpp"
#include "cli/decode_command.hpp"
#include "cli/options.hpp"
#include "cli/plan.hpp"
#include "report/console_report.hpp"
#include "report/gbench_report.hpp"
#include "report/json_report.hpp"
#include "report/output_file.hpp"
#include "util/error.hpp"
#include "vk/context.hpp"

namespace qgemv::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSignalBase = 128;  // shells report death by signal S as 128 + S
// The --out file is rewritten this often during a sweep, so a crash or a kill loses little.
constexpr std::chrono::seconds kCheckpointInterval{10};

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "signal handlers may only touch lock-free atomics");

extern "C" void on_stop_signal(int signal) {
  g_signal = signal;
  g_interrupted = true;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C (or kill) ends the program at once
}

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
  if (devices.empty()) throw EnvironmentError("no Vulkan device found: install a driver (Debian: mesa-vulkan-drivers)");
  fmt::print("{:<5} {:<40} {:<10} {:<22} {:<8} {}\n", "index", "name", "type", "driver", "api", "subgroup");
  for (const auto& d : devices) {
    fmt::print("{:<5} {:<40} {:<10} {:<22} {:<8} {}\n", d.index, d.name, d.type,
               fmt::format("{} {}", d.driver_name.empty() ? d.driver_id : d.driver_name, d.driver_version),
               d.api_version, d.subgroup_size);
  }
  return kExitOk;
}

// A one-line status on stderr, only when it is a terminal.
std::function<void(const bench::Progress&)> progress_printer(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return {};
  return [](const bench::Progress& p) {
    fmt::print(stderr, "\r\033[K[{}/{}] {:.0f}s {}", p.done + 1, p.total, p.elapsed_s, p.current);
    std::fflush(stderr);
  };
}

int exit_code_for(const bench::SweepResult& sweep, bool validation_layer) {
  if (sweep.incomplete && g_signal != 0) return kExitSignalBase + g_signal;
  if (!sweep.stopped_reason.empty()) return kExitFailed;
  if (validation_layer && sweep.validation_messages > 0) return kExitFailed;
  for (const auto& r : sweep.results) {
    if (r.status == bench::Status::failed) return kExitFailed;
  }
  return kExitOk;
}

std::string result_document(const report::RunInfo& info, const std::string& format) {
  if (format == "gbench") return report::to_gbench_json(info, report::probe_host_cpu()).dump(2) + "\n";
  return report::to_json(info).dump(2) + "\n";
}

std::string incomplete_reason(const bench::SweepResult& sweep) {
  if (!sweep.incomplete) return {};
  if (!sweep.stopped_reason.empty()) return sweep.stopped_reason;
  if (g_signal == SIGINT) return "interrupted by SIGINT";
  if (g_signal == SIGTERM) return "interrupted by SIGTERM";
  return "in progress";
}

// Called after every case: rewrites --out with the results so far, at most every
// kCheckpointInterval. A checkpoint that cannot be written is reported once and the sweep goes on.
std::function<void(const bench::SweepResult&)> checkpoint_writer(const Options& o, const report::RunInfo& info) {
  if (o.out.empty()) return {};
  return [&o, &info, last = std::chrono::steady_clock::time_point{}, warned = false](
             const bench::SweepResult& so_far) mutable {
    const auto now = std::chrono::steady_clock::now();
    if (last != std::chrono::steady_clock::time_point{} && now - last < kCheckpointInterval) return;
    last = now;
    bench::SweepResult snapshot = so_far;  // derived fields only for the cases written, not per case
    bench::fill_derived(snapshot);
    report::RunInfo partial = info;
    partial.sweep = &snapshot;
    partial.incomplete_reason = "in progress";
    try {
      report::write_atomically(o.out, result_document(partial, o.format));
    } catch (const std::exception& e) {
      if (!std::exchange(warned, true)) fmt::print(stderr, "qgemv-bench: checkpoint not written: {}\n", e.what());
    }
  };
}

int run_sweep_command(const Options& o) {
  const auto plan = make_plan(o);
  if (!o.out.empty()) report::check_output_path(o.out, o.force);

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  report::RunInfo info{utc_now(), host_name(), o.command_line, o.validation_layer, &plan, nullptr, {}};
  const auto progress = progress_printer(o.quiet);
  const auto sweep = bench::run_sweep(plan, progress, g_interrupted, checkpoint_writer(o, info));
  if (progress) fmt::print(stderr, "\r\033[K");
  info.sweep = &sweep;
  info.incomplete_reason = incomplete_reason(sweep);

  if (o.tune) sweep.tuning.save(o.tuning);
  if (!o.out.empty()) report::write_atomically(o.out, result_document(info, o.format));
  if (!o.quiet) fmt::print("{}", report::console_table(info));
  if (!sweep.stopped_reason.empty()) fmt::print(stderr, "qgemv-bench: sweep stopped: {}\n", sweep.stopped_reason);
  if (sweep.validation_messages > 0) {
    fmt::print(stderr, "qgemv-bench: the validation layer reported {} message(s), first:\n", sweep.validation_messages);
    for (const auto& m : sweep.first_validation_messages) fmt::print(stderr, "  {}\n", m);
  }
  return exit_code_for(sweep, o.validation_layer);
}

}  // namespace

int run_app(int argc, char** argv) {
  try {
    const auto options = parse_options(argc, argv);
    switch (options.command) {
      case Command::exit_now: return options.exit_code;
      case Command::list_devices: return list_devices(options);
      case Command::compare: return compare_command(options.compare);
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
