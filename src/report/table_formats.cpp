#include "report/table_formats.hpp"

#include "report/console_report.hpp"

namespace qgemv::report {

std::string markdown_summary(const RunInfo& info) {
  auto summary = console_summary(info);
  if (summary.empty()) return {};
  // Kept preformatted: its columns are aligned with spaces that markdown would collapse.
  return "\n```" + summary + "```\n";
}

std::string csv_line(const Row& row) {
  std::string line;
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (c > 0) line += ',';
    const auto& cell = row[c];
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      line += cell;
      continue;
    }
    line += '"';
    for (const char ch : cell) line += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    line += '"';
  }
  return line + "\n";
}

std::string markdown_line(const Row& row) {
  std::string line = "|";
  for (const auto& cell : row) {
    line += ' ';
    for (const char ch : cell) {
      if (ch == '|') line += "\\|";
      else if (ch == '\n' || ch == '\r') line += ' ';
      else line += ch;
    }
    line += " |";
  }
  return line + "\n";
}

std::string markdown_separator() {
  std::string line = "|";
  for (const auto& c : table_columns()) line += c.numeric ? "--:|" : "---|";
  return line + "\n";
}

std::string csv_table(const RunInfo& info) {
  std::string out = csv_line(header_row(CellStyle::csv));
  for (const auto& r : info.sweep->results) out += csv_line(table_row(r, CellStyle::csv));
  return out;
}

std::string markdown_table(const RunInfo& info) {
  std::string out = console_heading(*info.sweep) + "\n" + markdown_line(header_row(CellStyle::text)) +
                    markdown_separator();
  for (const auto& r : info.sweep->results) out += markdown_line(table_row(r, CellStyle::text));
  return out + markdown_summary(info);
}

std::string table_document(const RunInfo& info, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return csv_table(info);
    case TableFormat::markdown: return markdown_table(info);
    case TableFormat::console: return console_table(info);
  }
  return {};
}

}  // namespace qgemv::report
