#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "report/run_info.hpp"
#include "report/table_rows.hpp"

namespace qgemv::report {

// The aligned human-readable table plus, for model shapes files, the per-token footer.
std::string console_table(const RunInfo& info);

// The pieces console_table is made of, for a table printed row by row as the sweep goes.
std::string console_heading(const bench::SweepResult& sweep);  // "qgemv-bench on <device> ..."
std::string console_summary(const RunInfo& info);              // roofline, per token, incomplete
// Column widths known before any case ran: the titles, the plan's names and sizes, and room for
// typical numbers; a longer cell shifts its line rather than being cut.
std::vector<std::size_t> planned_widths(const bench::SweepPlan& plan);
std::string render_line(const Row& row, const std::vector<std::size_t>& widths);

}  // namespace qgemv::report
