#include "report/tuning_file.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/json_error.hpp"

namespace qgemv::report {
namespace {

using nlohmann::json;
constexpr int kTuningSchemaVersion = 1;
// Far above any workgroup a device offers, low enough that no product of them overflows.
constexpr std::uint64_t kMaxConfigValue = 1 << 16;

json trials_json(const std::vector<std::pair<std::string, double>>& trials) {
  json out = json::array();
  for (const auto& [name, median] : trials) out.push_back({{"name", name}, {"median_s", median}});
  return out;
}

json to_json(const bench::TuningEntry& e) {
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
                      {"interleaved", e.config.interleaved},
                      {"decode", kernels::to_string(e.config.decode)}}},
          {"name", e.config.to_string()},
          {"median_s", e.median_s},
          {"candidates", e.candidates},
          {"trials", trials_json(e.trials)}};
}

std::int64_t positive(const json& j, const char* key) {
  const auto& value = j.at(key);
  if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
    throw std::invalid_argument(fmt::format("\"{}\" must be a positive integer", key));
  }
  return value.get<std::int64_t>();
}

std::uint32_t config_value(const json& j, const char* key) {
  const auto& value = j.at(key);
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() > kMaxConfigValue) {
    throw std::invalid_argument(fmt::format("\"{}\" must be an integer from 0 to {}", key, kMaxConfigValue));
  }
  return static_cast<std::uint32_t>(value.get<std::uint64_t>());
}

// "decode" by name; files written before it had only "masked_decode" (true or false).
kernels::Decode parse_decode(const json& config) {
  if (!config.contains("decode")) {
    return config.value("masked_decode", false) ? kernels::Decode::masked : kernels::Decode::shifted;
  }
  const auto name = config.at("decode").get<std::string>();
  for (auto d : {kernels::Decode::shifted, kernels::Decode::masked, kernels::Decode::mixed, kernels::Decode::denormal}) {
    if (kernels::to_string(d) == name) return d;
  }
  throw std::invalid_argument("unknown decode \"" + name + "\"");
}

bench::TuningEntry entry_from_json(const json& j) {
  bench::TuningEntry e;
  e.key.device = j.at("device").get<std::string>();
  e.key.kernel = j.at("kernel").get<std::string>();
  e.key.n = positive(j, "n");
  e.key.k = positive(j, "k");
  e.key.group_size = positive(j, "group_size");
  const auto dtype = parse_dtype(j.at("dtype").get<std::string>());
  const auto storage = parse_storage(j.at("storage").get<std::string>());
  if (!dtype || !storage) throw std::invalid_argument("unknown dtype or storage");
  e.key.dtype = *dtype;
  e.key.storage = *storage;
  const auto& c = j.at("config");
  e.config.threads_per_block = config_value(c, "threads_per_block");
  e.config.blocks_per_workgroup = config_value(c, "blocks_per_workgroup");
  e.config.loads_per_step = config_value(c, "loads_per_step");
  const auto reduction = c.at("reduction").get<std::string>();
  if (reduction != "subgroup" && reduction != "shared") throw std::invalid_argument("unknown reduction");
  e.config.subgroup_reduction = reduction == "subgroup";
  e.config.prefetch = c.value("prefetch", false);
  e.config.interleaved = c.value("interleaved", false);
  e.config.decode = parse_decode(c);
  for (const auto& trial : j.value("trials", json::array())) {
    e.trials.emplace_back(trial.at("name").get<std::string>(), trial.at("median_s").get<double>());
  }
  e.median_s = j.value("median_s", 0.0);
  e.candidates = j.value("candidates", std::size_t{0});
  return e;
}

}  // namespace

bench::TuningTable parse_tuning_file(std::string_view text, const std::string& source) {
  check_json_depth(text, source);
  bench::TuningTable table;
  try {
    const auto doc = json::parse(text);
    if (!doc.is_object() || doc.value("schema_version", json()) != kTuningSchemaVersion) {
      throw std::invalid_argument("unsupported schema_version");
    }
    const auto& entries = doc.at("entries");
    if (!entries.is_array()) throw std::invalid_argument("\"entries\" must be an array");
    for (const auto& entry : entries) table.put(entry_from_json(entry));
  } catch (const json::exception& e) {
    throw UsageError(fmt::format("{}: not a qgemv-bench tuning file ({})", source, json_error_text(e)));
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: not a qgemv-bench tuning file ({})", source, e.what()));
  }
  return table;
}

bench::TuningTable load_tuning_file(const std::filesystem::path& path) {
  return parse_tuning_file(read_input_file(path.string(), "tuning file"), path.string());
}

std::string tuning_file_text(const bench::TuningTable& table) {
  json entries = json::array();
  for (const auto& e : table.entries()) entries.push_back(to_json(e));
  const json doc = {{"schema_version", kTuningSchemaVersion}, {"tool", "qgemv-bench"}, {"entries", entries}};
  return doc.dump(2) + "\n";
}

}  // namespace qgemv::report
