#pragma once
// What a sweep leaves behind: --out (a file, or stdout with `--out -`) rewritten as a checkpoint
// during the sweep and written in full at the end, the --tuning file, and the console table.
#include <chrono>
#include <functional>
#include <optional>

#include "bench/sweep.hpp"
#include "cli/options.hpp"
#include "report/output_file.hpp"
#include "report/run_info.hpp"
#include "report/table_formats.hpp"
#include "report/table_stream.hpp"

namespace qgemv::cli {

// A checkpoint is written after a case once this long has passed since the previous one (and
// after the first case). A case is never cut short for it, so the gap between two checkpoints is
// this plus at most one case (the case's --max-time, its validation run and, with --tune, its
// search); docs/failures.md states the same bound.
inline constexpr std::chrono::seconds kCheckpointInterval{10};

// Whether a checkpoint is due at `now`; nullopt `last` means none was written yet.
bool checkpoint_due(std::optional<std::chrono::steady_clock::time_point> last, std::chrono::steady_clock::time_point now);

// --format's table format (console for the JSON formats).
report::TableFormat table_format(const std::string& format);
// The table on stdout: --format csv|markdown without --out, else the console's. Printed row by row
// as cases finish when stdout is not a terminal (adb shell, CI logs), at the end otherwise.
report::TableFormat stdout_table_format(const Options& o);

// The document in --format's schema.
std::string result_document(const report::RunInfo& info, const std::string& format);

// Called after every case with the results so far; writes `out` when a checkpoint is due. A
// checkpoint that cannot be written is reported once (with the reason) and the sweep goes on.
std::function<void(const bench::SweepResult&)> checkpoint_writer(report::OutputFile* out, const Options& o,
                                                                 const report::RunInfo& info);

// Writes a result document (the sweep's or decode's) where --out says: stdout for `--out -`, else
// `out` (none when null). A file or stream that cannot take it sends it to a fallback file; the
// message names the reason and the fallback. False when it did not reach the place asked for.
bool write_document(const Options& o, report::OutputFile* out, const std::string& document);

// Writes the tuning file (--tune) and the document (to `out`, or stdout for `--out -`), then the
// console table (stdout, or stderr for `--out -`; none with --quiet; only its summary when
// `stream` printed the rows as they came). A file that cannot be
// written is written to a fallback path instead and the message names it, the reason and the
// fallback. Returns false when any file did not reach the path asked for.
bool write_results(const Options& o, const report::RunInfo& info, report::OutputFile* out,
                   report::TableStream* stream);

}  // namespace qgemv::cli
