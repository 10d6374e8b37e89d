#include "report/console_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "bench/model_view.hpp"
#include "kernels/kernel_table.hpp"

namespace qgemv::report {
namespace {

// Room for numbers such as "12345.67", "±12.3%" and "123.45x" in rows streamed before all are known.
constexpr std::size_t kNumberWidth = 8;
// "coop_tuned [t128.b2.u4.subgroup]": a tunable kernel's cell carries its configuration.
constexpr std::size_t kConfigWidth = 22;

// The displayed width of a cell: "±" is two bytes in UTF-8 but one column.
std::size_t display_width(const std::string& cell) {
  return static_cast<std::size_t>(std::count_if(cell.begin(), cell.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::vector<std::size_t> widths_of(const std::vector<Row>& rows) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
  }
  return width;
}

std::string model_footer(const RunInfo& info) {
  const auto estimates = bench::estimate_tokens(info.sweep->results, info.plan->shapes.shapes.size());
  if (estimates.empty()) return {};
  std::string out = fmt::format("\nPer token ({}, {} layers): GEMV time, weight traffic, tokens/s bound\n",
                                info.plan->shapes.name, info.plan->shapes.layers);
  for (const auto& e : estimates) {
    if (!e.complete) {
      out += fmt::format("  {:<24} incomplete (a shape did not run, or not ok)\n",
                         fmt::format("{} {} {}", e.kernel, to_string(e.dtype), to_string(e.storage)));
      continue;
    }
    out += fmt::format("  {:<24} {:>10.1f} us/token  {:>8.1f} MB moved/token  {:>9.1f} tokens/s\n",
                       fmt::format("{} {} {}", e.kernel, to_string(e.dtype), to_string(e.storage)),
                       e.seconds_per_token * 1e6, e.bytes_per_token * 1e-6, e.tokens_per_second);
  }
  return out;
}

std::string roofline_footer(const bench::SweepResult& sweep) {
  if (sweep.roofline) {
    const auto& r = *sweep.roofline;
    return fmt::format("\nRoofline ({} MiB buffers, same run): read {:.1f} GB/s, copy {:.1f} GB/s; "
                       "\"roofline\" above is GB/s over the read bandwidth\n",
                       r.buffer_bytes >> 20, r.read_gbps, r.copy_gbps);
  }
  if (!sweep.roofline_error.empty()) return "\nRoofline not measured: " + sweep.roofline_error + "\n";
  return {};
}

// Says what a symmetric kernel's speedup means, when one ran: legacy is affine.
std::string quantization_footer(const bench::SweepResult& sweep) {
  std::vector<std::string> symmetric;
  for (const auto& r : sweep.results) {
    if (kernels::quantization_of(r.key.kernel) == quant::Quantization::symmetric &&
        std::find(symmetric.begin(), symmetric.end(), r.key.kernel) == symmetric.end()) {
      symmetric.push_back(r.key.kernel);
    }
  }
  if (symmetric.empty()) return {};
  return fmt::format("\n{} {} symmetric (scales only), run on the same codes, scales and input with zeros 0;\n"
                     "its \"speedup\" is still over legacy (affine) of the same shape, dtype and storage\n",
                     fmt::join(symmetric, ", "), symmetric.size() == 1 ? "is" : "are");
}

}  // namespace

std::string render_line(const Row& row, const std::vector<std::size_t>& widths) {
  const auto& columns = table_columns();
  std::string line;
  for (std::size_t c = 0; c < row.size(); ++c) {
    // Numbers right-aligned, text left-aligned; the last column is never padded.
    if (c + 1 == row.size()) {
      line += row[c];
      break;
    }
    const std::string pad(widths[c] - std::min(widths[c], display_width(row[c])), ' ');
    line += columns[c].numeric ? pad + row[c] + "  " : row[c] + pad + "  ";
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::vector<std::size_t> planned_widths(const bench::SweepPlan& plan) {
  std::vector<Row> rows = {header_row(CellStyle::text)};
  for (const auto& key : bench::planned_cases(plan)) {
    bench::CaseResult placeholder;
    placeholder.key = key;
    rows.push_back(table_row(placeholder, CellStyle::text));
  }
  auto widths = widths_of(rows);
  const auto& columns = table_columns();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].numeric) widths[c] = std::max(widths[c], kNumberWidth);
  }
  const bool tunable = std::any_of(plan.kernels.begin(), plan.kernels.end(), [](const auto* k) { return k->tunable; });
  if (tunable) widths[3] += kConfigWidth;
  return widths;
}

std::string console_heading(const bench::SweepResult& sweep) {
  return fmt::format("qgemv-bench on {} ({}, driver {} {})\n", sweep.device.name, sweep.device.type,
                     sweep.device.driver_name, sweep.device.driver_version);
}

std::string console_summary(const RunInfo& info) {
  const auto& sweep = *info.sweep;
  std::string out = roofline_footer(sweep);
  out += quantization_footer(sweep);
  out += model_footer(info);
  if (sweep.device_rebuilds > 0) {
    out += fmt::format("\nThe device was re-created {} time(s) after a lost device or a hung submission.\n",
                       sweep.device_rebuilds);
  }
  if (sweep.incomplete) {
    out += fmt::format("\nINCOMPLETE ({}): the results above are what the sweep measured.\n", info.incomplete_reason);
  }
  return out;
}

std::string console_table(const RunInfo& info) {
  std::vector<Row> rows = {header_row(CellStyle::text)};
  for (const auto& r : info.sweep->results) rows.push_back(table_row(r, CellStyle::text));
  const auto widths = widths_of(rows);
  std::string out = console_heading(*info.sweep);
  for (const auto& row : rows) out += render_line(row, widths);
  return out + console_summary(info);
}

}  // namespace qgemv::report
