#pragma once
// The live status line (stderr, terminals only): "[3/15] 12s, ETA 48s  q 2048x2048 coop fp32 bb".
// Its own thread redraws it at least once a second, so the elapsed time and the ETA keep moving
// inside a long case, not only when the sweep reports a new one.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "bench/sweep.hpp"

namespace qgemv::cli {

// "45s", "3m07s", "1h02m".
std::string format_duration(double seconds);
// The line's text for `p`, `elapsed_s` seconds into the sweep. The ETA is the mean time of the
// cases done so far times the cases left; none before the first case finished.
std::string progress_text(const bench::Progress& p, double elapsed_s);

class ProgressLine {
 public:
  using Draw = std::function<void(const std::string& text)>;  // "" clears the line

  ProgressLine(Draw draw, std::chrono::milliseconds interval);
  ~ProgressLine();  // stops the redraws and clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(const bench::Progress& p);  // from the sweep's progress callback
  void clear();                           // before other output to the same terminal

 private:
  void redraw_locked();
  void tick();

  using Clock = std::chrono::steady_clock;
  Draw draw_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool have_progress_ = false;
  bench::Progress last_;
  Clock::time_point last_at_;
  std::thread thread_;  // last: starts after everything it reads
};

}  // namespace qgemv::cli
