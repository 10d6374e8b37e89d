#pragma once
// The run as Google Benchmark's JSON (--format gbench), so tools written for it (compare.py from
// Debian's libbenchmark-tools, github-action-benchmark's "googlecpp" reader) read it unchanged.
// The keys, their order and their JSON types are those libbenchmark 1.7.1's JSON reporter writes
// (tests/integration/test_gbench_format.cpp checks them against a program built with it).
#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "report/run_info.hpp"

namespace qgemv::report {

// What Google Benchmark's context reports about the host CPU.
struct HostCpu {
  int num_cpus = 0;
  long mhz_per_cpu = 0;  // 0 when the system does not say
  bool cpu_scaling_enabled = false;
  std::vector<double> load_avg;
};

// Reads /proc and /sys like Google Benchmark does on Linux and Android; zeros where absent.
HostCpu probe_host_cpu();

// Which entries are written: Google Benchmark's default; its --benchmark_report_aggregates_only;
// or of the aggregates the median alone, for github-action-benchmark, which compares every entry
// of a run with the same-named entry of the previous run as a time where smaller is better: a
// stddev or cv of an unchanged binary can move by far more than its 200% alert threshold, and so
// can a mean with an outlier, while the median holds (docs/ci.md).
enum class GbenchEntries { every_repetition, aggregates_only, median_only };

// The --format values this writer serves: "gbench", "gbench-aggregates" and "gbench-median";
// nullopt for others.
std::optional<GbenchEntries> gbench_entries(std::string_view format);

// Per case, one "iteration" entry per repetition (iterations = its dispatches, real_time =
// cpu_time = its mean GPU time per dispatch in us, bytes_per_second), then, with two or more
// repetitions, the mean, median, stddev and cv aggregates over them (iterations = the number of
// repetitions, as Google Benchmark writes it). aggregates_only drops the per-repetition entries of
// cases that have aggregates, median_only also every aggregate but the median. A failed or skipped
// case is one entry with error_occurred and error_message (1.7.1 has no separate "skipped") and
// zero times.
nlohmann::ordered_json to_gbench_json(const RunInfo& info, const HostCpu& cpu,
                                      GbenchEntries entries = GbenchEntries::every_repetition);

}  // namespace qgemv::report
