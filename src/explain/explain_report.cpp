#include "explain/explain_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "version.hpp"

namespace qgemv::explain {
namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 2;

std::string number(double v) {
  if (std::abs(v - std::round(v)) < 1e-9) return fmt::format("{}", std::llround(v));
  return fmt::format("{:.2f}", v);
}

std::string load_widths(const std::map<std::uint32_t, double>& widths, Storage storage) {
  std::string out;
  for (const auto& [bits, loads] : widths) {
    if (!out.empty()) out += "+";
    out += storage == Storage::bb ? fmt::format("{}x{}b", number(loads), bits) : fmt::format("{}tx", number(loads));
  }
  return out.empty() ? "0" : out;
}

// Loads of x and qparams: buffers in bb and bt, the x texture in tt.
std::string io_widths(const std::map<std::uint32_t, double>& widths) {
  std::string out;
  for (const auto& [bits, loads] : widths) out += fmt::format("{}{}x{}b", out.empty() ? "" : "+", number(loads), bits);
  return out.empty() ? "0" : out;
}

json widths_json(const std::map<std::uint32_t, double>& widths) {
  json out = json::object();
  for (const auto& [bits, loads] : widths) out[std::to_string(bits)] = loads;
  return out;
}

json tally_json(const Tally& tally) {
  json out = json::object();
  for (std::size_t i = 0; i < kCategoryCount; ++i) out[std::string(to_string(Category(i)))] = tally.counts[i];
  out["weight_load_bits"] = widths_json(tally.weight_load_bits);
  out["x_load_bits"] = widths_json(tally.x_load_bits);
  out["qparam_load_bits"] = widths_json(tally.qparam_load_bits);
  return out;
}

json driver_json(const std::vector<DriverExecutable>& executables, bool verbose) {
  json out = json::array();
  for (const auto& e : executables) {
    json stats = json::array();
    for (const auto& s : e.statistics) {
      stats.push_back({{"name", s.name}, {"description", s.description}, {"format", s.format}, {"value", s.value}});
    }
    json entry = {{"name", e.name}, {"description", e.description}, {"subgroup_size", e.subgroup_size},
                  {"statistics", stats}};
    if (verbose) {
      json reps = json::array();
      for (const auto& r : e.representations) {
        reps.push_back({{"name", r.name}, {"description", r.description}, {"is_text", r.is_text}, {"text", r.text}});
      }
      entry["internal_representations"] = reps;
    }
    out.push_back(entry);
  }
  return out;
}

json variant_json(const VariantExplanation& v, bool verbose) {
  json spec = json::object();
  for (const auto& [id, value] : v.specialization) spec[std::to_string(id)] = value;
  json nested = json::array();
  for (const auto& n : v.census.nested) {
    nested.push_back({{"header", n.header}, {"trip_count", n.trip_count}, {"unroll_hint", n.unroll_hint}});
  }
  json out = {{"kernel", v.kernel->name},
              {"dtype", to_string(v.dtype)},
              {"storage", to_string(v.storage)},
              {"module", v.module},
              {"specialization", spec},
              {"inner_loop_found", v.census.found},
              {"notes", v.notes},
              {"module_totals",
               {{"instructions", v.totals.instructions},
                {"loops", v.totals.loops},
                {"unroll_hint_loops", v.totals.unroll_loops},
                {"barriers", v.totals.barriers}}}};
  if (!v.tune_config.empty()) out["tune_config"] = v.tune_config;
  if (v.census.found) {
    out["inner_loop"] = {{"function", v.census.function},
                         {"header", v.census.header},
                         {"weights_per_load", v.weights_per_load},
                         {"weights_per_iteration", v.weights_per_iteration},
                         {"nested_loops", nested},
                         {"per_iteration", tally_json(v.census.per_iteration)}};
    out["per_32_weights"] = tally_json(v.per_32_weights);
  }
  if (v.driver_skipped.empty()) {
    out["driver"] = driver_json(v.driver, verbose);
  } else {
    out["driver_skipped"] = v.driver_skipped;
  }
  return out;
}

}  // namespace

std::string console_table(const Explanation& explanation, bool verbose) {
  std::string out;
  if (explanation.device) {
    out += fmt::format("device: {} ({} {})\n", explanation.device->name, explanation.device->driver_name,
                       explanation.device->driver_version);
  }
  out += "SPIR-V census of the inner loop, per 32 weights (loads: count x width; b = bits, tx = texel fetches;\n"
         "arithmetic: scalar operations; before the driver's optimisation)\n";
  const auto header = fmt::format("{:<28} {:>10} {:>9} {:>9} {:>5} {:>5} {:>5} {:>5} {:>5} {:>4} {:>5} {:>5} {:>5} "
                                  "{:>6} {:>6} {:>5}\n",
                                  "variant", "weights", "x", "qparams", "int", "bit", "cmp", "cvt", "fma", "mma", "fmul",
                                  "fadd", "addr", "shared", "locals", "bar");
  out += header;
  for (const auto& v : explanation.variants) {
    if (!v.census.found) {
      out += fmt::format("{:<28} (no inner loop reads the weights)\n", v.module);
      continue;
    }
    const auto& t = v.per_32_weights;
    out += fmt::format("{:<28} {:>10} {:>9} {:>9} {:>5} {:>5} {:>5} {:>5} {:>5} {:>4} {:>5} {:>5} {:>5} {:>6} {:>6} {:>5}\n",
                       v.module, load_widths(t.weight_load_bits, v.storage), io_widths(t.x_load_bits),
                       io_widths(t.qparam_load_bits), number(t[Category::int_op]), number(t[Category::bit_op]),
                       number(t[Category::compare_select]), number(t[Category::conversion]), number(t[Category::fma]),
                       number(t[Category::matrix_multiply_add]), number(t[Category::fmul]), number(t[Category::fadd]), number(t[Category::address]),
                       number(t[Category::shared_access]), number(t[Category::local]), number(t[Category::barrier]));
  }
  for (const auto& v : explanation.variants) {
    for (const auto& note : v.notes) out += fmt::format("note {}: {}\n", v.module, note);
  }
  out += fmt::format("driver statistics: {}\n", explanation.driver_statistics);
  for (const auto& v : explanation.variants) {
    if (!v.driver_skipped.empty()) {
      if (explanation.driver_statistics == "available") out += fmt::format("{}: skipped: {}\n", v.module, v.driver_skipped);
      continue;
    }
    for (const auto& e : v.driver) {
      out += fmt::format("{} [{}] subgroup {}:", v.module, e.name, e.subgroup_size);
      for (const auto& s : e.statistics) out += fmt::format(" {}={}", s.name, number(s.value));
      out += "\n";
      if (!verbose) continue;
      for (const auto& r : e.representations) {
        out += fmt::format("--- {} [{}] {} ({})\n", v.module, e.name, r.name, r.description);
        out += r.is_text ? r.text : std::string("(binary)");
        out += "\n";
      }
    }
  }
  return out;
}

json to_json(const Explanation& explanation, const std::string& command_line, const std::string& created_utc,
             bool verbose) {
  json variants = json::array();
  for (const auto& v : explanation.variants) variants.push_back(variant_json(v, verbose));
  json device = nullptr;
  if (explanation.device) {
    const auto& d = *explanation.device;
    device = {{"name", d.name},
              {"type", d.type},
              {"driver_id", d.driver_id},
              {"driver_name", d.driver_name},
              {"driver_version", d.driver_version},
              {"api_version", d.api_version},
              {"subgroup_size", d.subgroup_size}};
  }
  return {{"schema_version", kSchemaVersion},
          {"mode", "explain"},
          {"tool", {{"name", "qgemv-bench"}, {"version", build_info::kVersion}, {"git_commit", build_info::kGitCommit}}},
          {"created_utc", created_utc},
          {"command_line", command_line},
          {"device", device},
          {"driver_statistics", explanation.driver_statistics},
          {"census",
           {{"unit", "per 32 weights of the inner loop (the innermost loop without an unroll hint that reads the weight "
                     "binding)"},
            {"module", "the embedded SPIR-V as built, before specialization-constant folding and driver optimisation"},
            {"arithmetic", "scalar operations (a vec4 operation counts 4)"}}},
          {"variants", variants}};
}

}  // namespace qgemv::explain
