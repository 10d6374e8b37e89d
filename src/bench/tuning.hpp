#pragma once
// --tune / --tuning: the best coop_tuned configuration per (device, kernel, N, K, G, dtype,
// storage), searched on the device; report/tuning_file keeps it in a JSON file that later runs load.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/problem.hpp"
#include "bench/runner.hpp"
#include "kernels/kernel_table.hpp"

namespace qgemv::bench {

struct TuningKey {
  std::string device;
  std::string kernel;
  std::int64_t n = 0;
  std::int64_t k = 0;
  std::int64_t group_size = 0;
  DType dtype = DType::fp32;
  Storage storage = Storage::bb;
  bool operator==(const TuningKey&) const = default;
};

struct TuningEntry {
  TuningKey key;
  kernels::TuneConfig config;
  double median_s = 0;
  std::size_t candidates = 0;
  std::vector<std::pair<std::string, double>> trials;  // every candidate's median in the first pass
};

class TuningTable {
 public:
  // The file format (read and written by report/tuning_file) lives outside bench/.
  std::optional<kernels::TuneConfig> find(const TuningKey& key) const;
  void put(const TuningEntry& entry);  // replaces an entry with the same key
  const std::vector<TuningEntry>& entries() const { return entries_; }

 private:
  std::vector<TuningEntry> entries_;
};

// Runs every candidate configuration over the same buffers (validated, timed with `settings`),
// then times the best few and the heuristic default again and keeps the fastest of that second
// pass, so one lucky or unlucky first measurement does not decide. std::nullopt when no candidate
// validated or the case cannot run on this device.
// `interrupted` stops the search between candidates (std::nullopt).
std::optional<TuningEntry> tune_case(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                                     const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings,
                                     const std::atomic<bool>& interrupted);

}  // namespace qgemv::bench
