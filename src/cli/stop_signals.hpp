#pragma once
// SIGINT, SIGTERM and SIGHUP (a closed terminal or a dropped adb cable) all stop a sweep (and decode) the same
// way: the first says at once on stderr that the run is stopping and sets g_stop_requested; the
// results so far are then written, marked incomplete, and the exit code is 128 + the signal. A
// second one is acknowledged and changes nothing; a third ends the program at once (the last
// checkpoint of --out is what remains).
#include <string>

namespace qgemv::cli {

void install_stop_signals();

// The first stop signal received, 0 if none.
int stop_signal();

// "SIGINT", "SIGTERM", "SIGHUP".
const char* stop_signal_name(int signal);

// 128 + the first stop signal, as a shell reports death by it (130, 143, 129); 0 if none came.
int stop_exit_code();

// "interrupted by SIGINT": the document's incomplete_reason after a stop signal.
std::string interrupted_reason();

}  // namespace qgemv::cli
