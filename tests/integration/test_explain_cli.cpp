// `qgemv-bench explain` on the device present (lavapipe in CI), under the validation layer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "../support/temp_dir_test.hpp"

namespace {

using qgemv::testing::read_file;
using Explain = qgemv::testing::TempDirTest;

const nlohmann::json& variant(const nlohmann::json& doc, const std::string& module) {
  for (const auto& v : doc["variants"]) {
    if (v["module"] == module) return v;
  }
  throw std::runtime_error("no variant " + module);
}

// The census shows on any device what the ExecuTorch change found with a vendor compiler: legacy
// needs more weight-load instructions per 32 weights than coop's one 128-bit load.
TEST_F(Explain, LegacyNeedsMoreWeightLoadsPer32WeightsThanCoop) {
  const auto out = dir_ / "explain.json";
  const auto r = run("explain --kernels legacy,coop --dtype fp32 --storage bb --validation-layer --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("legacy.fp32.bb"), std::string::npos) << r.out;
  const auto doc = nlohmann::json::parse(read_file(out));
  EXPECT_EQ(doc["schema_version"], 2);
  EXPECT_EQ(doc["mode"], "explain");
  ASSERT_EQ(doc["variants"].size(), 2u);
  const auto& legacy = variant(doc, "legacy.fp32.bb");
  const auto& coop = variant(doc, "coop.fp32.bb");
  const double legacy_loads = legacy["per_32_weights"]["weight_loads"].get<double>();
  const double coop_loads = coop["per_32_weights"]["weight_loads"].get<double>();
  EXPECT_GT(legacy_loads, coop_loads);
  EXPECT_EQ(coop["per_32_weights"]["weight_load_bits"]["128"], 1.0);
}

// Where the driver exposes VK_KHR_pipeline_executable_properties its statistics arrive for every
// variant, and with --verbose the internal representation text (Debian 12's lavapipe lacks it:
// the test then reports itself skipped).
TEST_F(Explain, ReportsTheDriversStatisticsWhereTheDriverHasThem) {
  const auto out = dir_ / "explain.json";
  const auto r = run("explain --kernels coop --dtype fp16 --storage tt --verbose --quiet --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const auto doc = nlohmann::json::parse(read_file(out));
  if (doc["driver_statistics"] != "available") GTEST_SKIP() << doc["driver_statistics"];
  const auto& v = variant(doc, "coop.fp16.tt");
  ASSERT_FALSE(v["driver"].empty()) << v.dump();
  const auto& executable = v["driver"][0];
  EXPECT_FALSE(executable["statistics"].empty());
  ASSERT_FALSE(executable["internal_representations"].empty());
  bool some_text = false;
  for (const auto& ir : executable["internal_representations"]) some_text |= !ir["text"].get<std::string>().empty();
  EXPECT_TRUE(some_text);
}

// --config picks the tunable kernel's configuration; the masked decode keeps nibbles in place, so
// its census shows fewer bit operations per 32 weights than the shifted decode (one shift per word
// instead of one per weight).
TEST_F(Explain, ConfigSelectsTheTunableKernelsConfiguration) {
  const auto census = [&](const std::string& config) {
    const auto out = dir_ / (config + ".json");
    const auto r = run("explain --no-driver --kernels coop_tuned --dtype fp32 --storage bb --config " + config +
                       " --quiet --out " + out.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto doc = nlohmann::json::parse(read_file(out));
    const auto v = variant(doc, "coop_tuned.fp32.bb.subgroup");
    EXPECT_EQ(v["tune_config"], config);
    return v["per_32_weights"];
  };
  const auto shifted = census("t32.b4.u4.subgroup");
  const auto masked = census("t32.b4.u4.subgroup.mask");
  EXPECT_LT(masked["bit_ops"].get<double>(), shifted["bit_ops"].get<double>());
  EXPECT_EQ(run("explain --no-driver --kernels coop_tuned --config t32.b4").exit_code, 2);
}

TEST_F(Explain, CensusOnlyNeedsNoDeviceAndBadValuesAreUsageErrors) {
  const auto r = run("explain --no-driver --kernels coop_tuned --dtype fp32 --storage bb");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("coop_tuned.fp32.bb"), std::string::npos);
  EXPECT_NE(r.out.find("not asked for"), std::string::npos);
  EXPECT_EQ(run("explain --no-driver --kernels nope").exit_code, 2);
  EXPECT_EQ(run("explain --no-driver --dtype fp64").exit_code, 2);
  const auto existing = dir_ / "exists.json";
  std::ofstream(existing) << "{}";
  EXPECT_EQ(run("explain --no-driver --out " + existing.string()).exit_code, 2);
}

}  // namespace
