#pragma once
// The run as Google Benchmark's JSON (--format gbench), so tools written for it (compare.py from
// Debian's libbenchmark-tools, github-action-benchmark's "googlecpp" reader) read it unchanged.
#include <nlohmann/json.hpp>

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

// Per case, "iteration" entries (one per timed dispatch, iterations 1, when there are at most 100;
// else 100 runs of consecutive dispatches, iterations = run length, times = its mean), real_time =
// cpu_time = GPU time in us, with bytes_per_second; then mean, median and stddev aggregates over
// those entries. A failed case is one entry with error_occurred/error_message, a skipped one
// an entry with skipped/skip_message (Google Benchmark 1.8's SkipWithError/SkipWithMessage), both
// with zero times and no aggregates.
nlohmann::ordered_json to_gbench_json(const RunInfo& info, const HostCpu& cpu);

}  // namespace qgemv::report
