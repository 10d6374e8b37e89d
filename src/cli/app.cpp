#include "cli/app.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <utility>

#include "bench/sweep.hpp"
#include "cli/compare_command.hpp"
#include "cli/options.hpp"
#include "report/console_report.hpp"
#include "report/gbench_report.hpp"
#include "report/json_report.hpp"
#include "report/output_file.hpp"
#include "util/error.hpp"
#include "util/suggest.hpp"
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

template <typename T, typename Parse>
std::vector<T> parse_list(const std::vector<std::string>& names, const char* flag, Parse parse) {
  std::vector<T> out;
  for (const auto& name : names) {
    const auto value = parse(name);
    if (!value) {
      throw UsageError(fmt::format("{} {}: unknown value{}", flag, name, suggestion(name, value_names<T>())));
    }
    if (std::find(out.begin(), out.end(), *value) == out.end()) out.push_back(*value);
  }
  if (out.empty()) throw UsageError(fmt::format("{}: give at least one value", flag));
  return out;
}

std::uint64_t parse_cold_cache(const std::string& text) {
  if (text == "off") return 0;
  if (text == "auto") return bench::kDefaultColdCacheBytes;
  std::size_t used = 0;
  unsigned long long mib = 0;
  try {
    mib = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  constexpr unsigned long long kMaxMib = 1ull << 24;  // 16 TiB: the shift to bytes cannot overflow
  if (used != text.size() || mib == 0 || mib > kMaxMib || text.starts_with('-')) {
    throw UsageError(fmt::format("--cold-cache {}: expected off, auto or a number of MiB from 1 to {}", text, kMaxMib));
  }
  return mib << 20;
}

void configure_tuning(const Options& o, bench::SweepPlan& plan) {
  if (o.tune && o.tuning.empty()) throw UsageError("--tune needs --tuning FILE to write the configurations to");
  if (!o.tuning.empty() && (!o.tune || std::filesystem::exists(o.tuning))) {
    plan.tuning = bench::TuningTable::load(o.tuning);
  }
  plan.tune = o.tune;
  // Candidates are compared with each other only, so a shorter timing per candidate suffices.
  plan.tune_settings = plan.settings;
  plan.tune_settings.timing.warmup = std::min(plan.settings.timing.warmup, 3);
  plan.tune_settings.timing.min_samples = std::min(plan.settings.timing.min_samples, 20);
  plan.tune_settings.timing.min_time_s = std::min(plan.settings.timing.min_time_s, 0.02);
  plan.tune_settings.timing.max_time_s = std::min(plan.settings.timing.max_time_s, 1.0);
  plan.tune_settings.dump_dir.reset();
}

// Test hook (tests/integration/test_reliability.cpp): no driver loses its device on demand.
std::optional<std::size_t> fault_injection_case() {
  const char* value = std::getenv("QGEMV_FAULT_DEVICE_LOST_AT_CASE");
  if (value == nullptr || *value == '\0') return std::nullopt;
  char* end = nullptr;
  const auto index = std::strtoull(value, &end, 10);
  if (*end != '\0') throw UsageError(fmt::format("QGEMV_FAULT_DEVICE_LOST_AT_CASE={}: expected a case index", value));
  return static_cast<std::size_t>(index);
}

bench::SweepPlan make_plan(const Options& o) {
  bench::SweepPlan plan;
  if (o.group_size && (*o.group_size <= 0 || *o.group_size % 32 != 0)) {
    throw UsageError(fmt::format("--group-size {}: must be a positive multiple of 32", *o.group_size));
  }
  plan.shapes = config::load_shapes(o.shapes, o.group_size);
  if (o.kernels.empty()) {
    plan.kernels = kernels::default_kernels();
  } else {
    for (const auto& name : o.kernels) plan.kernels.push_back(&kernels::find_kernel(name));
  }
  plan.dtypes = parse_list<DType>(o.dtypes, "--dtype", parse_dtype);
  plan.storages = parse_list<Storage>(o.storages, "--storage", parse_storage);
  plan.seed = o.seed;
  plan.settings.timing.warmup = o.warmup;
  plan.settings.timing.min_samples = o.repetitions;
  plan.settings.timing.min_time_s = o.min_time;
  plan.settings.timing.max_time_s = o.max_time;
  plan.settings.cold_cache_bytes = parse_cold_cache(o.cold_cache);
  plan.roofline = o.roofline == "on";
  configure_tuning(o, plan);
  plan.settings.validate = !o.no_validate;
  if (!o.dump.empty()) plan.settings.dump_dir = o.dump;
  plan.settings.max_binding_bytes = o.max_binding_mib << 20;
  plan.context_options = {o.device, o.validation_layer, o.gpu_timeout};
  plan.device_lost_at_case = fault_injection_case();
  return plan;
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
    report::RunInfo partial = info;
    partial.sweep = &so_far;
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
