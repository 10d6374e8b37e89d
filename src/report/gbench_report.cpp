#include "report/gbench_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <tuple>

#include "version.hpp"

namespace qgemv::report {
namespace {

// Ordered, so entries read in the order Google Benchmark writes its fields.
using json = nlohmann::ordered_json;

std::string benchmark_name(const bench::CaseKey& key) {
  return fmt::format("qgemv/{}/{}/{}/{}", key.shape, key.kernel, to_string(key.dtype), to_string(key.storage));
}

// Fields every entry of one case shares, in Google Benchmark's order.
json entry_head(const std::string& name, const std::string& run_name, std::size_t family, const char* run_type,
                std::size_t repetitions) {
  return {{"name", name},
          {"family_index", family},
          {"per_family_instance_index", 0},
          {"run_name", run_name},
          {"run_type", run_type},
          {"repetitions", repetitions}};
}

void add_times(json& entry, std::int64_t iterations, double time_us) {
  entry["iterations"] = iterations;
  entry["real_time"] = time_us;
  // The work runs on the GPU; Google Benchmark's readers need a cpu_time, so it repeats real_time.
  entry["cpu_time"] = time_us;
  entry["time_unit"] = "us";
}

std::string label(const bench::CaseResult& r) {
  std::string out = fmt::format("N={} K={} G={}", r.key.n, r.key.k, r.key.group_size);
  if (r.timing) out += " timer=" + r.timing->timer;
  return out;
}

// A case that produced no trustworthy time: one entry, as Google Benchmark writes a skipped run.
json not_run_entry(const bench::CaseResult& r, std::size_t family) {
  const auto name = benchmark_name(r.key);
  json e = entry_head(name, name, family, "iteration", 1);
  e["repetition_index"] = 0;
  e["threads"] = 1;
  if (r.status == bench::Status::failed) {
    e["error_occurred"] = true;
    e["error_message"] = r.message;
  } else {
    e["skipped"] = true;
    e["skip_message"] = r.message;
  }
  add_times(e, 0, 0);
  e["label"] = label(r);
  return e;
}

// Google Benchmark's repetition is a run of `iterations` timed iterations reporting their mean:
// exactly one of ours (bench::Repetition).
struct Repetition {
  std::int64_t iterations;
  double seconds;  // mean per dispatch
};

std::vector<Repetition> repetitions(const bench::Timing& timing) {
  std::vector<Repetition> out;
  for (const auto& r : timing.repetitions) out.push_back({r.dispatches, r.seconds});
  return out;
}

void add_case(json& benchmarks, const bench::CaseResult& r, std::size_t family) {
  if (r.status != bench::Status::ok || !r.timing || r.timing->repetitions.empty()) {
    benchmarks.push_back(not_run_entry(r, family));
    return;
  }
  const auto name = benchmark_name(r.key);
  const auto reps = repetitions(*r.timing);
  const auto bytes = static_cast<double>(r.bytes.total());
  std::vector<double> seconds, bytes_per_second;
  for (std::size_t i = 0; i < reps.size(); ++i) {
    json e = entry_head(name, name, family, "iteration", reps.size());
    e["repetition_index"] = i;
    e["threads"] = 1;
    add_times(e, reps[i].iterations, reps[i].seconds * 1e6);
    seconds.push_back(reps[i].seconds);
    bytes_per_second.push_back(bytes / reps[i].seconds);
    e["bytes_per_second"] = bytes_per_second.back();
    e["label"] = label(r);
    benchmarks.push_back(std::move(e));
  }
  // As Google Benchmark computes them: statistics over the repetitions, counters included.
  const auto time = bench::summarize(seconds);
  const auto bps = bench::summarize(bytes_per_second);
  const std::array<std::tuple<const char*, double, double>, 3> aggregates = {
      {{"mean", time.mean, bps.mean}, {"median", time.median, bps.median}, {"stddev", time.stddev, bps.stddev}}};
  for (const auto& [aggregate, secs, per_second] : aggregates) {
    json e = entry_head(fmt::format("{}_{}", name, aggregate), name, family, "aggregate", reps.size());
    e["threads"] = 1;
    e["aggregate_name"] = aggregate;
    e["aggregate_unit"] = "time";
    add_times(e, reps.front().iterations, secs * 1e6);
    e["bytes_per_second"] = per_second;
    e["label"] = label(r);
    benchmarks.push_back(std::move(e));
  }
}

std::string first_word(const std::string& command_line) { return command_line.substr(0, command_line.find(' ')); }

std::string read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

HostCpu probe_host_cpu() {
  HostCpu cpu;
  cpu.num_cpus = static_cast<int>(std::thread::hardware_concurrency());
  // x86 lists "cpu MHz"; ARM does not, where cpufreq's maximum (in kHz) is what there is.
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("cpu MHz", 0) == 0 && line.find(':') != std::string::npos) {
      cpu.mhz_per_cpu = std::lround(std::atof(line.c_str() + line.find(':') + 1));
      break;
    }
  }
  if (cpu.mhz_per_cpu == 0) {
    const auto khz = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    cpu.mhz_per_cpu = std::atol(khz.c_str()) / 1000;
  }
  // Google Benchmark's rule: scaling is on when a governor other than "performance" is active.
  const auto governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  cpu.cpu_scaling_enabled = !governor.empty() && governor != "performance";
  std::ifstream loadavg("/proc/loadavg");
  double load = 0;
  for (int i = 0; i < 3 && loadavg >> load; ++i) cpu.load_avg.push_back(load);
  return cpu;
}

nlohmann::ordered_json to_gbench_json(const RunInfo& info, const HostCpu& cpu) {
  const auto& sweep = *info.sweep;
  const auto& d = sweep.device;
  // Google Benchmark's own context keys first; ours follow as string key/values, the form its
  // AddCustomContext gives extra context.
  json context = {{"date", info.date},
                  {"host_name", info.host},
                  {"executable", first_word(info.command_line)},
                  {"num_cpus", cpu.num_cpus},
                  {"mhz_per_cpu", cpu.mhz_per_cpu},
                  {"cpu_scaling_enabled", cpu.cpu_scaling_enabled},
                  {"caches", json::array()},
                  {"load_avg", cpu.load_avg},
#ifdef NDEBUG
                  {"library_build_type", "release"},
#else
                  {"library_build_type", "debug"},
#endif
                  {"qgemv_version", fmt::format("{} ({})", build_info::kVersion, build_info::kGitCommit)},
                  {"device_name", d.name},
                  {"device_type", d.type},
                  {"device_vendor_device_id", fmt::format("0x{:04x}:0x{:04x}", d.vendor_id, d.device_id)},
                  {"driver",
                   fmt::format("{} {}", d.driver_name.empty() ? d.driver_id : d.driver_name, d.driver_version)},
                  {"driver_info", d.driver_info},
                  {"vulkan_api_version", d.api_version},
                  {"shapes_file", info.plan->shapes.name},
                  {"complete", sweep.incomplete ? "false" : "true"},
                  {"incomplete_reason", sweep.incomplete ? info.incomplete_reason : ""},
                  {"command_line", info.command_line}};
  json benchmarks = json::array();
  for (std::size_t i = 0; i < sweep.results.size(); ++i) add_case(benchmarks, sweep.results[i], i);
  return {{"context", context}, {"benchmarks", benchmarks}};
}

}  // namespace qgemv::report
