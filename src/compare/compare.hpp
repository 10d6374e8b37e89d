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

// time: median GPU seconds (higher is worse). gbps: bytes.total / time (lower is worse).
// speedup: speedup_vs_legacy, coop over legacy measured in one run (lower is worse); it has no raw
// samples, so the threshold alone decides.
enum class Metric { time, gbps, speedup };

struct Options {
  double threshold = 0.05;  // a fraction: 0.05 = 5 %
  Metric metric = Metric::time;
  double alpha = 0.05;
  bool allow_missing = false;
  bool allow_device_change = false;
};

// The U test is used only with at least this many samples on both sides; below it the normal
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
  std::vector<CaseComparison> cases;  // BASE order, then cases only NEW has
};

// UsageError when the devices differ and options.allow_device_change is false.
Comparison compare(const ResultDocument& base, const ResultDocument& current, const Options& options);

// 0 nothing fails, 1 a regression, a failed case or a missing one (unless allowed).
int exit_code(const Comparison& comparison);

// "5%" and "5" both mean five percent (the sign is optional; the number is always in percent).
// UsageError for anything else, or a negative value.
double parse_threshold(std::string_view text);
std::optional<Metric> parse_metric(std::string_view text);
std::string_view to_string(Metric metric);
std::string_view to_string(Verdict verdict);  // "ok", "improved", "REGRESSION", ...

}  // namespace qgemv::compare
