#pragma once
// The regression gate: pairs the cases of a BASE and a NEW result document and gives each a
// verdict. Pure: no printing, no files (see result_document.hpp for reading, compare_format.hpp
// for tables).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compare/result_document.hpp"

namespace qgemv::compare {

// time: median GPU seconds per dispatch (higher is worse). gbps: bytes.total / time (lower is
// worse). speedup: over the baseline kernel, paired repetition by repetition within one run (lower
// is worse; a version 1 file has one ratio, so the threshold alone decides). roofline: the
// fraction of the same run's read bandwidth (lower is worse): cancels a machine that is uniformly
// slower today, not a kernel that is.
enum class Metric { time, gbps, speedup, roofline };

struct Options {
  double threshold = 0.05;  // a fraction: 0.05 = 5 %
  Metric metric = Metric::time;
  double alpha = 0.05;
  bool allow_missing = false;
  bool allow_device_change = false;
  bool allow_settings_change = false;  // else UsageError when the runs were measured differently
  bool allow_incomplete = false;       // else an incomplete NEW fails the gate
};

// The U test (over repetitions) is used only with at least this many on both sides; below it the normal
// approximation is poor and the threshold alone decides.
inline constexpr std::size_t kMinSamplesForTest = 9;

enum class Verdict {
  ok,
  improved,         // better than the threshold (and significant where testable); never fails
  regression,       // worse than the threshold and significant where testable
  not_significant,  // worse than the threshold but p >= alpha
  missing,          // in BASE, not run ok in NEW (absent, or skipped where BASE ran it)
  failed,           // status failed in NEW
  skipped,          // skipped in both
  added,            // in NEW only
  no_baseline,      // BASE has no value for the metric (failed or skipped there, no speedup)
  inconclusive,     // unstable (drifting repetitions) in BASE or NEW: neither a pass nor a regression
};

struct CaseComparison {
  CaseId id;
  std::optional<double> base;        // median of the metric
  std::optional<double> current;     // median of the metric in NEW
  std::optional<double> change;      // current / base - 1
  std::optional<double> p_value;     // when the U test ran
  std::size_t base_samples = 0;
  std::size_t new_samples = 0;
  Verdict verdict = Verdict::ok;
  std::string reason;  // why not_significant / missing / failed / threshold only, for people
  bool fails = false;  // makes the gate exit 1
};

struct Comparison {
  Options options;
  std::string base_label, new_label;
  std::string base_device, new_device;
  bool new_complete = true;
  bool incomplete_fails = false;  // NEW is incomplete and that was not allowed
  std::optional<double> base_read_gbps, new_read_gbps;  // each run's roofline, for Metric::roofline
  std::vector<CaseComparison> cases;  // BASE order, then cases only NEW has
};

// UsageError when the devices differ and options.allow_device_change is false, or when the runs
// were measured with different settings (settings_check.hpp) and allow_settings_change is false.
Comparison compare(const ResultDocument& base, const ResultDocument& current, const Options& options);

// 0 nothing fails, 1 a regression, a failed case, a missing one or an incomplete NEW (unless allowed).
int exit_code(const Comparison& comparison);

// "5%" and "5" both mean five percent (the sign is optional; the number is always in percent).
// UsageError for anything else, or a negative value.
double parse_threshold(std::string_view text);
std::optional<Metric> parse_metric(std::string_view text);
std::string_view to_string(Metric metric);
std::string_view to_string(Verdict verdict);  // "ok", "improved", "REGRESSION", ...

}  // namespace qgemv::compare
