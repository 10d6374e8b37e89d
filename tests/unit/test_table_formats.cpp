// The results table's cells and formats: spread, CSV and markdown escaping, streamed rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "report/console_report.hpp"
#include "report/spread.hpp"
#include "report/table_formats.hpp"
#include "report/table_rows.hpp"
#include "report/table_stream.hpp"

namespace qgemv::report {
namespace {

bench::CaseResult timed(std::string shape, std::string kernel, double median_s, double stddev_s) {
  bench::CaseResult r;
  r.key = {std::move(shape), 64, 256, 64, std::move(kernel), DType::fp32, Storage::bb};
  r.status = bench::Status::ok;
  bench::Timing t;
  t.timer = "gpu";
  t.summary.count = 10;
  t.summary.median = median_s;
  t.summary.stddev = stddev_s;
  t.repetitions.assign(10, bench::Repetition{median_s, 1});  // speedups are paired over repetitions
  r.timing = t;
  r.gbps = 1.5;
  return r;
}

std::size_t column(std::string_view title) {
  const auto& columns = table_columns();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].title == title) return c;
  }
  ADD_FAILURE() << "no column " << title;
  return 0;
}

TEST(Spread, IsStddevOverMedianOfTheSummary) {
  bench::Timing t;
  t.summary.count = 5;
  t.summary.median = 2e-6;
  t.summary.stddev = 0.1e-6;
  EXPECT_DOUBLE_EQ(*relative_spread(t), 0.05);
  t.summary.count = 1;
  EXPECT_FALSE(relative_spread(t).has_value());  // one measurement has no spread
  t.summary.count = 5;
  t.summary.median = 0;
  EXPECT_FALSE(relative_spread(t).has_value());
}

TEST(TableRow, EveryStyleHasEveryColumn) {
  const auto r = timed("q", "coop", 10e-6, 0.25e-6);
  EXPECT_EQ(table_row(r, CellStyle::text).size(), table_columns().size());
  EXPECT_EQ(table_row(r, CellStyle::csv).size(), table_columns().size());
  EXPECT_EQ(header_row(CellStyle::csv).size(), table_columns().size());
  EXPECT_EQ(table_row(r, CellStyle::text)[column("spread")], "±2.5%");
  EXPECT_EQ(table_row(r, CellStyle::csv)[column("spread")], "2.5");
  EXPECT_EQ(table_row(r, CellStyle::text)[column("median us")], "10.00");
}

TEST(TableRow, MissingValuesAreDashes) {
  bench::CaseResult skipped;
  skipped.key = {"big", 1, 32, 32, "coop", DType::fp32, Storage::bb};
  skipped.status = bench::Status::skipped;
  skipped.message = "too large";
  const auto row = table_row(skipped, CellStyle::csv);
  for (const auto* title : {"median us", "spread", "GB/s", "speedup", "roofline"}) EXPECT_EQ(row[column(title)], "-");
  EXPECT_EQ(row.back(), "skipped: too large");
}

TEST(Csv, QuotesCellsWithCommasQuotesAndLineBreaks) {
  EXPECT_EQ(csv_line({"a", "b,c", "say \"hi\"", "two\nlines"}), "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\n");
}

TEST(Markdown, EscapesPipesAndKeepsOneLinePerRow) {
  EXPECT_EQ(markdown_line({"a|b", "c\nd"}), "| a\\|b | c d |\n");
  const auto separator = markdown_separator();
  EXPECT_EQ(std::count(separator.begin(), separator.end(), '|'), static_cast<long>(table_columns().size()) + 1);
  EXPECT_NE(separator.find("--:"), std::string::npos);  // numbers right-aligned
}

TEST(ConsoleTable, AlignsTheSpreadColumnDespiteItsMultibyteSign) {
  bench::SweepResult sweep;
  sweep.results = {timed("q", "legacy", 40e-6, 1e-6), timed("q", "coop", 10e-6, 0.1e-6)};
  bench::SweepPlan plan;
  const RunInfo info{"", "", "", false, &plan, &sweep, {}};
  const auto text = console_table(info);
  // Every table line is as wide as the others up to the validation column.
  std::vector<std::size_t> starts;
  std::size_t pos = text.find('\n') + 1;  // after the heading
  for (int line = 0; line < 3; ++line) {
    const auto end = text.find('\n', pos);
    const auto row = text.substr(pos, end - pos);
    std::size_t chars = 0;
    for (std::size_t i = 0; i < row.find(line == 0 ? "validation" : "not checked"); ++i) chars += (row[i] & 0xC0) != 0x80;
    starts.push_back(chars);
    pos = end + 1;
  }
  EXPECT_EQ(starts[0], starts[1]) << text;
  EXPECT_EQ(starts[1], starts[2]) << text;
}

TEST(StreamedRow, CarriesTheSpeedupOverABaselineThatRanBefore) {
  bench::SweepResult so_far;
  so_far.results = {timed("q", "legacy", 40e-6, 0), timed("k", "legacy", 20e-6, 0), timed("q", "coop", 10e-6, 0)};
  const auto row = newest_with_derived(so_far);
  ASSERT_TRUE(row.speedup_vs_legacy.has_value());
  EXPECT_DOUBLE_EQ(*row.speedup_vs_legacy, 4.0);
  so_far.results = {timed("q", "coop", 10e-6, 0)};
  EXPECT_FALSE(newest_with_derived(so_far).speedup_vs_legacy.has_value());
}

TEST(StreamedTable, PrintsHeaderRowsThenSummaryAsTheyCome) {
  bench::SweepPlan plan;
  plan.shapes.shapes = {{"q", 64, 256, 64}};
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  TableStream stream(TableFormat::csv, plan, out);
  bench::SweepResult so_far;
  so_far.results = {timed("q", "legacy", 40e-6, 0)};
  stream.case_done(so_far);
  so_far.results.push_back(timed("q", "coop", 10e-6, 1e-6));
  stream.case_done(so_far);
  const RunInfo info{"", "", "", false, &plan, &so_far, {}};
  stream.finish(info);
  std::rewind(out);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  bench::SweepResult first;
  first.results = {so_far.results[0]};
  EXPECT_EQ(text, csv_line(header_row(CellStyle::csv)) + csv_line(table_row(newest_with_derived(first), CellStyle::csv)) +
                      csv_line(table_row(newest_with_derived(so_far), CellStyle::csv)));
  EXPECT_NE(text.find(",4.00,"), std::string::npos) << text;  // coop's speedup, known when its row printed
}

}  // namespace
}  // namespace qgemv::report
