#include "cli/progress_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace qgemv::cli {

std::string format_duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

std::string progress_text(const bench::Progress& p, double elapsed_s) {
  const auto shown = std::min(p.done + 1, p.total);  // the case in progress, counted from 1
  std::string eta = "ETA ?";
  if (p.done > 0 && p.done <= p.total) {
    eta = "ETA " + format_duration(elapsed_s / static_cast<double>(p.done) * static_cast<double>(p.total - p.done));
  }
  return fmt::format("[{}/{}] {}, {}  {}", shown, p.total, format_duration(elapsed_s), eta, p.current);
}

ProgressLine::ProgressLine(Draw draw, std::chrono::milliseconds interval)
    : draw_(std::move(draw)), interval_(interval), thread_([this] { tick(); }) {}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  draw_("");
}

void ProgressLine::update(const bench::Progress& p) {
  std::lock_guard lock(mutex_);
  last_ = p;
  last_at_ = Clock::now();
  have_progress_ = true;
  redraw_locked();
}

void ProgressLine::clear() {
  std::lock_guard lock(mutex_);
  draw_("");
}

void ProgressLine::redraw_locked() {
  if (!have_progress_) return;
  const double since_update = std::chrono::duration<double>(Clock::now() - last_at_).count();
  draw_(progress_text(last_, last_.elapsed_s + since_update));
}

void ProgressLine::tick() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, interval_, [this] { return stop_; });
    if (!stop_) redraw_locked();
  }
}

}  // namespace qgemv::cli
