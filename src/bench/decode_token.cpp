#include "bench/decode_token.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "util/error.hpp"

namespace qgemv::bench {

namespace {

// The input a layer GEMV reads when its name says so (q, gate_proj, ...), else null.
const std::string* named_role(const config::Shape& shape) {
  static const std::map<std::string, std::string> kRoles = {
      {"q", "attention input"},    {"k", "attention input"},      {"v", "attention input"},
      {"q_proj", "attention input"}, {"k_proj", "attention input"}, {"v_proj", "attention input"},
      {"wq", "attention input"},   {"wk", "attention input"},     {"wv", "attention input"},
      {"gate", "mlp input"},       {"up", "mlp input"},           {"gate_proj", "mlp input"},
      {"up_proj", "mlp input"},    {"w1", "mlp input"},           {"w3", "mlp input"},
  };
  std::string name = shape.name;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto it = kRoles.find(name);
  return it != kRoles.end() ? &it->second : nullptr;
}

}  // namespace

std::int64_t layers_to_replay(const config::ShapesFile& file, std::optional<std::int64_t> requested) {
  if (!file.has_token_counts) {
    throw UsageError(fmt::format("{}: decode needs a model shapes file (\"layers\" or per-shape \"count\"); "
                                 "this one gives no token counts",
                                 file.source));
  }
  if (!requested) return file.layers;
  if (*requested < 1 || *requested > file.layers) {
    throw UsageError(fmt::format("--layers {}: {} has {} layer(s); give 1 to {}", *requested, file.name, file.layers,
                                 file.layers));
  }
  return *requested;
}

std::vector<GemvInstance> compose_token(const config::ShapesFile& file, std::int64_t layers) {
  std::vector<GemvInstance> token;
  for (std::int64_t layer = 0; layer < layers; ++layer) {
    for (std::size_t s = 0; s < file.shapes.size(); ++s) {
      if (file.shapes[s].scope != config::Scope::layer) continue;
      for (std::int64_t i = 0; i < file.shapes[s].count; ++i) token.push_back({s, layer, i});
    }
  }
  for (std::size_t s = 0; s < file.shapes.size(); ++s) {
    if (file.shapes[s].scope != config::Scope::model) continue;
    for (std::int64_t i = 0; i < file.shapes[s].count; ++i) token.push_back({s, kModelScope, i});
  }
  return token;
}

std::string instance_name(const config::ShapesFile& file, const GemvInstance& instance) {
  const auto& shape = file.shapes.at(instance.shape_index);
  std::string name = instance.layer == kModelScope ? shape.name : fmt::format("layer{}.{}", instance.layer, shape.name);
  if (shape.count > 1) name += fmt::format("#{}", instance.index);
  return name;
}

config::ShapesFile floor_model(const config::ShapesFile& file) {
  auto floor = file;
  for (auto& shape : floor.shapes) {
    shape.n = 8;
    shape.k = shape.group_size;
  }
  return floor;
}

config::ShapesFile fused_model(const config::ShapesFile& file) {
  auto fused = file;
  fused.shapes.clear();
  const std::string* group_role = nullptr;  // the input the last fused shape reads, if others may join it
  for (const auto& shape : file.shapes) {
    if (shape.scope != config::Scope::layer) {
      fused.shapes.push_back(shape);
      group_role = nullptr;
      continue;
    }
    // A counted shape's instances read one input (docs/decode.md): they always join ("up+up").
    auto joined = shape;
    joined.n = shape.n * shape.count;
    joined.count = 1;
    for (std::int64_t i = 1; i < shape.count; ++i) joined.name += "+" + shape.name;
    const auto* role = named_role(shape);
    auto* last = fused.shapes.empty() ? nullptr : &fused.shapes.back();
    if (role && group_role && *role == *group_role && last->k == shape.k && last->group_size == shape.group_size) {
      last->name += "+" + joined.name;
      last->n += joined.n;
      continue;
    }
    fused.shapes.push_back(joined);
    group_role = role;
  }
  return fused;
}

std::vector<std::size_t> distinct_shapes(const config::ShapesFile& file) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < file.shapes.size(); ++i) {
    const auto& s = file.shapes[i];
    bool seen = false;
    for (const auto j : out) {
      const auto& t = file.shapes[j];
      seen = seen || std::tie(s.n, s.k, s.group_size) == std::tie(t.n, t.k, t.group_size);
    }
    if (!seen) out.push_back(i);
  }
  return out;
}

std::string barrier_mode_name(BarrierMode mode) {
  switch (mode) {
    case BarrierMode::graph: return "graph";
    case BarrierMode::all: return "all";
    case BarrierMode::none: return "none";
  }
  return "graph";
}

BarrierMode parse_barrier_mode(const std::string& text) {
  if (text == "graph") return BarrierMode::graph;
  if (text == "all" || text == "on") return BarrierMode::all;
  if (text == "none" || text == "off") return BarrierMode::none;
  throw UsageError(fmt::format("--barriers {}: expected graph, all or none", text));
}

std::string input_role(const config::Shape& shape) {
  const auto* role = named_role(shape);
  return role ? *role : "input of " + shape.name;
}

std::vector<bool> barriers_before(const config::ShapesFile& file, const std::vector<GemvInstance>& token,
                                  BarrierMode mode) {
  std::vector<bool> out(token.size(), false);
  for (std::size_t i = 1; i < token.size(); ++i) {
    if (mode != BarrierMode::graph) {
      out[i] = mode == BarrierMode::all;
      continue;
    }
    const auto& before = token[i - 1];
    const auto& shape = file.shapes[token[i].shape_index];
    const auto& previous = file.shapes[before.shape_index];
    const bool same_input =
        before.layer == token[i].layer && previous.k == shape.k && input_role(previous) == input_role(shape);
    out[i] = !same_input;
  }
  return out;
}

TokenFigures token_figures(double seconds_per_token, double bytes_per_token, std::optional<double> read_gbps,
                           std::optional<double> isolated_seconds) {
  TokenFigures f;
  if (seconds_per_token <= 0) return f;
  f.tokens_per_second = 1.0 / seconds_per_token;
  f.gbps = bytes_per_token / seconds_per_token * 1e-9;
  if (read_gbps && *read_gbps > 0) f.roofline_fraction = f.gbps / *read_gbps;
  if (isolated_seconds && *isolated_seconds > 0) {
    f.token_over_isolated = seconds_per_token / *isolated_seconds;
    f.hidden_seconds = *isolated_seconds - seconds_per_token;
  }
  return f;
}

}  // namespace qgemv::bench
