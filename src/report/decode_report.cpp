#include "report/decode_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bench/footprint.hpp"
#include "kernels/kernel_table.hpp"
#include "report/timing_json.hpp"
#include "version.hpp"

namespace qgemv::report {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json bytes_json(const bench::Bytes& b) {
  return {{"weights", b.weights}, {"qparams", b.qparams}, {"input", b.input}, {"output", b.output},
          {"total", b.total()}};
}

// "per_token", "samples", "repetitions", "warmup_tokens" and "warmup_steady" keep their first
// form, so older readers still read them; "warmup" and "stability" are the sweep's.
json timing_json(const bench::Timing& t) {
  json repetitions = json::array();
  json samples = json::array();
  for (const auto& r : t.repetitions) {
    repetitions.push_back({{"seconds_per_token", r.seconds}, {"tokens", r.dispatches}});
    samples.push_back(r.seconds);
  }
  return {{"timer", t.timer},
          {"unit", "s"},
          {"per_token", summary_json(t.summary)},
          {"samples", samples},
          {"repetitions", repetitions},
          {"warmup_tokens", t.warmup.dispatches},
          {"warmup_steady", t.warmup.converged},
          {"warmup", {{"tokens", t.warmup.dispatches}, {"seconds", t.warmup.seconds}, {"converged", t.warmup.converged}}},
          {"stability", timing_stability_json(t)}};
}

json isolated_json(const bench::DecodeVariant& v) {
  json shapes = json::array();
  for (const auto& s : v.isolated) {
    shapes.push_back({{"shape", s.shape}, {"n", s.n}, {"k", s.k}, {"group_size", s.group_size},
                      {"count_per_token", s.count_per_token}, {"status", to_string(s.status)},
                      {"message", s.message}, {"median_s", optional_number(s.median_s)}});
  }
  return {{"seconds_per_token", optional_number(v.isolated_seconds_per_token)}, {"shapes", shapes}};
}

json variant_json(const bench::DecodeVariant& v) {
  json profile = nullptr;
  if (!v.profile.empty()) {
    profile = json::array();
    for (const auto& s : v.profile) {
      profile.push_back({{"shape", s.shape}, {"gemvs", s.gemvs}, {"seconds_per_token", s.seconds_per_token},
                         {"share", s.share}});
    }
  }
  const bool timed = v.timing && !v.timing->repetitions.empty();
  return {{"kernel", v.kernel},
          {"dtype", to_string(v.dtype)},
          {"storage", to_string(v.storage)},
          {"quantization", quant::to_string(kernels::quantization_of(v.kernel))},
          {"status", to_string(v.status)},
          {"message", v.message},
          {"unstable", v.unstable()},
          {"dispatches_per_token", v.dispatches_per_token},
          {"barriers_per_token", v.barriers_per_token},
          {"bytes_per_token", bytes_json(v.bytes_per_token)},
          {"timing", timed ? timing_json(*v.timing) : json(nullptr)},
          {"tokens_per_second_bound", timed ? json(v.figures.tokens_per_second) : json(nullptr)},
          {"gbps", timed ? json(v.figures.gbps) : json(nullptr)},
          {"roofline_fraction", optional_number(v.figures.roofline_fraction)},
          {"speedup_vs_baseline", optional_number(v.speedup_vs_baseline)},
          {"isolated", isolated_json(v)},
          {"overhead", {{"token_over_isolated", optional_number(v.figures.token_over_isolated)},
                        {"hidden_seconds_per_token", optional_number(v.figures.hidden_seconds)}}},
          {"validation", {{"gemvs_checked", v.validated_gemvs}, {"gemvs_failed", v.failed_gemvs},
                          {"worst_nrmse", v.validated_gemvs > 0 ? json(v.worst_nrmse) : json(nullptr)},
                          {"first_failure", v.first_failure}, {"failed_instances", v.failed_instances}}},
          {"profile", profile},
          {"floor", v.floor_seconds_per_token || !v.floor_message.empty()
                        ? json({{"seconds_per_token", optional_number(v.floor_seconds_per_token)},
                                {"message", v.floor_message}})
                        : json(nullptr)}};
}

json device_json(const vk_util::DeviceInfo& d) {
  return {{"index", d.index},         {"name", d.name},
          {"type", d.type},           {"vendor_id", d.vendor_id},
          {"device_id", d.device_id}, {"api_version", d.api_version},
          {"driver_name", d.driver_name}, {"driver_version", d.driver_version},
          {"timestamp_period_ns", d.timestamp_period_ns}, {"device_local_bytes", d.device_local_bytes}};
}

json roofline_json(const bench::DecodeResult& r) {
  if (!r.roofline) return r.roofline_error.empty() ? json(nullptr) : json({{"error", r.roofline_error}});
  return {{"buffer_bytes", r.roofline->buffer_bytes}, {"read_gbps", r.roofline->read_gbps},
          {"copy_gbps", r.roofline->copy_gbps}};
}

json warmup_policy_json(const bench::TimingSettings& t) {
  const double bound = std::min(t.warmup_max_s, t.max_time_s / 2);
  return {{"min_tokens", t.warmup},
          {"tolerance", t.warmup_tolerance},
          {"min_seconds", std::min(t.warmup_min_s, bound)},
          {"max_seconds", bound}};
}

json settings_json(const DecodeRunInfo& info) {
  const auto& plan = *info.plan;
  const auto& s = plan.sweep;
  json kernels = json::array(), dtypes = json::array(), storages = json::array();
  for (const auto* k : s.kernels) kernels.push_back(k->name);
  for (auto d : s.dtypes) dtypes.push_back(to_string(d));
  for (auto st : s.storages) storages.push_back(to_string(st));
  return {{"shapes_file", s.shapes.name},
          {"shapes_source", s.shapes.source},
          {"kernels", kernels},
          {"dtypes", dtypes},
          {"storages", storages},
          {"seed", s.seed},
          {"warmup_tokens", s.settings.timing.warmup},
          {"warmup", warmup_policy_json(bench::token_timing_settings(s.settings.timing))},
          {"repetitions", s.settings.timing.repetitions},
          {"min_time_s", s.settings.timing.min_time_s},
          {"max_time_s", s.settings.timing.max_time_s},
          {"barriers", plan.barriers != bench::BarrierMode::none},
          {"barrier_mode", bench::barrier_mode_name(plan.barriers)},
          {"profile", plan.profile},
          {"floor", plan.floor},
          {"fused", plan.fused},
          {"roofline", s.roofline},
          {"validate", s.settings.validate},
          {"isolated_cold_cache_target_bytes", s.settings.cold_cache_bytes},
          {"validation_layer", info.validation_layer},
          {"command_line", info.command_line}};
}

json model_json(const DecodeRunInfo& info) {
  const auto& r = *info.result;
  const auto& file = info.plan->sweep.shapes;
  json order = json::array();
  for (const auto& s : file.shapes) {
    order.push_back({{"shape", s.name}, {"n", s.n}, {"k", s.k}, {"group_size", s.group_size},
                     {"scope", s.scope == config::Scope::layer ? "layer" : "model"}, {"count", s.count},
                     {"per_token", s.per_token(r.layers)}});
  }
  return {{"name", file.name},
          {"group_size", file.group_size},
          {"layers_in_file", r.layers_in_file},
          {"layers", r.layers},
          {"all_layers", r.layers == r.layers_in_file},
          {"gemvs_per_token", r.gemvs_per_token},
          {"shapes", order}};
}

std::string variant_label(const bench::DecodeVariant& v) {
  return fmt::format("{} {} {}", v.kernel, to_string(v.dtype), to_string(v.storage));
}

std::string us(const std::optional<double>& seconds) { return seconds ? fmt::format("{:.1f}", *seconds * 1e6) : "-"; }

std::string status_cell(const bench::DecodeVariant& v) {
  if (v.status == bench::Status::skipped) return "skipped: " + v.message;
  if (v.status == bench::Status::failed) return "FAILED: " + v.message;
  if (v.validated_gemvs == 0) return "not checked";
  return fmt::format("ok ({} GEMVs, worst nrmse {:.1e})", v.validated_gemvs, v.worst_nrmse);
}

// The standard deviation, and UNSTABLE where the token times stayed non-stationary (as the sweep's tables).
std::string spread_cell(const bench::DecodeVariant& v) {
  std::string cell = us(v.timing->summary.stddev);
  if (v.unstable()) cell += " UNSTABLE";
  return cell;
}

// Barriers per token as recorded: the same for every variant that ran, so one figure.
std::string barrier_count(const bench::DecodeResult& r) {
  for (const auto& v : r.variants) {
    if (v.timing) return fmt::format(" ({} per token)", v.barriers_per_token);
  }
  return "";
}

std::string render(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c + 1 == row.size()) line += row[c];
      else line += c == 0 ? fmt::format("{:<{}}  ", row[c], width[c]) : fmt::format("{:>{}}  ", row[c], width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string floor_section(const bench::DecodeResult& r) {
  std::string out;
  for (const auto& v : r.variants) {
    if (!v.floor_seconds_per_token && v.floor_message.empty()) continue;
    if (out.empty()) {
      out = "\nFloor: the same token (dispatches, barriers, kernel) with every GEMV 8 x G: what dispatching, "
            "synchronising and the kernel's shortest run cost:\n";
    }
    const bool timed = v.timing && !v.timing->repetitions.empty();
    if (!v.floor_seconds_per_token) {
      out += fmt::format("  {}: not timed ({})\n", variant_label(v), v.floor_message);
    } else if (timed) {
      out += fmt::format("  {}: {} us/token, {:.0f}% of its token\n", variant_label(v), us(v.floor_seconds_per_token),
                         *v.floor_seconds_per_token / v.timing->summary.median * 100);
    } else {
      out += fmt::format("  {}: {} us/token\n", variant_label(v), us(v.floor_seconds_per_token));
    }
  }
  return out;
}

std::string profile_section(const bench::DecodeResult& r) {
  std::string out;
  for (const auto& v : r.variants) {
    if (v.profile.empty()) continue;
    out += fmt::format("\nProfile {} (median per GEMV, summed per token; share of the GEMV time):\n", variant_label(v));
    for (const auto& s : v.profile) {
      out += fmt::format("  {:<16} {:>4} x  {:>10.1f} us/token  {:>5.1f}%\n", s.shape, s.gemvs,
                         s.seconds_per_token * 1e6, s.share * 100);
    }
  }
  return out;
}

}  // namespace

json decode_json(const DecodeRunInfo& info) {
  const auto& r = *info.result;
  json results = json::array();
  for (const auto& v : r.variants) results.push_back(variant_json(v));
  return {{"schema_version", kDecodeSchemaVersion},
          {"mode", "decode"},
          {"tool", {{"name", "qgemv-bench"}, {"version", build_info::kVersion}, {"git_commit", build_info::kGitCommit}}},
          {"context", {{"date", info.date},
                       {"host", info.host},
                       {"device", device_json(r.device)},
                       {"features", r.features},
                       {"validation_messages", r.validation_messages},
                       {"wall_seconds", r.wall_s}}},
          {"settings", settings_json(info)},
          {"complete", !r.incomplete},
          {"incomplete_reason", r.incomplete ? json(info.incomplete_reason) : json(nullptr)},
          {"roofline", roofline_json(r)},
          {"model", model_json(info)},
          {"results", results}};
}

std::string decode_console(const DecodeRunInfo& info) {
  const auto& r = *info.result;
  const auto& file = info.plan->sweep.shapes;
  std::string out = fmt::format("qgemv-bench decode on {} ({}, driver {} {})\n", r.device.name, r.device.type,
                                r.device.driver_name, r.device.driver_version);
  out += fmt::format("Model {}: {} of {} layers, {} GEMVs per token{} in one command buffer, barriers {}{}\n",
                     file.name, r.layers, r.layers_in_file, r.gemvs_per_token,
                     info.plan->fused ? " (same-input GEMVs fused)" : "", bench::barrier_mode_name(info.plan->barriers),
                     barrier_count(r));
  if (r.layers < r.layers_in_file) {
    out += fmt::format("NOTE: --layers {} replays {} of the model's {} layers; per-token figures cover those only.\n",
                       r.layers, r.layers, r.layers_in_file);
  }
  std::vector<std::vector<std::string>> rows = {{"kernel dtype storage", "us/token", "sd us", "tokens/s", "MB/token",
                                                 "GB/s", "roofline", "isolated sum us", "token/isolated", "vs base",
                                                 "validation"}};
  for (const auto& v : r.variants) {
    const bool timed = v.timing && !v.timing->repetitions.empty();
    rows.push_back({variant_label(v) + (timed && v.timing->timer != "gpu" ? " (host timer)" : ""),
                    timed ? us(v.timing->summary.median) : "-",
                    timed ? spread_cell(v) : "-",
                    timed ? fmt::format("{:.1f}", v.figures.tokens_per_second) : "-",
                    fmt::format("{:.1f}", static_cast<double>(v.bytes_per_token.total()) * 1e-6),
                    timed ? fmt::format("{:.1f}", v.figures.gbps) : "-",
                    v.figures.roofline_fraction ? fmt::format("{:.0f}%", *v.figures.roofline_fraction * 100) : "-",
                    us(v.isolated_seconds_per_token),
                    v.figures.token_over_isolated ? fmt::format("{:.2f}", *v.figures.token_over_isolated) : "-",
                    v.speedup_vs_baseline ? fmt::format("{:.2f}x", *v.speedup_vs_baseline) : "-",
                    status_cell(v)});
  }
  out += render(rows);
  if (r.roofline) {
    out += fmt::format("\nRoofline ({} MiB buffers, same run): read {:.1f} GB/s; \"roofline\" is GB/s per token over it.\n",
                       r.roofline->buffer_bytes >> 20, r.roofline->read_gbps);
  } else if (!r.roofline_error.empty()) {
    out += "\nRoofline not measured: " + r.roofline_error + "\n";
  }
  out += "\"isolated sum\": each shape timed alone (per-case runner) times its count per token; token/isolated < 1 "
         "is per-dispatch overhead that back-to-back recording hides.\n";
  if (std::any_of(r.variants.begin(), r.variants.end(), [](const auto& v) { return v.unstable(); })) {
    out += "UNSTABLE: the token times drifted or had two levels even when measured again; not to be taken as fact "
           "(compare calls them inconclusive).\n";
  }
  out += floor_section(r);
  out += profile_section(r);
  if (r.incomplete) out += fmt::format("\nINCOMPLETE ({}): the results above are what ran.\n", info.incomplete_reason);
  return out;
}

}  // namespace qgemv::report
