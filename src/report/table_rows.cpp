#include "report/table_rows.hpp"

#include <fmt/format.h>

#include "kernels/kernel_table.hpp"
#include "report/spread.hpp"

namespace qgemv::report {
namespace {

std::string validation_cell(const bench::CaseResult& r) {
  if (r.status == bench::Status::skipped) return "skipped: " + r.message;
  if (r.status == bench::Status::failed) return "FAILED: " + r.message;
  if (!r.validation) return "not checked";
  return fmt::format("ok (nrmse {:.1e})", r.validation->nrmse);
}

std::string spread_cell(const bench::CaseResult& r, CellStyle style) {
  const auto spread = r.timing ? relative_spread(*r.timing) : std::nullopt;
  std::string cell = !spread ? "-" : style == CellStyle::csv ? fmt::format("{:.1f}", *spread * 100)
                                                              : fmt::format("±{:.1f}%", *spread * 100);
  if (flagged_unstable(r)) cell += " unstable";
  return cell;
}

}  // namespace

const std::vector<Column>& table_columns() {
  static const std::vector<Column> columns = {
      {"shape", "shape", false},          {"NxK", "NxK", false},
      {"G", "G", false},                  {"kernel", "kernel", false},
      {"dtype", "dtype", false},          {"storage", "storage", false},
      {"median us", "median_us", true},   {"spread", "spread_pct", true},
      {"GB/s", "gbps", true},             {"speedup", "speedup_x", true},
      {"roofline", "roofline_pct", true}, {"timer", "timer", false},
      {"validation", "validation", false},
  };
  return columns;
}

Row header_row(CellStyle style) {
  Row row;
  for (const auto& c : table_columns()) row.emplace_back(style == CellStyle::csv ? c.csv_title : c.title);
  return row;
}

Row table_row(const bench::CaseResult& r, CellStyle style) {
  const bool timed = r.timing.has_value();
  const bool text = style == CellStyle::text;
  return {r.key.shape,
          fmt::format("{}x{}", r.key.n, r.key.k),
          std::to_string(r.key.group_size),
          r.config ? fmt::format("{} [{}]", r.key.kernel, r.config->to_string()) : r.key.kernel,
          // A dtype the reproduced original lacks is our extension, and says so.
          fmt::format("{}{}", to_string(r.key.dtype), kernels::is_extension(r.key.kernel, r.key.dtype) ? " (ext.)" : ""),
          std::string(to_string(r.key.storage)),
          timed ? fmt::format("{:.2f}", r.timing->summary.median * 1e6) : "-",
          spread_cell(r, style),
          timed ? fmt::format("{:.1f}", r.gbps) : "-",
          !r.speedup_vs_legacy ? "-"
          : text               ? fmt::format("{:.2f}x", *r.speedup_vs_legacy)
                               : fmt::format("{:.2f}", *r.speedup_vs_legacy),
          !r.roofline_fraction ? "-"
          : text               ? fmt::format("{:.0f}%", *r.roofline_fraction * 100)
                               : fmt::format("{:.1f}", *r.roofline_fraction * 100),
          timed && r.timing->timer != "gpu" ? r.timing->timer : "",
          validation_cell(r)};
}

}  // namespace qgemv::report
