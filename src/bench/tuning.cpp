#include "bench/tuning.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"

namespace qgemv::bench {
namespace {

constexpr std::size_t kFinalists = 3;

}  // namespace

std::optional<kernels::TuneConfig> TuningTable::find(const TuningKey& key) const {
  for (const auto& e : entries_) {
    if (e.key == key) return e.config;
  }
  return std::nullopt;
}

void TuningTable::put(const TuningEntry& entry) {
  for (auto& e : entries_) {
    if (e.key == entry.key) {
      e = entry;
      return;
    }
  }
  entries_.push_back(entry);
}

std::optional<TuningEntry> tune_case(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                                     const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings,
                                     const std::atomic<bool>& interrupted) {
  const auto& shape = problem.shape();
  std::unique_ptr<PreparedCase> prepared;
  try {
    prepared = std::make_unique<PreparedCase>(context, commands, problem, kernel, storage, settings);
  } catch (const UnsupportedError&) {
    return std::nullopt;
  }
  const auto candidates = kernels::tune_candidates(shape.group_size, context.info());
  TuningEntry entry{{context.info().name, std::string(kernel.name), shape.n, shape.k, shape.group_size,
                     problem.dtype(), storage},
                    {}, 0, candidates.size(), {}};
  std::vector<std::pair<kernels::TuneConfig, double>> passed;
  for (const auto& config : candidates) {
    if (interrupted) return std::nullopt;
    const auto result = prepared->run(config, settings.timing);
    if (result.status != Status::ok || !result.timing) continue;
    passed.emplace_back(config, result.timing->summary.median);
    entry.trials.emplace_back(config.to_string(), result.timing->summary.median);
  }
  if (passed.empty()) return std::nullopt;
  std::sort(passed.begin(), passed.end(), [](const auto& a, const auto& b) { return a.second < b.second; });

  std::vector<kernels::TuneConfig> finalists;
  for (std::size_t i = 0; i < std::min(kFinalists, passed.size()); ++i) finalists.push_back(passed[i].first);
  const auto heuristic = kernels::heuristic_config(shape.n, shape.k, shape.group_size, context.info());
  if (std::find(finalists.begin(), finalists.end(), heuristic) == finalists.end()) finalists.push_back(heuristic);
  std::optional<double> best;
  for (const auto& config : finalists) {
    if (interrupted) return std::nullopt;
    const auto result = prepared->run(config, settings.timing);
    if (result.status != Status::ok || !result.timing) continue;
    if (!best || result.timing->summary.median < *best) {
      best = result.timing->summary.median;
      entry.config = config;
    }
  }
  if (!best) return std::nullopt;
  entry.median_s = *best;
  return entry;
}

}  // namespace qgemv::bench
