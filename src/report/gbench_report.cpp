#include "report/gbench_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

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

// A case with no trustworthy time: one entry as Google Benchmark 1.7.1 writes a run that called
// SkipWithError, its only way to say a benchmark did not run (1.8 added "skipped").
json error_entry(const bench::CaseResult& r, std::size_t family) {
  const auto name = benchmark_name(r.key);
  json e = entry_head(name, name, family, "iteration", 1);
  e["repetition_index"] = 0;
  e["threads"] = 1;
  e["error_occurred"] = true;
  e["error_message"] = r.status == bench::Status::skipped ? "skipped: " + r.message : r.message;
  add_times(e, 0, 0);
  e["label"] = label(r);
  return e;
}

struct Aggregate {
  const char* name;
  const char* unit;  // Google Benchmark's aggregate_unit
  double seconds;
  double bytes_per_second;
};

// Google Benchmark's statistics over the repetitions, applied to the time and to each counter alike.
std::vector<Aggregate> aggregates(const std::vector<double>& seconds, const std::vector<double>& bytes_per_second) {
  const auto t = bench::summarize(seconds), b = bench::summarize(bytes_per_second);
  return {{"mean", "time", t.mean, b.mean},
          {"median", "time", t.median, b.median},
          {"stddev", "time", t.stddev, b.stddev},
          {"cv", "percentage", t.stddev / t.mean, b.stddev / b.mean}};
}

void add_case(json& benchmarks, const bench::CaseResult& r, std::size_t family, GbenchEntries entries) {
  if (r.status != bench::Status::ok || !r.timing || r.timing->repetitions.empty()) {
    benchmarks.push_back(error_entry(r, family));
    return;
  }
  const auto name = benchmark_name(r.key);
  const auto& reps = r.timing->repetitions;
  const auto bytes = static_cast<double>(r.bytes.total());
  std::vector<double> seconds, bytes_per_second;
  json runs = json::array();
  for (std::size_t i = 0; i < reps.size(); ++i) {
    json e = entry_head(name, name, family, "iteration", reps.size());
    e["repetition_index"] = i;
    e["threads"] = 1;
    add_times(e, reps[i].dispatches, reps[i].seconds * 1e6);
    seconds.push_back(reps[i].seconds);
    bytes_per_second.push_back(bytes / reps[i].seconds);
    e["bytes_per_second"] = bytes_per_second.back();
    e["label"] = label(r);
    runs.push_back(std::move(e));
  }
  // Google Benchmark computes no statistics over a single repetition, and writes the runs of a
  // benchmark without aggregates even when asked for aggregates only.
  if (reps.size() < 2 || entries == GbenchEntries::every_repetition) {
    for (auto& e : runs) benchmarks.push_back(std::move(e));
  }
  if (reps.size() < 2) return;
  for (const auto& a : aggregates(seconds, bytes_per_second)) {
    if (entries == GbenchEntries::median_only && std::string_view(a.name) != "median") continue;
    json e = entry_head(fmt::format("{}_{}", name, a.name), name, family, "aggregate", reps.size());
    e["threads"] = 1;
    e["aggregate_name"] = a.name;
    e["aggregate_unit"] = a.unit;
    // A percentage aggregate is a plain fraction in every field, as Google Benchmark writes it.
    const double time = std::string_view(a.unit) == "time" ? a.seconds * 1e6 : a.seconds;
    add_times(e, static_cast<std::int64_t>(reps.size()), time);
    e["bytes_per_second"] = a.bytes_per_second;
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

std::optional<GbenchEntries> gbench_entries(std::string_view format) {
  if (format == "gbench") return GbenchEntries::every_repetition;
  if (format == "gbench-aggregates") return GbenchEntries::aggregates_only;
  if (format == "gbench-median") return GbenchEntries::median_only;
  return std::nullopt;
}

nlohmann::ordered_json to_gbench_json(const RunInfo& info, const HostCpu& cpu, GbenchEntries entries) {
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
  for (std::size_t i = 0; i < sweep.results.size(); ++i) add_case(benchmarks, sweep.results[i], i, entries);
  return {{"context", context}, {"benchmarks", benchmarks}};
}

}  // namespace qgemv::report
