#pragma once
// The results table's columns and cells, shared by the console table, its streamed form, CSV and
// markdown, so every format shows the same columns.
#include <string>
#include <string_view>
#include <vector>

#include "bench/case_result.hpp"

namespace qgemv::report {

struct Column {
  std::string_view title;      // console and markdown
  std::string_view csv_title;  // CSV: the unit in the name, so the cells can be bare numbers
  bool numeric;                // right-aligned
};

enum class CellStyle {
  text,  // "4.07x", "7%", "±1.2%": console and markdown
  csv,   // 4.07, 7, 1.2: numbers a spreadsheet reads (units in csv_title)
};

using Row = std::vector<std::string>;

const std::vector<Column>& table_columns();
Row header_row(CellStyle style);
// One case; "-" where a value is missing (not timed, no legacy to compare with, no roofline).
Row table_row(const bench::CaseResult& result, CellStyle style);

}  // namespace qgemv::report
