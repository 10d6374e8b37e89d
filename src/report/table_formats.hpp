#pragma once
// The results table as CSV or markdown (--format csv|markdown): the console table's columns, for
// a spreadsheet or a pull request.
#include <string>

#include "report/run_info.hpp"
#include "report/table_rows.hpp"

namespace qgemv::report {

enum class TableFormat { console, csv, markdown };

// RFC 4180: a cell holding a comma, quote or line break is quoted, quotes doubled.
std::string csv_line(const Row& row);
// "| a | b |", with "|" in a cell escaped.
std::string markdown_line(const Row& row);
std::string markdown_separator();  // "|---|--:|...", numbers right-aligned

// Header and rows only, so the file stays one table a spreadsheet reads whole.
std::string csv_table(const RunInfo& info);
// Heading, table, then the summary (roofline, per token, incomplete) as paragraphs.
std::string markdown_table(const RunInfo& info);
// The summary after the table, as a preformatted block ("" when there is none).
std::string markdown_summary(const RunInfo& info);
std::string table_document(const RunInfo& info, TableFormat format);

}  // namespace qgemv::report
