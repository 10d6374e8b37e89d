// Token composition (model order, counts, --layers), the per-token arithmetic and the timing
// rules of the decode replay, without a device.
#include <gtest/gtest.h>

#include <set>

#include "bench/decode.hpp"
#include "bench/decode_token.hpp"
#include "bench/footprint.hpp"
#include "config/shapes.hpp"
#include "util/error.hpp"

namespace qgemv {
namespace {

using bench::GemvInstance;
using bench::kModelScope;

config::ShapesFile tiny() { return config::load_shapes(std::string(QGEMV_SOURCE_DIR) + "/tests/data/tiny_model.json"); }

std::vector<std::string> names(const config::ShapesFile& file, const std::vector<GemvInstance>& token) {
  std::vector<std::string> out;
  for (const auto& i : token) out.push_back(bench::instance_name(file, i));
  return out;
}

TEST(DecodeToken, EveryLayerInModelOrderThenTheModelScopeShapes) {
  const auto file = tiny();
  const auto token = bench::compose_token(file, 2);
  EXPECT_EQ(names(file, token),
            (std::vector<std::string>{"layer0.q", "layer0.up#0", "layer0.up#1", "layer0.down", "layer0.o", "layer1.q",
                                      "layer1.up#0", "layer1.up#1", "layer1.down", "layer1.o", "head"}));
  EXPECT_EQ(token.back().layer, kModelScope);
  EXPECT_EQ(token[5].layer, 1);
  EXPECT_EQ(token[2].index, 1);
}

TEST(DecodeToken, CountsMatchTheShapesPerTokenCounts) {
  const auto file = config::load_shapes("llama1b.json");
  const auto token = bench::compose_token(file, file.layers);
  std::int64_t expected = 0;
  for (const auto& s : file.shapes) expected += s.per_token(file.layers);
  EXPECT_EQ(static_cast<std::int64_t>(token.size()), expected);
  EXPECT_EQ(token.size(), 16u * 7u + 1u);
  // Every instance has its own name, hence its own seed and data.
  const auto all = names(file, token);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
  EXPECT_NE(bench::case_seed(1, all[0]), bench::case_seed(1, all[7]));  // layer0.q vs layer1.q
}

TEST(DecodeToken, LayersOptionReplaysFewerLayersButKeepsTheHead) {
  const auto file = tiny();
  EXPECT_EQ(bench::layers_to_replay(file, std::nullopt), 2);
  EXPECT_EQ(bench::layers_to_replay(file, 1), 1);
  const auto token = bench::compose_token(file, 1);
  EXPECT_EQ(names(file, token),
            (std::vector<std::string>{"layer0.q", "layer0.up#0", "layer0.up#1", "layer0.down", "layer0.o", "head"}));
  EXPECT_THROW(bench::layers_to_replay(file, 3), UsageError);
  EXPECT_THROW(bench::layers_to_replay(file, 0), UsageError);
}

TEST(DecodeToken, AFileWithoutTokenCountsIsAUsageError) {
  const auto smoke = config::load_shapes("smoke.json");
  ASSERT_FALSE(smoke.has_token_counts);
  try {
    bench::layers_to_replay(smoke, std::nullopt);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no token counts"), std::string::npos) << e.what();
  }
}

TEST(DecodeToken, CountOnlyFilesHaveOneLayer) {
  const auto file = config::parse_shapes(
      R"({"name": "c", "shapes": [{"name": "a", "n": 8, "k": 256, "count": 3}, {"name": "b", "n": 8, "k": 256}]})", "c");
  ASSERT_TRUE(file.has_token_counts);
  EXPECT_EQ(bench::layers_to_replay(file, std::nullopt), 1);
  EXPECT_EQ(names(file, bench::compose_token(file, 1)), (std::vector<std::string>{"a#0", "a#1", "a#2", "b"}));
}

TEST(DecodeToken, DistinctShapesShareIsolatedTimes) {
  const auto file = tiny();
  EXPECT_EQ(bench::distinct_shapes(file), (std::vector<std::size_t>{0, 1, 2, 4}));  // o is q's shape
}

TEST(DecodeToken, IsolatedSumIsEachTimeTimesItsCountPerToken) {
  const auto file = tiny();
  const std::vector<double> seconds = {1e-6, 2e-6, 3e-6, 4e-6, 5e-6};
  const auto sum = bench::isolated_seconds_per_token(file, 2, [&](std::size_t i) { return std::optional(seconds[i]); });
  // q 2, up 2x2, down 2, o 2 (per layer x 2 layers), head 1.
  ASSERT_TRUE(sum.has_value());
  EXPECT_NEAR(*sum, 2e-6 + 4 * 2e-6 + 2 * 3e-6 + 2 * 4e-6 + 5e-6, 1e-15);
  const auto one_layer = bench::isolated_seconds_per_token(file, 1, [&](std::size_t i) { return std::optional(seconds[i]); });
  EXPECT_NEAR(*one_layer, 1e-6 + 2 * 2e-6 + 3e-6 + 4e-6 + 5e-6, 1e-15);
  const auto missing = bench::isolated_seconds_per_token(
      file, 2, [&](std::size_t i) { return i == 3 ? std::nullopt : std::optional(seconds[i]); });
  EXPECT_FALSE(missing.has_value());
}

TEST(DecodeToken, PerTokenFigures) {
  const auto f = bench::token_figures(2e-3, 1e9, 1000.0, 3e-3);
  EXPECT_DOUBLE_EQ(f.tokens_per_second, 500.0);
  EXPECT_DOUBLE_EQ(f.gbps, 500.0);
  ASSERT_TRUE(f.roofline_fraction);
  EXPECT_DOUBLE_EQ(*f.roofline_fraction, 0.5);
  ASSERT_TRUE(f.token_over_isolated);
  EXPECT_NEAR(*f.token_over_isolated, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(*f.hidden_seconds, 1e-3, 1e-15);
  const auto bare = bench::token_figures(2e-3, 1e9, std::nullopt, std::nullopt);
  EXPECT_FALSE(bare.roofline_fraction);
  EXPECT_FALSE(bare.token_over_isolated);
}

TEST(DecodeToken, ModelFootprintIsEveryInstanceOnce) {
  const auto file = tiny();
  const auto total = bench::model_footprint(file, 2, DType::fp16);
  std::int64_t expected = 0;
  for (const auto& s : file.shapes) {
    expected += bench::gemv_bytes({s.n, s.k, s.group_size}, DType::fp16).total() * s.per_token(2);
  }
  EXPECT_EQ(total.per_token.total(), expected);
  EXPECT_EQ(total.device_bytes, static_cast<std::uint64_t>(expected));
  EXPECT_LT(bench::model_footprint(file, 1, DType::fp16).device_bytes, total.device_bytes);
  // Llama 3.2 1B at int4 with fp32 qparams: about 0.7 GB of weights and qparams per token.
  const auto llama = bench::model_footprint(config::load_shapes("llama1b.json"), 16, DType::fp32);
  EXPECT_GT(llama.per_token.weights + llama.per_token.qparams, 600'000'000);
  EXPECT_LT(llama.per_token.weights + llama.per_token.qparams, 900'000'000);
}

// The GEMVs with a barrier before them, by instance name.
std::vector<std::string> barriered(const config::ShapesFile& file, std::int64_t layers, bench::BarrierMode mode) {
  const auto token = bench::compose_token(file, layers);
  const auto before = bench::barriers_before(file, token, mode);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (before[i]) out.push_back(bench::instance_name(file, token[i]));
  }
  return out;
}

// q, k and v read one input and gate and up another: a barrier before o (attention output), before
// gate (after o), before down (after gate/up), before the next layer's q and before lm_head.
TEST(DecodeBarriers, GraphPlacementIsWhereAGemvReadsWhatEarlierOnesWrote) {
  const auto llama = config::load_shapes("llama1b.json");
  EXPECT_EQ(barriered(llama, 2, bench::BarrierMode::graph),
            (std::vector<std::string>{"layer0.o", "layer0.gate", "layer0.down", "layer1.q", "layer1.o", "layer1.gate",
                                      "layer1.down", "lm_head"}));
  // Per token: 3 per layer, one between layers, one before the head.
  EXPECT_EQ(barriered(llama, 16, bench::BarrierMode::graph).size(), 16u * 3 + 15 + 1);
  // qwen3: o's K (2048) is not q's (1024), the same four places per layer.
  EXPECT_EQ(barriered(config::load_shapes("qwen3-0.6b.json"), 1, bench::BarrierMode::graph),
            (std::vector<std::string>{"layer0.o", "layer0.gate", "layer0.down", "lm_head"}));
}

// --floor's model: the same token in the same order with the same barriers, every GEMV 8 x G.
TEST(DecodeBarriers, FloorModelKeepsTheTokenAndItsBarriers) {
  for (const char* name : {"llama1b.json", "qwen3-0.6b.json"}) {
    SCOPED_TRACE(name);
    const auto model = config::load_shapes(name);
    const auto floor = bench::floor_model(model);
    ASSERT_EQ(floor.shapes.size(), model.shapes.size());
    for (std::size_t i = 0; i < model.shapes.size(); ++i) {
      EXPECT_EQ(floor.shapes[i].n, 8);
      EXPECT_EQ(floor.shapes[i].k, model.shapes[i].group_size);
      EXPECT_EQ(floor.shapes[i].per_token(model.layers), model.shapes[i].per_token(model.layers));
    }
    const auto token = bench::compose_token(model, model.layers);
    EXPECT_EQ(names(floor, bench::compose_token(floor, model.layers)), names(model, token));
    for (auto mode : {bench::BarrierMode::graph, bench::BarrierMode::all}) {
      EXPECT_EQ(barriered(floor, model.layers, mode), barriered(model, model.layers, mode));
    }
  }
}

// --fuse: each run of same-input layer GEMVs becomes one, with the weights and barriers it had.
TEST(DecodeBarriers, FusedModelJoinsSameInputGemvsAndKeepsBytesAndBarriers) {
  const auto llama = config::load_shapes("llama1b.json");
  const auto fused = bench::fused_model(llama);
  std::vector<std::string> shape_names;
  std::vector<std::int64_t> ns;
  for (const auto& s : fused.shapes) {
    shape_names.push_back(s.name);
    ns.push_back(s.n);
  }
  EXPECT_EQ(shape_names, (std::vector<std::string>{"q+k+v", "o", "gate+up", "down", "lm_head"}));
  EXPECT_EQ(ns, (std::vector<std::int64_t>{3072, 2048, 16384, 2048, 128256}));
  EXPECT_EQ(bench::compose_token(fused, 16).size(), 16u * 4 + 1);
  const auto before = bench::model_footprint(llama, 16, DType::fp32).per_token;
  const auto after = bench::model_footprint(fused, 16, DType::fp32).per_token;
  EXPECT_EQ(after.weights, before.weights);
  EXPECT_EQ(after.qparams, before.qparams);
  EXPECT_EQ(after.output, before.output);
  EXPECT_LT(after.input, before.input);  // x read once per fused GEMV
  EXPECT_EQ(barriered(fused, 16, bench::BarrierMode::graph).size(), barriered(llama, 16, bench::BarrierMode::graph).size());
  EXPECT_EQ(barriered(fused, 2, bench::BarrierMode::graph),
            (std::vector<std::string>{"layer0.o", "layer0.gate+up", "layer0.down", "layer1.q+k+v", "layer1.o",
                                      "layer1.gate+up", "layer1.down", "lm_head"}));

  // A counted shape's instances join too; shapes of their own input and the model scope stay.
  const auto tiny_fused = bench::fused_model(tiny());
  ASSERT_EQ(tiny_fused.shapes.size(), 5u);
  EXPECT_EQ(tiny_fused.shapes[1].name, "up+up");
  EXPECT_EQ(tiny_fused.shapes[1].n, 256);
  EXPECT_EQ(tiny_fused.shapes[1].count, 1);
  EXPECT_EQ(tiny_fused.shapes[2].name, "down");
  EXPECT_EQ(tiny_fused.shapes[4].name, "head");
  EXPECT_EQ(barriered(tiny_fused, 2, bench::BarrierMode::graph).size(), barriered(tiny(), 2, bench::BarrierMode::graph).size());
}

TEST(DecodeBarriers, AllIsEveryPairAndNoneIsNone) {
  const auto llama = config::load_shapes("llama1b.json");
  EXPECT_EQ(barriered(llama, 16, bench::BarrierMode::all).size(), 16u * 7);  // 113 GEMVs, 112 gaps
  EXPECT_TRUE(barriered(llama, 16, bench::BarrierMode::none).empty());
  EXPECT_EQ(bench::parse_barrier_mode("on"), bench::BarrierMode::all);
  EXPECT_EQ(bench::parse_barrier_mode("off"), bench::BarrierMode::none);
  EXPECT_EQ(bench::parse_barrier_mode("graph"), bench::BarrierMode::graph);
  EXPECT_THROW(bench::parse_barrier_mode("maybe"), UsageError);
}

// A shape the role table does not know reads an input of its own: only its own instances (a count
// of 2) share it; the same K alone is not enough.
TEST(DecodeBarriers, UnknownNamesShareAnInputOnlyWithTheirOwnInstances) {
  const auto file = tiny();  // per layer q, up x2, down, o; then head
  EXPECT_EQ(barriered(file, 2, bench::BarrierMode::graph),
            (std::vector<std::string>{"layer0.up#0", "layer0.down", "layer0.o", "layer1.q", "layer1.up#0", "layer1.down",
                                      "layer1.o", "head"}));
  config::Shape a{.name = "a", .n = 64, .k = 256};
  config::Shape b{.name = "b", .n = 64, .k = 256};
  EXPECT_NE(bench::input_role(a), bench::input_role(b));
  config::Shape upper{.name = "Q_PROJ", .n = 64, .k = 256};
  config::Shape v{.name = "v", .n = 64, .k = 256};
  EXPECT_EQ(bench::input_role(upper), bench::input_role(v));
}

// Same role but a different K (a file whose "up" reads another width) is another input.
TEST(DecodeBarriers, SameRoleWithAnotherKGetsABarrier) {
  auto file = tiny();
  file.shapes = {config::Shape{.name = "gate", .n = 64, .k = 256, .group_size = 64, .scope = config::Scope::layer},
                 config::Shape{.name = "up", .n = 64, .k = 512, .group_size = 64, .scope = config::Scope::layer}};
  file.layers = 1;
  EXPECT_EQ(barriered(file, 1, bench::BarrierMode::graph), (std::vector<std::string>{"layer0.up"}));
}

}  // namespace
}  // namespace qgemv
