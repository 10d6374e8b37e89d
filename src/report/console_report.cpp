#include "report/console_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bench/model_view.hpp"

namespace qgemv::report {
namespace {

using Row = std::vector<std::string>;

std::string validation_cell(const bench::CaseResult& r) {
  if (r.status == bench::Status::skipped) return "skipped: " + r.message;
  if (r.status == bench::Status::failed) return "FAILED: " + r.message;
  if (!r.validation) return "not checked";
  return fmt::format("ok (nrmse {:.1e})", r.validation->nrmse);
}

Row make_row(const bench::CaseResult& r) {
  const bool timed = r.timing.has_value();
  return {r.key.shape,
          fmt::format("{}x{}", r.key.n, r.key.k),
          std::to_string(r.key.group_size),
          r.config ? fmt::format("{} [{}]", r.key.kernel, r.config->to_string()) : r.key.kernel,
          fmt::format("{}{}", to_string(r.key.dtype), kernels::is_extension(r.key.kernel, r.key.dtype) ? " (ext.)" : ""),
          std::string(to_string(r.key.storage)),
          timed ? fmt::format("{:.2f}", r.timing->summary.median * 1e6) : "-",
          timed ? fmt::format("{:.1f}", r.gbps) : "-",
          r.speedup_vs_legacy ? fmt::format("{:.2f}x", *r.speedup_vs_legacy) : "-",
          r.roofline_fraction ? fmt::format("{:.0f}%", *r.roofline_fraction * 100) : "-",
          timed && r.unstable() ? "UNSTABLE" : timed && r.timing->timer != "gpu" ? "host" : "",
          validation_cell(r)};
}

std::string render(const std::vector<Row>& rows) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      // Numbers right-aligned, text left-aligned; the last column is never padded.
      const bool numeric = c >= 6 && c <= 9;
      if (c + 1 == row.size()) line += row[c];
      else line += numeric ? fmt::format("{:>{}}  ", row[c], width[c]) : fmt::format("{:<{}}  ", row[c], width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
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

}  // namespace

std::string console_table(const RunInfo& info) {
  const auto& sweep = *info.sweep;
  std::vector<Row> rows = {{"shape", "NxK", "G", "kernel", "dtype", "storage", "median us", "GB/s", "speedup",
                            "roofline", "timer", "validation"}};
  for (const auto& r : sweep.results) rows.push_back(make_row(r));
  std::string out = fmt::format("qgemv-bench on {} ({}, driver {} {})\n", sweep.device.name, sweep.device.type,
                                sweep.device.driver_name, sweep.device.driver_version);
  out += render(rows);
  out += roofline_footer(sweep);
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

}  // namespace qgemv::report
