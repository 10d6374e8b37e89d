#include "report/table_stream.hpp"

#include <fmt/format.h>

#include <utility>

#include "report/console_report.hpp"

namespace qgemv::report {

bench::CaseResult newest_with_derived(const bench::SweepResult& so_far) {
  const auto& last = so_far.results.back();
  // Only the cases it can be compared with, not a copy of every result (and its samples).
  std::vector<bench::CaseResult> peers;
  for (const auto& r : so_far.results) {
    const bool same = r.key.shape == last.key.shape && r.key.dtype == last.key.dtype &&
                      r.key.storage == last.key.storage && r.key.group_size == last.key.group_size;
    if (same && &r != &last) peers.push_back(r);
  }
  peers.push_back(last);
  bench::fill_speedups(peers);
  if (so_far.roofline) bench::fill_roofline_fractions(peers, so_far.roofline->read_gbps);
  return peers.back();
}

TableStream::TableStream(TableFormat format, const bench::SweepPlan& plan, std::FILE* out)
    : format_(format), widths_(planned_widths(plan)), out_(out) {}

void TableStream::print(const std::string& text) {
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
}

void TableStream::start(const bench::SweepResult& sweep) {
  if (std::exchange(started_, true)) return;
  switch (format_) {
    case TableFormat::console: print(console_heading(sweep) + render_line(header_row(CellStyle::text), widths_)); break;
    case TableFormat::markdown:
      print(console_heading(sweep) + "\n" + markdown_line(header_row(CellStyle::text)) + markdown_separator());
      break;
    case TableFormat::csv: print(csv_line(header_row(CellStyle::csv))); break;
  }
}

void TableStream::case_done(const bench::SweepResult& so_far) {
  if (so_far.results.empty()) return;
  start(so_far);
  const auto result = newest_with_derived(so_far);
  switch (format_) {
    case TableFormat::console: print(render_line(table_row(result, CellStyle::text), widths_)); break;
    case TableFormat::markdown: print(markdown_line(table_row(result, CellStyle::text))); break;
    case TableFormat::csv: print(csv_line(table_row(result, CellStyle::csv))); break;
  }
}

void TableStream::finish(const RunInfo& info) {
  start(*info.sweep);
  switch (format_) {
    case TableFormat::console: print(console_summary(info)); break;
    case TableFormat::markdown: print(markdown_summary(info)); break;
    case TableFormat::csv: break;  // rows only: the file stays one table
  }
}

}  // namespace qgemv::report
