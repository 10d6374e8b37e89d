// `qgemv-bench decode` as a user runs it, on the Vulkan device present (lavapipe in CI) under the
// Khronos validation layer (ctest sets QGEMV_VALIDATION_LAYER=1): a tiny two-layer model replayed
// token by token, every GEMV of the first token checked against its own layer's reference.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "../support/temp_dir_test.hpp"

namespace {

using qgemv::testing::read_file;
using Decode = qgemv::testing::TempDirTest;
using nlohmann::json;

// A kernel that decodes its nibbles in the wrong order: the one place this test names it.
constexpr const char* kBrokenKernel = "legacy_swapped_nibbles";
// --max-time 1: the token warm-up's 1 s floor is capped at half of it, 0.5 s per variant.
const std::string kFastLoud = " --warmup 1 --repetitions 3 --min-time 0 --max-time 1 --cold-cache off --roofline off";
const std::string kFast = kFastLoud + " --quiet";
constexpr std::int64_t kGemvsPerToken = 11;  // tiny_model.json: 2 layers x (q, up x2, down, o) + head
// Graph placement on tiny_model.json: before up#0, down, o of each layer, the second layer's q and
// the head; not between the two instances of up, which read one input.
constexpr std::int64_t kGraphBarriersPerToken = 8;

std::string tiny_model() { return std::string(QGEMV_SOURCE_DIR) + "/tests/data/tiny_model.json"; }

json read_json(const std::filesystem::path& path) { return json::parse(read_file(path)); }

TEST_F(Decode, TinyModelReplaysValidatesAndWritesItsDocument) {
  const auto out = dir_ / "decode.json";
  const auto r = run("decode --shapes " + tiny_model() +
                     " --kernels legacy,coop,coop_tuned --dtype fp32,fp16 --storage bb,tt --profile --out " +
                     out.string() + kFast);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = read_json(out);
  EXPECT_EQ(doc["schema_version"], 2);
  EXPECT_EQ(doc["mode"], "decode");
  EXPECT_TRUE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["context"]["validation_messages"], 0);
  EXPECT_EQ(doc["model"]["gemvs_per_token"], kGemvsPerToken);
  EXPECT_EQ(doc["model"]["layers"], 2);
  EXPECT_TRUE(doc["model"]["all_layers"].get<bool>());
  EXPECT_TRUE(doc["settings"]["barriers"].get<bool>());
  EXPECT_EQ(doc["settings"]["barrier_mode"], "graph");
  EXPECT_EQ(doc["settings"]["warmup"]["min_seconds"], 0.5);
  EXPECT_FALSE(doc["settings"]["floor"].get<bool>());
  EXPECT_FALSE(doc["settings"]["fused"].get<bool>());
  ASSERT_EQ(doc["results"].size(), 12u);  // 3 kernels x 2 dtypes x 2 storages
  for (const auto& v : doc["results"]) {
    SCOPED_TRACE(v.dump());
    ASSERT_EQ(v["status"], "ok");
    EXPECT_TRUE(v["floor"].is_null());  // without --floor
    EXPECT_EQ(v["validation"]["gemvs_checked"], kGemvsPerToken);
    EXPECT_EQ(v["validation"]["gemvs_failed"], 0);
    EXPECT_EQ(v["barriers_per_token"], kGraphBarriersPerToken);
    EXPECT_FALSE(v["unstable"].is_null());
    EXPECT_FALSE(v["timing"]["stability"]["unstable"].is_null());
    EXPECT_GE(v["timing"]["warmup"]["tokens"].get<int>(), 1);
    EXPECT_EQ(v["timing"]["warmup"]["tokens"], v["timing"]["warmup_tokens"]);
    // Tiny tokens agree within milliseconds; the floor keeps the warm-up going past a clock plateau.
    EXPECT_GE(v["timing"]["warmup"]["seconds"].get<double>(), 0.5);
    EXPECT_GE(v["timing"]["samples"].size(), 3u);
    for (const auto& rep : v["timing"]["repetitions"]) EXPECT_GE(rep["tokens"].get<int>(), 1);
    const double token = v["timing"]["per_token"]["median"].get<double>();
    EXPECT_GT(token, 0.0);
    EXPECT_NEAR(v["tokens_per_second_bound"].get<double>(), 1.0 / token, 1e-9 / token);
    EXPECT_GT(v["isolated"]["seconds_per_token"].get<double>(), 0.0);
    EXPECT_EQ(v["isolated"]["shapes"].size(), 5u);
    EXPECT_NEAR(v["overhead"]["token_over_isolated"].get<double>() * v["isolated"]["seconds_per_token"].get<double>(),
                token, token * 1e-9);
    double share = 0;
    std::int64_t gemvs = 0;
    for (const auto& s : v["profile"]) {
      share += s["share"].get<double>();
      gemvs += s["gemvs"].get<std::int64_t>();
    }
    EXPECT_NEAR(share, 1.0, 1e-9);
    EXPECT_EQ(gemvs, kGemvsPerToken);
  }
  // Bytes per token: every instance's weights, qparams, x and y; fp16 halves the non-weight part.
  const auto& first = doc["results"][0]["bytes_per_token"];
  std::int64_t weights = 0;
  for (const auto& s : doc["model"]["shapes"]) {
    weights += (s["n"].get<std::int64_t>() + 7) / 8 * 8 * s["k"].get<std::int64_t>() / 2 * s["per_token"].get<std::int64_t>();
  }
  EXPECT_EQ(first["weights"].get<std::int64_t>(), weights);
}

TEST_F(Decode, ConsoleShowsTokenTimeNextToTheIsolatedSum) {
  const auto r = run("decode --shapes " + tiny_model() + " --kernels coop --barriers off" +
                     kFastLoud);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("us/token"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("isolated sum us"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("barriers none (0 per token)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coop fp32 bb"), std::string::npos) << r.out;
}

// --floor replays the same token with every GEMV shrunk to 8 x G, beside the real one (without it
// the document has nulls: TinyModelReplaysValidatesAndWritesItsDocument). Its time is not compared
// with anything: lavapipe's say nothing.
TEST_F(Decode, FloorIsTimedBesideTheTokenWhenAsked) {
  const auto out = dir_ / "floor.json";
  const auto r = run("decode --shapes " + tiny_model() + " --kernels coop,coop_tuned --dtype fp32 --floor --out " +
                     out.string() + kFastLoud);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Floor: the same token"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coop_tuned fp32 bb: "), std::string::npos) << r.out;
  const auto doc = read_json(out);
  EXPECT_TRUE(doc["settings"]["floor"].get<bool>());
  ASSERT_EQ(doc["results"].size(), 2u);
  for (const auto& v : doc["results"]) {
    SCOPED_TRACE(v.dump());
    ASSERT_TRUE(v["floor"].is_object());
    EXPECT_GT(v["floor"]["seconds_per_token"].get<double>(), 0);
    EXPECT_EQ(v["floor"]["message"], "");
  }
}

// --fuse replays the fused model (up+up as one GEMV per layer), validates every fused GEMV and says
// so in the document and on the console.
TEST_F(Decode, FuseRunsSameInputGemvsAsOneDispatch) {
  const auto out = dir_ / "fused.json";
  const auto r = run("decode --shapes " + tiny_model() + " --kernels coop,coop_tuned --dtype fp32,fp16 --fuse --out " +
                     out.string() + kFastLoud);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("9 GEMVs per token (same-input GEMVs fused)"), std::string::npos) << r.out;
  const auto doc = read_json(out);
  EXPECT_TRUE(doc["settings"]["fused"].get<bool>());
  EXPECT_EQ(doc["model"]["gemvs_per_token"], 9);
  EXPECT_EQ(doc["model"]["shapes"][1]["shape"], "up+up");
  for (const auto& v : doc["results"]) {
    SCOPED_TRACE(v.dump());
    EXPECT_EQ(v["status"], "ok");
    EXPECT_EQ(v["validation"]["gemvs_checked"], 9);
    EXPECT_EQ(v["barriers_per_token"], kGraphBarriersPerToken);
  }
}

// Every GEMV of the first token, in every layer and the head, is checked against the reference of
// its own weights: a broken kernel fails each of them, and decode exits 1.
TEST_F(Decode, BrokenKernelFailsEveryLayersGemvAndExitsOne) {
  const auto out = dir_ / "broken.json";
  // Test-only kernels live in the test build of the binary, never in the shipped one.
  const auto r = shell(std::string(QGEMV_TEST_KERNELS_BINARY) + " decode --shapes " + tiny_model() + " --kernels " +
                       kBrokenKernel + " --out " + out.string() + kFast);
  expect_no_validation_messages(r);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = read_json(out);
  ASSERT_EQ(doc["results"].size(), 1u);
  const auto& v = doc["results"][0];
  EXPECT_EQ(v["status"], "failed");
  EXPECT_EQ(v["validation"]["gemvs_checked"], kGemvsPerToken);
  EXPECT_EQ(v["validation"]["gemvs_failed"], kGemvsPerToken);
  std::set<std::string> failed;
  for (const auto& name : v["validation"]["failed_instances"]) failed.insert(name.get<std::string>());
  EXPECT_TRUE(failed.count("layer0.q") && failed.count("layer1.q") && failed.count("layer1.up#1") &&
              failed.count("head"))
      << v["validation"].dump();
  EXPECT_NE(v["message"].get<std::string>().find("layer0.q"), std::string::npos);
}

TEST_F(Decode, FewerLayersAreSaidInConsoleAndDocument) {
  const auto out = dir_ / "one_layer.json";
  const auto r = run("decode --shapes " + tiny_model() + " --kernels coop --layers 1 --warmup 0 --repetitions 2 "
                     "--min-time 0 --cold-cache off --roofline off --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--layers 1 replays 1 of the model's 2 layers"), std::string::npos) << r.out;
  const auto doc = read_json(out);
  EXPECT_EQ(doc["model"]["layers"], 1);
  EXPECT_EQ(doc["model"]["layers_in_file"], 2);
  EXPECT_FALSE(doc["model"]["all_layers"].get<bool>());
  EXPECT_EQ(doc["model"]["gemvs_per_token"], 6);
  EXPECT_EQ(doc["results"][0]["validation"]["gemvs_checked"], 6);
  // --warmup 0 leaves the sweep's one sizing token.
  EXPECT_EQ(doc["results"][0]["timing"]["warmup_tokens"], 1);
}

// `all` is a barrier between every two GEMVs, `none` none; the count is what was recorded.
TEST_F(Decode, BarrierModesRecordTheirCountPerToken) {
  for (const auto& [mode, count] : {std::pair{"all", kGemvsPerToken - 1}, std::pair{"none", std::int64_t{0}},
                                    std::pair{"on", kGemvsPerToken - 1}}) {
    SCOPED_TRACE(mode);
    const auto out = dir_ / (std::string(mode) + ".json");
    const auto r = run("decode --shapes " + tiny_model() + " --kernels coop --dtype fp32 --storage bb,tt --barriers " +
                       mode + " --out " + out.string() + kFast);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = read_json(out);
    EXPECT_EQ(doc["settings"]["barrier_mode"], std::string(mode) == "on" ? "all" : mode);
    for (const auto& v : doc["results"]) {
      EXPECT_EQ(v["barriers_per_token"], count);
      EXPECT_EQ(v["validation"]["gemvs_failed"], 0);  // every output still checked, whatever the barriers
    }
  }
}

// The sweep's drift rule on whole tokens: the injected ramp (to 10x, well clear of lavapipe's
// noise) is re-measured, stays unstable, is marked in JSON and on the console, and compare calls
// it inconclusive, not a regression.
TEST_F(Decode, DriftingTokenTimesAreRemeasuredMarkedUnstableAndInconclusive) {
  const std::string args = "decode --shapes " + tiny_model() +
                           " --kernels legacy,coop --dtype fp32 --warmup 1 --repetitions 9 --min-time 0 "
                           "--cold-cache off --roofline off";
  const auto base = dir_ / "base.json", drifting = dir_ / "drifting.json";
  ASSERT_EQ(run(args + " --quiet --out " + base.string()).exit_code, 0);
  const auto r = shell("QGEMV_FAULT_DRIFT_RAMP=9 " + std::string(QGEMV_BINARY) + " " + args + " --out " +
                       drifting.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("UNSTABLE"), std::string::npos) << r.out;
  const auto doc = read_json(drifting);
  for (const auto& v : doc["results"]) {
    SCOPED_TRACE(v.dump());
    EXPECT_TRUE(v["unstable"].get<bool>());
    EXPECT_TRUE(v["timing"]["stability"]["unstable"].get<bool>());
    EXPECT_TRUE(v["timing"]["stability"]["remeasured"].get<bool>());
    EXPECT_FALSE(v["timing"]["stability"]["reason"].get<std::string>().empty());
  }
  for (const char* metric : {"time", "speedup"}) {
    const auto c = run("compare " + base.string() + " " + drifting.string() + " --metric " + metric);
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
    EXPECT_NE(c.out.find("INCONCLUSIVE (unstable in NEW"), std::string::npos) << c.out;
    EXPECT_EQ(c.out.find("REGRESSION"), std::string::npos) << c.out;
  }
}

// A document from before the drift test (no stability, no barrier fields) still compares; its
// "barriers": true was a barrier between every two GEMVs, so it compares with --barriers all, and
// a run with another placement is refused as measured differently.
TEST_F(Decode, OlderDocumentsWithoutStabilityStillCompare) {
  const auto a = dir_ / "a.json", old = dir_ / "old.json", graph = dir_ / "graph.json";
  const std::string args = "decode --shapes " + tiny_model() + " --kernels coop --dtype fp32" + kFast;
  ASSERT_EQ(run(args + " --barriers all --out " + a.string()).exit_code, 0);
  ASSERT_EQ(run(args + " --out " + graph.string()).exit_code, 0);
  auto doc = read_json(a);
  doc["settings"].erase("barrier_mode");
  for (auto& v : doc["results"]) {
    v.erase("unstable");
    v.erase("barriers_per_token");
    v["timing"].erase("stability");
    v["timing"].erase("warmup");
    v["timing"]["per_token"].erase("ci_low");
  }
  std::ofstream(old) << doc.dump();
  const auto c = run("compare " + old.string() + " " + a.string());
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_EQ(c.out.find("INCONCLUSIVE"), std::string::npos) << c.out;
  const auto moved = run("compare " + old.string() + " " + graph.string());
  EXPECT_EQ(moved.exit_code, 2) << moved.out << moved.err;
  EXPECT_NE(moved.err.find("barrier_mode is \"all\" in BASE and \"graph\" in NEW"), std::string::npos) << moved.err;
  // Allowed, it compares: the verdict is lavapipe timing, so only "not refused" is asserted.
  const auto allowed = run("compare " + old.string() + " " + graph.string() + " --allow-settings-change");
  EXPECT_NE(allowed.exit_code, 2) << allowed.out << allowed.err;
  EXPECT_NE(allowed.out.find("compare:"), std::string::npos) << allowed.out;
}

// `--out -`: the document on stdout, the console table on stderr (none with --quiet).
TEST_F(Decode, OutDashWritesTheDocumentToStdout) {
  const std::string args = "decode --shapes " + tiny_model() + " --kernels coop --dtype fp32 --out -" +
                           " --warmup 1 --repetitions 3 --min-time 0 --cold-cache off --roofline off";
  auto r = run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["mode"], "decode");
  EXPECT_EQ(doc["results"].size(), 1u);
  EXPECT_NE(r.err.find("us/token"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "-"));
  r = run(args + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["mode"], "decode");
  EXPECT_EQ(r.err.find("us/token"), std::string::npos) << r.err;
}

// Ctrl-C, SIGTERM and SIGHUP: as for a sweep, the variants complete so far are written, marked
// incomplete, and the exit code is 128 + the signal.
class DecodeStop : public Decode, public ::testing::WithParamInterface<std::tuple<int, int, const char*>> {};

TEST_P(DecodeStop, WritesTheVariantsSoFarMarkedIncomplete) {
  const auto [signal, expected_exit, reason] = GetParam();
  const auto out = dir_ / "result.json";
  // 12 variants of several seconds each on lavapipe; the checkpoint after the first says it is under way.
  const pid_t pid = start("decode --shapes " + tiny_model() +
                          " --kernels legacy,coop,coop_tuned --dtype fp32,fp16 --storage bb,tt --warmup 1 "
                          "--repetitions 3 --min-time 0.2 --cold-cache off --roofline off --quiet --out " + out.string());
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!std::filesystem::exists(out) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const bool started = std::filesystem::exists(out);
  ::kill(pid, signal);
  const auto stopped_at = std::chrono::steady_clock::now();
  const auto r = finish(pid);
  ASSERT_TRUE(started) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  const auto doc = read_json(out);
  EXPECT_FALSE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["incomplete_reason"], reason);
  EXPECT_GE(doc["results"].size(), 1u);
  EXPECT_LT(doc["results"].size(), 12u);
  for (const auto& v : doc["results"]) EXPECT_EQ(v["status"], "ok") << v.dump();
}

INSTANTIATE_TEST_SUITE_P(Signals, DecodeStop,
                         ::testing::Values(std::tuple{SIGINT, 130, "interrupted by SIGINT"},
                                           std::tuple{SIGTERM, 143, "interrupted by SIGTERM"},
                                           std::tuple{SIGHUP, 129, "interrupted by SIGHUP"}),
                         [](const auto& info) { return std::to_string(std::get<1>(info.param)); });

TEST_F(Decode, UsageErrorsExitTwo) {
  const auto no_counts = run("decode --shapes smoke.json" + std::string(kFast));
  EXPECT_EQ(no_counts.exit_code, 2);
  EXPECT_NE(no_counts.err.find("no token counts"), std::string::npos) << no_counts.err;
  EXPECT_EQ(run("decode --shapes " + tiny_model() + " --layers 3" + kFast).exit_code, 2);
  EXPECT_EQ(run("decode --shapes " + tiny_model() + " --barriers maybe" + kFast).exit_code, 2);
  EXPECT_EQ(run("decode --shapes " + tiny_model() + " --dump x" + kFast).exit_code, 2);
}

TEST_F(Decode, CompareGatesTokenResults) {
  const auto a = dir_ / "a.json", b = dir_ / "b.json";
  const std::string args = "decode --shapes " + tiny_model() + " --kernels legacy,coop" + kFast + " --out ";
  ASSERT_EQ(run(args + a.string()).exit_code, 0);
  ASSERT_EQ(run(args + b.string()).exit_code, 0);
  const auto same = run("compare " + a.string() + " " + a.string());
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("tiny_model/token 2x11 g64 coop fp32 bb"), std::string::npos) << same.out;
  // A missing token result fails the gate like a missing case.
  auto doc = read_json(b);
  doc["results"].erase(1);
  std::ofstream(b) << doc.dump();
  EXPECT_EQ(run("compare " + a.string() + " " + b.string()).exit_code, 1);
}

}  // namespace
