// --timer cpu end to end: every case and the settings say how they were timed (so compare and
// scripts/ci_gate.sh can hold a gate to its baseline's timer), no per-dispatch timestamps exist to
// keep as samples, and decode, which has no CPU-time path, refuses the option.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/temp_dir_test.hpp"

using qgemv::testing::read_file;

namespace qgemv {
namespace {

class CpuTimer : public testing::TempDirTest {};

TEST_F(CpuTimer, EveryCaseAndTheSettingsRecordTheCpuTimer) {
  const auto shapes = write("one.json", R"({"name": "one", "shapes": [{"name": "a", "n": 64, "k": 256, "group_size": 64}]})");
  const auto out = dir_ / "cpu.json";
  const auto r = run("--shapes " + shapes.string() +
                       " --kernels legacy,coop --repetitions 6 --min-time 0.002 --cold-cache off --roofline off"
                       " --timer cpu --samples --quiet --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(out));
  EXPECT_EQ(doc["settings"]["timer"], "cpu");
  ASSERT_EQ(doc["results"].size(), 2u);
  for (const auto& result : doc["results"]) {
    ASSERT_EQ(result["status"], "ok") << result.dump();
    EXPECT_EQ(result["timing"]["timer"], "cpu");
    EXPECT_EQ(result["timing"]["repetitions"].size(), 6u);
    EXPECT_GT(result["timing"]["median"].get<double>(), 0);
    EXPECT_TRUE(!result["timing"].contains("samples") || result["timing"]["samples"].empty()) << result.dump();
  }
}

TEST_F(CpuTimer, TimestampsRemainTheDefault) {
  const auto shapes = write("one.json", R"({"name": "one", "shapes": [{"name": "a", "n": 64, "k": 256, "group_size": 64}]})");
  const auto out = dir_ / "gpu.json";
  const auto r = run("--shapes " + shapes.string() +
                       " --kernels legacy --repetitions 3 --min-time 0 --cold-cache off --roofline off --quiet --out " +
                       out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(out));
  EXPECT_EQ(doc["settings"]["timer"], "gpu");
  EXPECT_NE(doc["results"][0]["timing"]["timer"], "cpu");
}

TEST_F(CpuTimer, DecodeRefusesIt) {
  const auto r = run("decode --shapes llama1b.json --layers 1 --timer cpu --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--timer cpu is not supported"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace qgemv
