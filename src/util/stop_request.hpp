#pragma once
// Set by the stop signals (Ctrl-C, SIGTERM, SIGHUP: src/cli/stop_signals.cpp) and read by every
// loop that can run long (cases, tuning candidates, timed batches, the roofline), so a stop is
// seen within one GPU batch, not at the end of a case.
#include <atomic>

namespace qgemv {

// Constant-initialized and lock-free: safe to set from a signal handler.
inline std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// Thrown from inside a measurement when a stop was requested; not a std::exception, so the
// per-case error handling lets it through to the sweep, which ends there, marked incomplete.
struct Interrupted {};

inline void throw_if_stop_requested() {
  if (g_stop_requested.load(std::memory_order_relaxed)) throw Interrupted{};
}

}  // namespace qgemv
