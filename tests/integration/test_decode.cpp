// `qgemv-bench decode` as a user runs it, on the Vulkan device present (lavapipe in CI) under the
// Khronos validation layer (ctest sets QGEMV_VALIDATION_LAYER=1): a tiny two-layer model replayed
// token by token, every GEMV of the first token checked against its own layer's reference.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "../support/temp_dir_test.hpp"

namespace {

using qgemv::testing::read_file;
using Decode = qgemv::testing::TempDirTest;
using nlohmann::json;

// A kernel that decodes its nibbles in the wrong order: the one place this test names it.
constexpr const char* kBrokenKernel = "legacy_swapped_nibbles";
constexpr const char* kFast = " --warmup 1 --repetitions 3 --min-time 0 --cold-cache off --roofline off --quiet";
constexpr std::int64_t kGemvsPerToken = 11;  // tiny_model.json: 2 layers x (q, up x2, down, o) + head

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
  ASSERT_EQ(doc["results"].size(), 12u);  // 3 kernels x 2 dtypes x 2 storages
  for (const auto& v : doc["results"]) {
    SCOPED_TRACE(v.dump());
    ASSERT_EQ(v["status"], "ok");
    EXPECT_EQ(v["validation"]["gemvs_checked"], kGemvsPerToken);
    EXPECT_EQ(v["validation"]["gemvs_failed"], 0);
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
                     std::string(kFast).substr(0, std::string(kFast).size() - 8));  // without --quiet
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("us/token"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("isolated sum us"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("barriers off"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coop fp32 bb"), std::string::npos) << r.out;
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
  EXPECT_EQ(doc["results"][0]["timing"]["warmup_tokens"], 0);
}

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
