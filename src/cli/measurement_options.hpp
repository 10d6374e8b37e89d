#pragma once
// Options and test hooks of the measurement that have no other home (docs/measurement.md).
#include "bench/timing.hpp"
#include "cli/options.hpp"

namespace qgemv::cli {

// --samples, and QGEMV_FAULT_DRIFT_RAMP: a test hook that slows repetition i of every case by
// RAMP * i / (n - 1), so the drift detector can be seen to work end to end.
void apply_measurement_options(const Options& o, bench::TimingSettings& timing);

}  // namespace qgemv::cli
