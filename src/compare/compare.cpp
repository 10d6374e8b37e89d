#include "compare/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "bench/statistics.hpp"
#include "compare/mann_whitney.hpp"
#include "compare/settings_check.hpp"
#include "util/error.hpp"

namespace qgemv::compare {
namespace {

// The metric per repetition (version 1: per dispatch), for the U test; empty where there are none.
std::vector<double> metric_samples(const CaseRecord& c, Metric metric, std::optional<double> read_gbps) {
  if (metric == Metric::time) return c.samples_s;
  if (metric == Metric::speedup) return c.speedup_ratios;
  std::vector<double> out;
  if (metric == Metric::roofline && !read_gbps) return out;
  for (double s : c.samples_s) {
    const double gbps = static_cast<double>(c.bytes_total) / s / 1e9;
    out.push_back(metric == Metric::gbps ? gbps : gbps / *read_gbps);
  }
  return out;
}

// The median of the metric: of its samples where there are any, else from the recorded median.
std::optional<double> metric_value(const CaseRecord& c, Metric metric, const std::vector<double>& samples,
                                   std::optional<double> read_gbps) {
  if (metric == Metric::speedup) return c.speedup_vs_legacy;
  if (!samples.empty()) return bench::summarize(samples).median;
  if (!c.median_s || *c.median_s <= 0) return std::nullopt;
  const double gbps = static_cast<double>(c.bytes_total) / *c.median_s / 1e9;
  switch (metric) {
    case Metric::time: return *c.median_s;
    case Metric::gbps: return gbps;
    case Metric::roofline: return read_gbps ? std::optional(gbps / *read_gbps) : std::nullopt;
    case Metric::speedup: break;
  }
  return std::nullopt;
}

bool unstable_for(const CaseRecord& c, Metric metric) {
  return metric == Metric::speedup ? c.speedup_unstable : c.unstable;
}

// Fills base/current/change/p_value and the verdict of a case that ran ok in NEW.
void judge(const CaseRecord& base, const CaseRecord& current, const Comparison& c, CaseComparison& out) {
  const auto& o = c.options;
  if (base.status != "ok") {
    out.verdict = Verdict::no_baseline;
    out.reason = fmt::format("{} in BASE", base.status);
    return;
  }
  const auto base_samples = metric_samples(base, o.metric, c.base_read_gbps);
  const auto new_samples = metric_samples(current, o.metric, c.new_read_gbps);
  out.base = metric_value(base, o.metric, base_samples, c.base_read_gbps);
  out.current = metric_value(current, o.metric, new_samples, c.new_read_gbps);
  out.base_samples = base_samples.size();
  out.new_samples = new_samples.size();
  if (!out.base || *out.base <= 0 || !out.current) {
    out.verdict = Verdict::no_baseline;
    out.reason = fmt::format("no {} in {}", to_string(o.metric), out.base ? "NEW" : "BASE");
    return;
  }
  out.change = *out.current / *out.base - 1;
  // Drifting repetitions are not a measurement to judge by, in either direction.
  if (unstable_for(base, o.metric) || unstable_for(current, o.metric)) {
    out.verdict = Verdict::inconclusive;
    out.reason = unstable_for(current, o.metric) ? "unstable in NEW" : "unstable in BASE";
    const auto& why = unstable_for(current, o.metric) ? current.unstable_reason : base.unstable_reason;
    if (!why.empty() && o.metric != Metric::speedup) out.reason += ": " + why;
    return;
  }
  // Time grows when things get worse; bandwidth and speedup shrink.
  const double worsening = o.metric == Metric::time ? *out.change : -*out.change;
  const bool testable = out.base_samples >= kMinSamplesForTest && out.new_samples >= kMinSamplesForTest;
  if (testable) out.p_value = mann_whitney_u(base_samples, new_samples).p_value;
  const bool significant = !testable || *out.p_value < o.alpha;

  if (worsening > o.threshold) {
    if (significant) {
      out.verdict = Verdict::regression;
      out.fails = true;
      if (!testable) out.reason = "threshold only";
    } else {
      out.verdict = Verdict::not_significant;
      out.reason = fmt::format("p {:.3g} >= alpha {:.3g}", *out.p_value, o.alpha);
    }
  } else if (-worsening > o.threshold && significant) {
    out.verdict = Verdict::improved;
    if (!testable) out.reason = "threshold only";
  }
}

CaseComparison compare_case(const CaseRecord& base, const CaseRecord* current, const Comparison& c) {
  CaseComparison out;
  out.id = base.id;
  const auto& o = c.options;
  if (!current) {
    out.verdict = Verdict::missing;
    out.reason = c.new_complete ? "not in NEW" : "not in NEW, which was interrupted";
    out.fails = !o.allow_missing;
    if (o.allow_missing) out.reason += "; allowed";
  } else if (current->status == "failed") {
    out.verdict = Verdict::failed;
    out.reason = current->message;
    out.fails = true;
  } else if (current->status == "skipped") {
    const bool both = base.status == "skipped";
    out.verdict = both ? Verdict::skipped : Verdict::missing;
    out.reason = both ? current->message : "skipped in NEW: " + current->message;
    out.fails = !both && !o.allow_missing;
    if (!both && o.allow_missing) out.reason += "; allowed";
  } else {
    judge(base, *current, c, out);
  }
  return out;
}

}  // namespace

Comparison compare(const ResultDocument& base, const ResultDocument& current, const Options& options) {
  if (base.device_name != current.device_name && !options.allow_device_change) {
    throw UsageError(fmt::format("the runs used different devices: BASE {} on \"{}\", NEW {} on \"{}\" "
                                 "(--allow-device-change compares them anyway)",
                                 base.label, base.device_name, current.label, current.device_name));
  }
  if (!options.allow_settings_change) check_same_settings(base, current);
  Comparison out;
  out.options = options;
  out.base_label = base.label;
  out.new_label = current.label;
  out.base_device = base.device_name;
  out.new_device = current.device_name;
  out.new_complete = current.complete;
  out.incomplete_fails = !current.complete && !options.allow_incomplete;
  out.base_read_gbps = base.read_gbps;
  out.new_read_gbps = current.read_gbps;
  const auto find = [](const ResultDocument& doc, const CaseId& id) -> const CaseRecord* {
    const auto it = std::find_if(doc.cases.begin(), doc.cases.end(), [&](const CaseRecord& c) { return c.id == id; });
    return it == doc.cases.end() ? nullptr : &*it;
  };
  for (const auto& b : base.cases) out.cases.push_back(compare_case(b, find(current, b.id), out));
  for (const auto& n : current.cases) {
    if (find(base, n.id)) continue;
    CaseComparison added;
    added.id = n.id;
    added.verdict = Verdict::added;
    added.reason = "not in BASE";
    // A case new to the sweep that fails validation still fails the gate.
    if (n.status == "failed") {
      added.verdict = Verdict::failed;
      added.reason = n.message;
      added.fails = true;
    }
    out.cases.push_back(std::move(added));
  }
  return out;
}

int exit_code(const Comparison& comparison) {
  const bool fails = std::any_of(comparison.cases.begin(), comparison.cases.end(),
                                 [](const CaseComparison& c) { return c.fails; });
  return fails || comparison.incomplete_fails ? 1 : 0;
}

double parse_threshold(std::string_view text) {
  std::string_view number = text;
  if (!number.empty() && number.back() == '%') number.remove_suffix(1);
  // strtod on a copy rather than std::from_chars: the NDK's libc++ has no floating-point from_chars.
  const std::string copy(number);
  char* end = nullptr;
  errno = 0;
  const double percent = copy.empty() ? 0 : std::strtod(copy.c_str(), &end);
  const bool digits_only =
      !copy.empty() && (std::isdigit(static_cast<unsigned char>(copy.front())) || copy.front() == '.');
  if (!digits_only || errno != 0 || end != copy.c_str() + copy.size() || !std::isfinite(percent) || percent < 0) {
    throw UsageError(fmt::format("--threshold {}: expected a non-negative percentage such as 5%", text));
  }
  return percent / 100;
}

std::optional<Metric> parse_metric(std::string_view text) {
  if (text == "time") return Metric::time;
  if (text == "gbps") return Metric::gbps;
  if (text == "speedup") return Metric::speedup;
  if (text == "roofline") return Metric::roofline;
  return std::nullopt;
}

std::string_view to_string(Metric metric) {
  switch (metric) {
    case Metric::time: return "time";
    case Metric::gbps: return "gbps";
    case Metric::speedup: return "speedup";
    case Metric::roofline: return "roofline";
  }
  return "?";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok: return "ok";
    case Verdict::improved: return "improved";
    case Verdict::regression: return "REGRESSION";
    case Verdict::not_significant: return "not significant";
    case Verdict::missing: return "missing";
    case Verdict::failed: return "FAILED";
    case Verdict::skipped: return "skipped";
    case Verdict::added: return "new";
    case Verdict::no_baseline: return "no baseline";
    case Verdict::inconclusive: return "INCONCLUSIVE";
  }
  return "?";
}

}  // namespace qgemv::compare
