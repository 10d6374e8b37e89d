#include "cli/result_files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "report/table_formats.hpp"
#include "report/table_stream.hpp"
#include "report/gbench_report.hpp"
#include "report/json_report.hpp"
#include "report/tuning_file.hpp"
#include "util/error.hpp"

namespace qgemv::cli {
namespace {

// Writes `content` to `file`, or to the fallback path; says which on stderr. True when `file` got it.
bool save(report::OutputFile& file, const std::string& content, const char* what) {
  try {
    file.write(content);
    return true;
  } catch (const report::WriteError& e) {
    try {
      const auto fallback = report::write_fallback(file.path(), content);
      fmt::print(stderr, "qgemv-bench: {}; the {} was written to {} instead\n", one_line(e.what()), what,
                 fallback.string());
    } catch (const report::WriteError& again) {
      fmt::print(stderr, "qgemv-bench: {}; the {} is lost: the fallback failed too: {}\n", one_line(e.what()), what,
                 one_line(again.what()));
    }
    return false;
  }
}

// The table is printed even when stdout is gone (a closed terminal, SIGHUP): the files come first.
// A streamed table only needs its summary now.
void print_table(const Options& o, const report::RunInfo& info, report::TableStream* stream) {
  if (o.quiet) return;
  try {
    if (stream) {
      stream->finish(info);
    } else {
      fmt::print(o.out == "-" ? stderr : stdout, "{}", report::table_document(info, stdout_table_format(o)));
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

bool checkpoint_due(std::optional<std::chrono::steady_clock::time_point> last, std::chrono::steady_clock::time_point now) {
  return !last || now - *last >= kCheckpointInterval;
}

report::TableFormat table_format(const std::string& format) {
  if (format == "csv") return report::TableFormat::csv;
  if (format == "markdown") return report::TableFormat::markdown;
  return report::TableFormat::console;
}

report::TableFormat stdout_table_format(const Options& o) {
  return o.out.empty() ? table_format(o.format) : report::TableFormat::console;
}

std::string result_document(const report::RunInfo& info, const std::string& format) {
  if (format == "csv" || format == "markdown") return report::table_document(info, table_format(format));
  if (const auto entries = report::gbench_entries(format)) {
    return report::to_gbench_json(info, report::probe_host_cpu(), *entries).dump(2) + "\n";
  }
  return report::to_json(info).dump(2) + "\n";
}

std::function<void(const bench::SweepResult&)> checkpoint_writer(report::OutputFile* out, const Options& o,
                                                                 const report::RunInfo& info) {
  if (out == nullptr) return {};
  return [out, &o, &info, last = std::optional<std::chrono::steady_clock::time_point>(), warned = false](
             const bench::SweepResult& so_far) mutable {
    const auto now = std::chrono::steady_clock::now();
    if (!checkpoint_due(last, now)) return;
    last = now;
    bench::SweepResult snapshot = so_far;  // derived fields only for the cases written, not per case
    bench::fill_derived(snapshot);
    report::RunInfo partial = info;
    partial.sweep = &snapshot;
    partial.incomplete_reason = "in progress";
    try {
      out->write(result_document(partial, o.format));
    } catch (const report::WriteError& e) {
      if (!std::exchange(warned, true)) {
        fmt::print(stderr, "qgemv-bench: checkpoint not written: {} (the sweep goes on)\n", one_line(e.what()));
      }
    }
  };
}

bool write_document(const Options& o, report::OutputFile* out, const std::string& document) {
  if (o.out != "-") return out == nullptr || save(*out, document, "result document");
  if (std::fwrite(document.data(), 1, document.size(), stdout) == document.size() && std::fflush(stdout) == 0) {
    return true;
  }
  const std::string why = std::strerror(errno);
  try {
    const auto fallback = report::write_fallback("result.json", document);
    fmt::print(stderr, "qgemv-bench: cannot write the result document to stdout: {}; it was written to {} instead\n",
               why, fallback.string());
  } catch (const report::WriteError& e) {
    fmt::print(stderr, "qgemv-bench: cannot write the result document to stdout: {}; it is lost: {}\n", why,
               one_line(e.what()));
  }
  return false;
}

bool write_results(const Options& o, const report::RunInfo& info, report::OutputFile* out,
                   report::TableStream* stream) {
  bool saved = true;
  if (o.tune) {
    report::OutputFile tuning(o.tuning, true);
    saved = save(tuning, report::tuning_file_text(info.sweep->tuning), "tuning file") && saved;
  }
  if (o.out == "-" || out != nullptr) saved = write_document(o, out, result_document(info, o.format)) && saved;
  print_table(o, info, stream);
  return saved;
}

}  // namespace qgemv::cli
