#include "cli/measurement_options.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "util/error.hpp"

namespace qgemv::cli {

void apply_measurement_options(const Options& o, bench::TimingSettings& timing) {
  timing.samples = o.samples;
  const char* ramp = std::getenv("QGEMV_FAULT_DRIFT_RAMP");
  if (ramp == nullptr || *ramp == '\0') return;
  char* end = nullptr;
  const double value = std::strtod(ramp, &end);
  if (*end != '\0' || !std::isfinite(value) || value <= -1) {
    throw UsageError(fmt::format("QGEMV_FAULT_DRIFT_RAMP={}: expected a number greater than -1", ramp));
  }
  timing.fault_ramp = value;
}

}  // namespace qgemv::cli
