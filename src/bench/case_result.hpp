#pragma once
// What the runner measures for one case; reporters only read these.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/statistics.hpp"
#include "kernels/split_k.hpp"
#include "kernels/tune_config.hpp"
#include "reference/validation.hpp"
#include "util/dtype.hpp"

namespace qgemv::bench {

enum class Status { ok, skipped, failed };
std::string_view to_string(Status status);

struct CaseKey {
  std::string shape;
  std::int64_t n = 0;
  std::int64_t k = 0;
  std::int64_t group_size = 0;
  std::string kernel;
  DType dtype = DType::fp32;
  Storage storage = Storage::bb;
};

// One independent measurement: a batch of back-to-back timestamped dispatches.
struct Repetition {
  double seconds = 0;            // mean time PER DISPATCH over the batch
  std::int64_t dispatches = 0;   // dispatches in the batch
};

// Warm-up before the first repetition: until two successive batch means agree, or a time bound.
struct Warmup {
  std::int64_t dispatches = 0;
  double seconds = 0;      // wall time spent warming up
  bool converged = false;  // false: the bound ended it first
};

// The one name of a case, "<shape>/<kernel>/<dtype>/<storage>" (e.g. "q/coop/fp32/bb"): what
// --filter matches and --list prints.
std::string case_name(const CaseKey& key);

struct Timing {
  std::string timer;                    // "gpu" (timestamp queries), "host" (fallback) or "cpu" (--timer cpu)
  std::vector<Repetition> repetitions;  // the independent measurements
  Summary summary;                      // over repetitions[i].seconds
  std::vector<double> samples_s;        // raw per-dispatch samples: only with --samples (capped), else empty
  Summary host_summary;                 // host wall time per dispatch, over repetitions
  Warmup warmup;
  Stability stability;                  // of the repetitions, after any re-measurement
  bool remeasured = false;              // the first set of repetitions was unstable and was replaced

  std::vector<double> repetition_seconds() const {
    std::vector<double> out;
    for (const auto& r : repetitions) out.push_back(r.seconds);
    return out;
  }
};

// speedup_vs_legacy from paired repetitions: ratio i = baseline repetition i / this repetition i.
struct Speedup {
  std::string baseline;           // the baseline kernel's name
  std::vector<double> ratios;     // one per repetition index both have
  Summary summary;                // of ratios
  Stability stability;            // of ratios
  bool paired = true;             // false: the two were measured one after the other, not interleaved
};

struct Bytes {
  std::int64_t weights = 0;
  std::int64_t qparams = 0;
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t total() const { return weights + qparams + input + output; }
};

struct CaseResult {
  CaseKey key;
  std::uint64_t seed = 0;
  std::int64_t count_per_token = 0;  // 0 when the shapes file has no token counts
  std::int64_t slices = 0;           // dispatches along N one GEMV needed (device limits); 0 if not run
  std::optional<kernels::KSplit> k_split;  // a split-K kernel's geometry along K for this shape
  std::uint32_t cold_cache_copies = 0;       // weight/qparam copies rotated through; 1 = warm
  std::uint64_t cold_cache_footprint = 0;    // bytes of weights + qparams over all copies
  std::optional<double> roofline_fraction;   // gbps / the run's read bandwidth
  std::optional<kernels::TuneConfig> config; // tunable kernels only
  std::string config_source;                 // "tuned" (--tuning / --tune), "given" (--config) or "heuristic"
  Status status = Status::failed;
  std::string message;  // why skipped/failed; empty when ok
  std::optional<Timing> timing;
  Bytes bytes;
  double gbps = 0;  // bytes.total() / median GPU time, 1e9 bytes per second
  std::optional<reference::ValidationResult> validation;
  std::optional<double> speedup_vs_legacy;  // median of speedup->ratios, same shape, dtype and storage
  std::optional<Speedup> speedup;
  std::size_t interleave_group = 0;  // variants with the same nonzero id had their repetitions alternated

  // Unstable after re-measurement: its numbers are not to be reported as fact.
  bool unstable() const { return timing && timing->stability.unstable; }
};

}  // namespace qgemv::bench
