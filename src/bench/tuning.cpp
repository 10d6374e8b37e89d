#include "bench/tuning.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/output_file.hpp"
#include "util/error.hpp"

namespace qgemv::bench {
namespace {

using nlohmann::json;
constexpr int kTuningSchemaVersion = 1;

constexpr std::size_t kFinalists = 3;

json trials_json(const std::vector<std::pair<std::string, double>>& trials) {
  json out = json::array();
  for (const auto& [name, median] : trials) out.push_back({{"name", name}, {"median_s", median}});
  return out;
}

json to_json(const TuningEntry& e) {
  return {{"device", e.key.device},
          {"kernel", e.key.kernel},
          {"n", e.key.n},
          {"k", e.key.k},
          {"group_size", e.key.group_size},
          {"dtype", to_string(e.key.dtype)},
          {"storage", to_string(e.key.storage)},
          {"config", {{"threads_per_block", e.config.threads_per_block},
                      {"blocks_per_workgroup", e.config.blocks_per_workgroup},
                      {"loads_per_step", e.config.loads_per_step},
                      {"reduction", e.config.subgroup_reduction ? "subgroup" : "shared"},
                      {"prefetch", e.config.prefetch},
                      {"interleaved", e.config.interleaved}}},
          {"name", e.config.to_string()},
          {"median_s", e.median_s},
          {"candidates", e.candidates},
          {"trials", trials_json(e.trials)}};
}

TuningEntry entry_from_json(const json& j) {
  TuningEntry e;
  e.key.device = j.at("device").get<std::string>();
  e.key.kernel = j.at("kernel").get<std::string>();
  e.key.n = j.at("n").get<std::int64_t>();
  e.key.k = j.at("k").get<std::int64_t>();
  e.key.group_size = j.at("group_size").get<std::int64_t>();
  const auto dtype = parse_dtype(j.at("dtype").get<std::string>());
  const auto storage = parse_storage(j.at("storage").get<std::string>());
  if (!dtype || !storage) throw std::invalid_argument("unknown dtype or storage");
  e.key.dtype = *dtype;
  e.key.storage = *storage;
  const auto& c = j.at("config");
  e.config.threads_per_block = c.at("threads_per_block").get<std::uint32_t>();
  e.config.blocks_per_workgroup = c.at("blocks_per_workgroup").get<std::uint32_t>();
  e.config.loads_per_step = c.at("loads_per_step").get<std::uint32_t>();
  const auto reduction = c.at("reduction").get<std::string>();
  if (reduction != "subgroup" && reduction != "shared") throw std::invalid_argument("unknown reduction " + reduction);
  e.config.subgroup_reduction = reduction == "subgroup";
  e.config.prefetch = c.value("prefetch", false);
  e.config.interleaved = c.value("interleaved", false);
  for (const auto& trial : j.value("trials", json::array())) {
    e.trials.emplace_back(trial.at("name").get<std::string>(), trial.at("median_s").get<double>());
  }
  e.median_s = j.value("median_s", 0.0);
  e.candidates = j.value("candidates", std::size_t{0});
  return e;
}

}  // namespace

TuningTable TuningTable::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("{}: cannot read the tuning file", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  TuningTable table;
  try {
    const auto doc = json::parse(text.str());
    if (doc.at("schema_version") != kTuningSchemaVersion) throw std::invalid_argument("unsupported schema_version");
    for (const auto& entry : doc.at("entries")) table.entries_.push_back(entry_from_json(entry));
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: not a qgemv-bench tuning file ({})", path.string(), e.what()));
  }
  return table;
}

void TuningTable::save(const std::filesystem::path& path) const {
  json entries = json::array();
  for (const auto& e : entries_) entries.push_back(to_json(e));
  const json doc = {{"schema_version", kTuningSchemaVersion}, {"tool", "qgemv-bench"}, {"entries", entries}};
  report::write_atomically(path, doc.dump(2) + "\n");
}

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
