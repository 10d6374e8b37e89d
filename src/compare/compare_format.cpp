#include "compare/compare_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

namespace qgemv::compare {
namespace {

using Row = std::vector<std::string>;

constexpr std::array kVerdictOrder = {Verdict::regression, Verdict::failed,   Verdict::missing,
                                      Verdict::inconclusive, Verdict::not_significant, Verdict::improved,
                                      Verdict::ok,         Verdict::skipped,  Verdict::added,
                                      Verdict::no_baseline};

std::string value_cell(std::optional<double> value, Metric metric) {
  if (!value) return "-";
  switch (metric) {
    case Metric::time: return fmt::format("{:.2f} us", *value * 1e6);
    case Metric::gbps: return fmt::format("{:.3f} GB/s", *value);
    case Metric::speedup: return fmt::format("{:.2f}x", *value);
    case Metric::roofline: return fmt::format("{:.1f}%", *value * 100);
  }
  return "-";
}

std::string p_cell(const CaseComparison& c) {
  if (!c.p_value) return c.change ? "n/a" : "-";
  return *c.p_value < 1e-4 ? "<0.0001" : fmt::format("{:.4f}", *c.p_value);
}

std::string verdict_cell(const CaseComparison& c) {
  const auto verdict = std::string(to_string(c.verdict));
  return c.reason.empty() ? verdict : fmt::format("{} ({})", verdict, c.reason);
}

std::vector<Row> table_rows(const Comparison& comparison) {
  std::vector<Row> rows = {{"case", "base median", "new median", "change", "p-value", "verdict"}};
  for (const auto& c : comparison.cases) {
    rows.push_back({c.id.label(), value_cell(c.base, comparison.options.metric),
                    value_cell(c.current, comparison.options.metric),
                    c.change ? fmt::format("{:+.1f}%", *c.change * 100) : "-", p_cell(c), verdict_cell(c)});
  }
  return rows;
}

std::string header(const Comparison& c, bool markdown) {
  const auto& o = c.options;
  const char* br = markdown ? "  \n" : "\n";
  std::string out = fmt::format("compare: metric {}, threshold {:g}%, alpha {:g}{}", to_string(o.metric),
                                o.threshold * 100, o.alpha, br);
  out += fmt::format("BASE {} on {}{}", c.base_label, c.base_device, br);
  out += fmt::format("NEW  {} on {}{}{}", c.new_label, c.new_device, c.new_complete ? "" : " (incomplete)", br);
  return out + "\n";
}

// Says once why some rows have no p-value, instead of repeating it on each.
std::string untested_note(const Comparison& c) {
  const bool any = std::any_of(c.cases.begin(), c.cases.end(),
                               [](const CaseComparison& x) { return x.change && !x.p_value; });
  if (!any) return {};
  return fmt::format("p-value n/a: fewer than {} repetitions on a side (or a version 1 file without them), so the "
                     "threshold alone decides\n",
                     kMinSamplesForTest);
}

std::string summary_line(const Comparison& c) {
  std::vector<std::string> parts;
  for (const auto v : kVerdictOrder) {
    const auto n =
        std::count_if(c.cases.begin(), c.cases.end(), [v](const CaseComparison& x) { return x.verdict == v; });
    if (n > 0) parts.push_back(fmt::format("{} {}", n, to_string(v)));
  }
  if (parts.empty()) parts.push_back("no cases");
  if (c.incomplete_fails) parts.push_back("NEW incomplete (--allow-incomplete accepts it)");
  const int code = exit_code(c);
  return fmt::format("{}: {}", code == 0 ? "PASS" : "FAIL", fmt::join(parts, ", "));
}

std::string render_text(const Comparison& comparison) {
  const auto rows = table_rows(comparison);
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out = header(comparison, false);
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool numeric = c >= 1 && c <= 4;
      if (c + 1 == row.size()) line += row[c];
      else line += numeric ? fmt::format("{:>{}}  ", row[c], width[c]) : fmt::format("{:<{}}  ", row[c], width[c]);
    }
    out += line + "\n";
  }
  return out + "\n" + untested_note(comparison) + summary_line(comparison) + "\n";
}

std::string render_markdown(const Comparison& comparison) {
  const auto rows = table_rows(comparison);
  std::string out = header(comparison, true);
  out += fmt::format("| {} |\n", fmt::join(rows.front(), " | "));
  out += "|:--|--:|--:|--:|--:|:--|\n";
  for (std::size_t r = 1; r < rows.size(); ++r) {
    auto row = rows[r];
    const auto& c = comparison.cases[r - 1];
    if (c.fails) row.back() = "**" + row.back() + "**";
    out += fmt::format("| {} |\n", fmt::join(row, " | "));
  }
  const auto note = untested_note(comparison);
  return out + "\n" + (note.empty() ? "" : note + "\n") + "**" + summary_line(comparison) + "**\n";
}

nlohmann::json optional_json(std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

std::optional<Format> parse_format(std::string_view text) {
  if (text == "text") return Format::text;
  if (text == "markdown") return Format::markdown;
  if (text == "json") return Format::json;
  return std::nullopt;
}

nlohmann::json to_json(const Comparison& comparison) {
  const auto& o = comparison.options;
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : comparison.cases) {
    cases.push_back({{"case", c.id.label()},
                     {"shape", c.id.shape},
                     {"n", c.id.n},
                     {"k", c.id.k},
                     {"group_size", c.id.group_size},
                     {"kernel", c.id.kernel},
                     {"dtype", c.id.dtype},
                     {"storage", c.id.storage},
                     {"base", optional_json(c.base)},
                     {"new", optional_json(c.current)},
                     {"change", optional_json(c.change)},
                     {"p_value", optional_json(c.p_value)},
                     {"base_samples", c.base_samples},
                     {"new_samples", c.new_samples},
                     {"verdict", to_string(c.verdict)},
                     {"reason", c.reason},
                     {"fails", c.fails}});
  }
  return {{"metric", to_string(o.metric)},
          {"unit", o.metric == Metric::time ? "s" : o.metric == Metric::gbps ? "GB/s" : "ratio"},
          {"incomplete_fails", comparison.incomplete_fails},
          {"threshold", o.threshold},
          {"alpha", o.alpha},
          {"min_samples_for_test", kMinSamplesForTest},
          {"base", {{"file", comparison.base_label}, {"device", comparison.base_device}}},
          {"new", {{"file", comparison.new_label}, {"device", comparison.new_device},
                   {"complete", comparison.new_complete}}},
          {"cases", cases},
          {"exit_code", exit_code(comparison)}};
}

std::string render(const Comparison& comparison, Format format) {
  switch (format) {
    case Format::text: return render_text(comparison);
    case Format::markdown: return render_markdown(comparison);
    case Format::json: return to_json(comparison).dump(2) + "\n";
  }
  return {};
}

}  // namespace qgemv::compare
