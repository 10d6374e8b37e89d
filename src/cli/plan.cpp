#include "cli/plan.hpp"

#include "cli/measurement_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cli/case_filter.hpp"
#include "report/dump.hpp"
#include "report/tuning_file.hpp"
#include "util/error.hpp"
#include "util/suggest.hpp"

namespace qgemv::cli {
namespace {

template <typename T, typename Parse>
std::vector<T> parse_list(const std::vector<std::string>& names, const char* flag, Parse parse) {
  std::vector<T> out;
  for (const auto& name : names) {
    const auto value = parse(name);
    if (!value) {
      throw UsageError(fmt::format("{} {}: unknown value{}", flag, name, suggestion(name, value_names<T>())));
    }
    if (std::find(out.begin(), out.end(), *value) == out.end()) out.push_back(*value);
  }
  if (out.empty()) throw UsageError(fmt::format("{}: give at least one value", flag));
  return out;
}

std::uint64_t parse_cold_cache(const std::string& text) {
  if (text == "off") return 0;
  if (text == "auto") return bench::kDefaultColdCacheBytes;
  std::size_t used = 0;
  unsigned long long mib = 0;
  try {
    mib = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  constexpr unsigned long long kMaxMib = 1ull << 24;  // 16 TiB: the shift to bytes cannot overflow
  if (used != text.size() || mib == 0 || mib > kMaxMib || text.starts_with('-')) {
    throw UsageError(fmt::format("--cold-cache {}: expected off, auto or a number of MiB from 1 to {}", text, kMaxMib));
  }
  return mib << 20;
}

void configure_tuning(const Options& o, bench::SweepPlan& plan) {
  if (o.tune && o.tuning.empty()) throw UsageError("--tune needs --tuning FILE to write the configurations to");
  if (!o.tuning.empty() && (!o.tune || std::filesystem::exists(o.tuning))) {
    plan.tuning = report::load_tuning_file(o.tuning);
  }
  plan.tune = o.tune;
  if (!o.config.empty()) {
    if (o.tune) throw UsageError("--config fixes the configuration that --tune searches: give one of them");
    try {
      plan.config = kernels::TuneConfig::parse(o.config);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--config: ") + e.what());
    }
  }
  // Candidates are compared with each other only, so a shorter timing per candidate suffices.
  plan.tune_settings = plan.settings;
  plan.tune_settings.timing.warmup = std::min(plan.settings.timing.warmup, 3);
  plan.tune_settings.timing.repetitions = std::min(plan.settings.timing.repetitions, 5);
  plan.tune_settings.timing.min_time_s = std::min(plan.settings.timing.min_time_s, 0.005);
  plan.tune_settings.timing.warmup_max_s = std::min(plan.settings.timing.warmup_max_s, 0.2);
  plan.tune_settings.timing.samples = 0;
  plan.tune_settings.timing.max_time_s = std::min(plan.settings.timing.max_time_s, 1.0);
  plan.tune_settings.on_gpu_output = nullptr;
}

// Test hook (tests/integration/test_reliability.cpp): no driver loses its device on demand.
std::optional<std::size_t> fault_injection_case() {
  const char* value = std::getenv("QGEMV_FAULT_DEVICE_LOST_AT_CASE");
  if (value == nullptr || *value == '\0') return std::nullopt;
  char* end = nullptr;
  const auto index = std::strtoull(value, &end, 10);
  if (*end != '\0') throw UsageError(fmt::format("QGEMV_FAULT_DEVICE_LOST_AT_CASE={}: expected a case index", value));
  return static_cast<std::size_t>(index);
}

// After the lists are known, so "matches nothing" can name what there is to match.
void apply_filter(const Options& o, bench::SweepPlan& plan) {
  if (o.filter.empty()) return;
  const auto all = bench::planned_cases(plan);
  plan.selected = make_case_filter(o.filter);
  if (plan.case_count() == 0) {
    throw UsageError(fmt::format("--filter {}: matches none of the {} cases (names look like {}; --list shows them)",
                                 o.filter, all.size(), all.empty() ? "shape/kernel/dtype/storage" : bench::case_name(all.front())));
  }
}

}  // namespace

bench::SweepPlan make_plan(const Options& o) {
  bench::SweepPlan plan;
  if (o.group_size && (*o.group_size <= 0 || *o.group_size % 32 != 0)) {
    throw UsageError(fmt::format("--group-size {}: must be a positive multiple of 32", *o.group_size));
  }
  plan.shapes = config::load_shapes(o.shapes, o.group_size);
  plan.group_size_override = o.group_size;
  if (o.kernels.empty()) {
    plan.kernels = kernels::default_kernels();
  } else {
    for (const auto& name : o.kernels) plan.kernels.push_back(&kernels::find_kernel(name));
  }
  plan.dtypes = parse_list<DType>(o.dtypes, "--dtype", parse_dtype);
  plan.storages = parse_list<Storage>(o.storages, "--storage", parse_storage);
  apply_filter(o, plan);
  plan.seed = o.seed;
  plan.settings.timing.warmup = o.warmup;
  plan.settings.timing.repetitions = o.repetitions;
  plan.settings.timing.min_time_s = o.min_time;
  plan.settings.timing.max_time_s = o.max_time;
  plan.settings.timing.cpu_timer = o.timer == "cpu";
  plan.settings.cold_cache_bytes = parse_cold_cache(o.cold_cache);
  plan.roofline = o.roofline == "on";
  configure_tuning(o, plan);
  plan.settings.validate = !o.no_validate;
  if (!o.dump.empty()) plan.settings.on_gpu_output = report::case_dumper(o.dump);
  plan.settings.max_binding_bytes = o.max_binding_mib << 20;
  plan.context_options = {o.device, o.validation_layer, o.gpu_timeout};
  plan.device_lost_at_case = fault_injection_case();
  apply_measurement_options(o, plan.settings.timing);
  return plan;
}

std::vector<const kernels::KernelDesc*> parse_kernels(const std::vector<std::string>& names) {
  if (names.empty()) return kernels::default_kernels();
  std::vector<const kernels::KernelDesc*> out;
  for (const auto& name : names) out.push_back(&kernels::find_kernel(name));
  return out;
}

std::vector<DType> parse_dtypes(const std::vector<std::string>& names) {
  return parse_list<DType>(names, "--dtype", parse_dtype);
}

std::vector<Storage> parse_storages(const std::vector<std::string>& names) {
  return parse_list<Storage>(names, "--storage", parse_storage);
}

}  // namespace qgemv::cli
