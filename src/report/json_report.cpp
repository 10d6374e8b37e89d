#include "report/json_report.hpp"

#include <algorithm>

#include "bench/model_view.hpp"
#include "report/timing_json.hpp"
#include "version.hpp"

namespace qgemv::report {
namespace {

using nlohmann::json;

json timing_json(const bench::Timing& t) {
  auto j = summary_json(t.summary);
  j["timer"] = t.timer;
  j["unit"] = "s";
  json repetitions = json::array();
  for (const auto& r : t.repetitions) repetitions.push_back({{"seconds", r.seconds}, {"dispatches", r.dispatches}});
  j["repetitions"] = repetitions;
  j["host_per_dispatch"] = summary_json(t.host_summary);
  j["warmup"] = {{"dispatches", t.warmup.dispatches}, {"seconds", t.warmup.seconds}, {"converged", t.warmup.converged}};
  j["stability"] = timing_stability_json(t);
  if (!t.samples_s.empty()) j["samples"] = t.samples_s;
  return j;
}

json speedup_json(const bench::Speedup& s) {
  auto j = summary_json(s.summary);
  j["baseline"] = s.baseline;
  j["paired"] = s.paired;
  j["ratios"] = s.ratios;
  j["stability"] = stability_json(s.stability);
  return j;
}

json device_json(const vk_util::DeviceInfo& d) {
  return {{"index", d.index},
          {"name", d.name},
          {"type", d.type},
          {"vendor_id", d.vendor_id},
          {"device_id", d.device_id},
          {"api_version", d.api_version},
          {"driver_version", d.driver_version},
          {"driver_id", d.driver_id},
          {"driver_name", d.driver_name},
          {"driver_info", d.driver_info},
          {"subgroup_size", d.subgroup_size},
          {"timestamp_period_ns", d.timestamp_period_ns},
          {"timestamp_valid_bits", d.timestamp_valid_bits},
          {"max_storage_buffer_range", d.max_storage_buffer_range},
          {"max_image_dimension_2d", d.max_image_dimension_2d},
          {"max_workgroup_count_x", d.max_workgroup_count_x},
          {"device_local_bytes", d.device_local_bytes}};
}

json validation_json(const reference::ValidationResult& v) {
  return {{"passed", v.passed},
          {"max_abs_error", v.max_abs_error},
          {"max_rel_error", v.max_rel_error},
          {"nrmse", v.nrmse},
          {"non_finite", v.non_finite},
          {"out_of_bounds", v.out_of_bounds},
          {"tolerance", {{"nrmse", v.tolerance.nrmse}, {"abs_factor", v.tolerance.abs_factor},
                         {"out_rounding", v.tolerance.out_rounding}, {"abs_floor", v.tolerance.abs_floor}}},
          {"message", v.message}};
}

json config_json(const kernels::TuneConfig& c, const std::string& source) {
  return {{"name", c.to_string()},
          {"source", source},
          {"threads_per_block", c.threads_per_block},
          {"blocks_per_workgroup", c.blocks_per_workgroup},
          {"loads_per_step", c.loads_per_step},
          {"reduction", c.subgroup_reduction ? "subgroup" : "shared"},
          {"prefetch", c.prefetch},
          {"interleaved", c.interleaved},
          {"decode", kernels::to_string(c.decode)}};
}

// null for our own kernels, which reproduce nothing.
json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

json split_k_json(const kernels::KSplit& split) {
  return {{"subgroups", split.subgroups}, {"slices", split.slices}};
}

json result_json(const bench::CaseResult& r) {
  json j = {{"shape", r.key.shape},
            {"n", r.key.n},
            {"k", r.key.k},
            {"group_size", r.key.group_size},
            {"kernel", r.key.kernel},
            {"reproduces", text_or_null(kernels::reproduces_of(r.key.kernel, r.key.dtype))},
            {"quantization", quant::to_string(kernels::quantization_of(r.key.kernel))},
            {"dtype", to_string(r.key.dtype)},
            {"storage", to_string(r.key.storage)},
            {"seed", r.seed},
            {"count_per_token", r.count_per_token},
            {"slices", r.slices},
            {"split_k", r.k_split ? split_k_json(*r.k_split) : json(nullptr)},
            {"cold_cache", {{"copies", r.cold_cache_copies}, {"footprint_bytes", r.cold_cache_footprint}}},
            {"roofline_fraction", r.roofline_fraction ? json(*r.roofline_fraction) : json(nullptr)},
            {"config", r.config ? config_json(*r.config, r.config_source) : json(nullptr)},
            {"status", to_string(r.status)},
            {"message", r.message},
            {"bytes", {{"weights", r.bytes.weights}, {"qparams", r.bytes.qparams}, {"input", r.bytes.input},
                       {"output", r.bytes.output}, {"total", r.bytes.total()}}},
            {"gbps", r.timing ? json(r.gbps) : json(nullptr)},
            {"speedup_vs_legacy", r.speedup_vs_legacy ? json(*r.speedup_vs_legacy) : json(nullptr)},
            {"validation", r.validation ? validation_json(*r.validation) : json(nullptr)}};
  j["timing"] = r.timing ? timing_json(*r.timing) : json(nullptr);
  j["speedup"] = r.speedup ? speedup_json(*r.speedup) : json(nullptr);
  j["unstable"] = r.unstable();
  j["interleave_group"] = r.interleave_group;
  return j;
}

json settings_json(const bench::SweepPlan& plan, const RunInfo& info) {
  json kernels = json::array(), dtypes = json::array(), storages = json::array();
  for (const auto* k : plan.kernels) kernels.push_back(k->name);
  for (auto d : plan.dtypes) dtypes.push_back(to_string(d));
  for (auto s : plan.storages) storages.push_back(to_string(s));
  return {{"shapes_file", plan.shapes.name},
          {"shapes_source", plan.shapes.source},
          {"kernels", kernels},
          {"dtypes", dtypes},
          {"storages", storages},
          {"seed", plan.seed},
          {"warmup", {{"min_dispatches", plan.settings.timing.warmup},
                      {"tolerance", plan.settings.timing.warmup_tolerance},
                      {"max_seconds", std::min(plan.settings.timing.warmup_max_s, plan.settings.timing.max_time_s / 2)}}},
          {"repetitions", plan.settings.timing.repetitions},
          {"min_time_s", plan.settings.timing.min_time_s},
          {"max_time_s", plan.settings.timing.max_time_s},
          {"timer", plan.settings.timing.cpu_timer ? "cpu" : "gpu"},
          {"samples", plan.settings.timing.samples},
          {"group_size", plan.group_size_override ? json(*plan.group_size_override) : json(nullptr)},
          {"interleaved", true},
          {"roofline", plan.roofline},
          {"validate", plan.settings.validate},
          {"max_binding_bytes", plan.settings.max_binding_bytes},
          {"cold_cache", plan.settings.cold_cache_bytes == 0 ? "off" : "on"},
          {"cold_cache_target_bytes", plan.settings.cold_cache_bytes},
          {"validation_layer", info.validation_layer},
          {"gpu_timeout_s", plan.context_options.submit_timeout_s},
          {"command_line", info.command_line}};
}

json model_json(const bench::SweepPlan& plan, const std::vector<bench::CaseResult>& results) {
  json per_variant = json::array();
  for (const auto& e : bench::estimate_tokens(results, plan.shapes.shapes.size())) {
    per_variant.push_back({{"kernel", e.kernel},
                           {"dtype", to_string(e.dtype)},
                           {"storage", to_string(e.storage)},
                           {"complete", e.complete},
                           {"gemv_seconds_per_token", e.seconds_per_token},
                           {"bytes_per_token", e.bytes_per_token},
                           {"tokens_per_second_bound", e.tokens_per_second}});
  }
  if (per_variant.empty()) return nullptr;
  return {{"name", plan.shapes.name}, {"layers", plan.shapes.layers}, {"per_variant", per_variant}};
}

json roofline_json(const bench::SweepResult& sweep) {
  if (!sweep.roofline) {
    return sweep.roofline_error.empty() ? json(nullptr) : json({{"error", sweep.roofline_error}});
  }
  const auto& r = *sweep.roofline;
  return {{"buffer_bytes", r.buffer_bytes}, {"read_gbps", r.read_gbps}, {"copy_gbps", r.copy_gbps},
          {"read_timing", timing_json(r.read)}, {"copy_timing", timing_json(r.copy)}};
}

}  // namespace

nlohmann::json to_json(const RunInfo& info) {
  const auto& sweep = *info.sweep;
  json results = json::array();
  for (const auto& r : sweep.results) results.push_back(result_json(r));
  return {{"schema_version", kSchemaVersion},
          {"tool", {{"name", "qgemv-bench"}, {"version", build_info::kVersion}, {"git_commit", build_info::kGitCommit}}},
          {"context", {{"date", info.date},
                       {"host", info.host},
                       {"device", device_json(sweep.device)},
                       {"features", sweep.features},
                       {"validation_messages", sweep.validation_messages},
                       {"device_rebuilds", sweep.device_rebuilds},
                       {"wall_seconds", sweep.wall_s}}},
          {"settings", settings_json(*info.plan, info)},
          {"complete", !sweep.incomplete},
          {"incomplete_reason", sweep.incomplete ? json(info.incomplete_reason) : json(nullptr)},
          {"roofline", roofline_json(sweep)},
          {"results", results},
          {"model", model_json(*info.plan, sweep.results)}};
}

}  // namespace qgemv::report
