#pragma once
// The results table printed while the sweep runs (stdout not a terminal: adb shell, CI logs):
// the heading and column titles with the first finished case, then one flushed row per case,
// then the summary. The rows are the finished table's, with one difference: the speedup and
// roofline of a row are those known when its case finished, i.e. against a baseline kernel of the
// same shape, dtype and storage that ran before it (the sweep runs the kernel table's baseline
// first), and "-" otherwise.
#include <cstdio>
#include <vector>

#include "report/run_info.hpp"
#include "report/table_formats.hpp"

namespace qgemv::report {

class TableStream {
 public:
  TableStream(TableFormat format, const bench::SweepPlan& plan, std::FILE* out);

  // After each case: prints the newest result of `so_far`.
  void case_done(const bench::SweepResult& so_far);
  // After the sweep: the summary, or heading and titles alone when no case finished.
  void finish(const RunInfo& info);

 private:
  void start(const bench::SweepResult& sweep);
  void print(const std::string& text);

  TableFormat format_;
  std::vector<std::size_t> widths_;
  std::FILE* out_;
  bool started_ = false;
};

// The newest result of `so_far` with the fields that compare it with others (speedup, roofline
// fraction) filled from the results before it.
bench::CaseResult newest_with_derived(const bench::SweepResult& so_far);

}  // namespace qgemv::report
