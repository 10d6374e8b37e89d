#pragma once
// What one decode token is, as data: every GEMV of every layer in model order (layer 0's shapes in
// file order, then layer 1's, ...), then the model-scope GEMVs (lm_head). Each instance has its own
// weights, as each linear layer of a model does. Pure functions, so the composition and the
// per-token arithmetic are unit-tested without a device.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/shapes.hpp"

namespace qgemv::bench {

inline constexpr std::int64_t kModelScope = -1;

struct GemvInstance {
  std::size_t shape_index = 0;      // into ShapesFile::shapes
  std::int64_t layer = kModelScope;  // 0-based, or kModelScope
  std::int64_t index = 0;           // 0..count-1: a shape may occur several times per layer
};

// Layers a decode replays: the file's, or `requested` (--layers N, 1..file.layers). UsageError when
// the file gives no token counts (no "layers", no "count") or `requested` is out of range.
std::int64_t layers_to_replay(const config::ShapesFile& file, std::optional<std::int64_t> requested);

// The GEMVs of one token over `layers` layers, in the order they run.
std::vector<GemvInstance> compose_token(const config::ShapesFile& file, std::int64_t layers);

// "layer3.q", "layer3.gate#1" (second of a count of 2), "lm_head": names the instance in messages
// and seeds its data, so every layer's weights differ and a run is reproducible.
std::string instance_name(const config::ShapesFile& file, const GemvInstance& instance);

// The model with every shape shrunk to 8 outputs x one quantization group (names, counts, scopes
// and so the token's order and barriers unchanged): its token costs what dispatching,
// synchronising and a kernel's shortest run cost, with next to no GEMV work.
config::ShapesFile floor_model(const config::ShapesFile& file);

// The model as an engine that stores a layer's same-input weights concatenated runs it: each run of
// consecutive layer shapes that read one input (same input_role, K and G; a counted shape's
// instances too) becomes one shape "q+k+v" ("up+up") whose N is their sum. Weights and qparams per
// token are unchanged, x is read once per fused GEMV, the graph barriers stay where they were.
config::ShapesFile fused_model(const config::ShapesFile& file);

// The file's shapes that differ in (N, K, G), as indices of their first entry: what the isolated
// per-shape pass measures.
std::vector<std::size_t> distinct_shapes(const config::ShapesFile& file);

// Sum over the file's shapes of an isolated per-GEMV time times the shape's count per token;
// std::nullopt when a shape has no time (`seconds_of(shape_index)` returns std::nullopt).
template <typename SecondsOf>
std::optional<double> isolated_seconds_per_token(const config::ShapesFile& file, std::int64_t layers,
                                                 SecondsOf seconds_of) {
  double total = 0;
  for (std::size_t i = 0; i < file.shapes.size(); ++i) {
    const std::optional<double> seconds = seconds_of(i);
    if (!seconds) return std::nullopt;
    total += *seconds * static_cast<double>(file.shapes[i].per_token(layers));
  }
  return total;
}

// Where the replay records a pipeline barrier between two GEMVs of a token (docs/decode.md,
// "Barriers"): `graph` where a graph runtime puts one, `all` between every pair, `none` nowhere.
enum class BarrierMode { graph, all, none };
std::string barrier_mode_name(BarrierMode mode);
// "graph", "all", "none"; the older "on" and "off" mean all and none. UsageError otherwise.
BarrierMode parse_barrier_mode(const std::string& text);

// What a layer GEMV reads, by its shape's name (case-insensitive): q, k and v (also q_proj, wq,
// ...) the attention input, gate and up (gate_proj, w1, w3, ...) the MLP input; any other shape
// reads an input of its own, shared only by its own instances (a count of 2 is one such pair).
std::string input_role(const config::Shape& shape);

// For each GEMV of `token`, whether a barrier is recorded before it. Graph: unless it reads what
// the GEMV before it reads (same layer, same K, same input role), since it may read what any GEMV
// since the last barrier wrote; never before the first GEMV (the token boundary is a barrier).
std::vector<bool> barriers_before(const config::ShapesFile& file, const std::vector<GemvInstance>& token,
                                  BarrierMode mode);

// Per-token figures from the measured median GPU time per token.
struct TokenFigures {
  double tokens_per_second = 0;                // 1 / time: the bound GEMVs alone allow
  double gbps = 0;                             // bytes per token / time, 1e9 bytes per second
  std::optional<double> roofline_fraction;     // gbps / the run's read bandwidth
  std::optional<double> token_over_isolated;   // token time / sum of isolated times (< 1: overhead hidden)
  std::optional<double> hidden_seconds;        // isolated sum - token time
};
TokenFigures token_figures(double seconds_per_token, double bytes_per_token, std::optional<double> read_gbps,
                           std::optional<double> isolated_seconds);

}  // namespace qgemv::bench
