#include "cli/stop_signals.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

#include "util/stop_request.hpp"

namespace qgemv::cli {
namespace {

std::atomic<int> g_first_signal{0};
std::atomic<int> g_signal_count{0};
bool g_terminal = false;  // stderr is a terminal: clear the progress line first
static_assert(std::atomic<int>::is_always_lock_free, "signal handlers may only touch lock-free atomics");

// Only write(2) here: it is async-signal-safe, stdio is not.
void say(const char* text) {
  if (g_terminal) (void)!::write(STDERR_FILENO, "\r\033[K", 4);
  (void)!::write(STDERR_FILENO, text, std::strlen(text));
}

extern "C" void on_stop_signal(int signal) {
  const int count = g_signal_count.fetch_add(1) + 1;
  if (count == 1) {
    g_first_signal = signal;
    g_stop_requested = true;
    switch (signal) {
      case SIGINT: say("qgemv-bench: SIGINT: stopping; the results so far will be written, marked incomplete\n"); break;
      case SIGTERM: say("qgemv-bench: SIGTERM: stopping; the results so far will be written, marked incomplete\n"); break;
      default: say("qgemv-bench: SIGHUP: stopping; the results so far will be written, marked incomplete\n"); break;
    }
  } else if (count == 2) {
    say("qgemv-bench: already stopping: the results are written once the current GPU submission ends "
        "(a third signal quits without writing them)\n");
  } else {
    std::signal(signal, SIG_DFL);
    ::raise(signal);
  }
}

}  // namespace

void install_stop_signals() {
  g_terminal = ::isatty(STDERR_FILENO) != 0;
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal, &action, nullptr);
}

int stop_signal() { return g_first_signal; }

const char* stop_signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

int stop_exit_code() {
  constexpr int kExitSignalBase = 128;
  return stop_signal() == 0 ? 0 : kExitSignalBase + stop_signal();
}

std::string interrupted_reason() { return std::string("interrupted by ") + stop_signal_name(stop_signal()); }

}  // namespace qgemv::cli
