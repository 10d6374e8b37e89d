// The qgemv-bench binary as a user runs it: exit codes, messages, result file, --dump.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../support/temp_dir_test.hpp"

namespace {

namespace fs = std::filesystem;

using qgemv::testing::read_file;
using Cli = qgemv::testing::TempDirTest;

constexpr const char* kFast = " --warmup 1 --repetitions 3 --min-time 0 --cold-cache off --roofline off --quiet";

TEST_F(Cli, VersionAndHelpExitZero) {
  EXPECT_EQ(run("--version").exit_code, 0);
  const auto help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--shapes"), std::string::npos);
}

TEST_F(Cli, ListDevicesPrintsATable) {
  const auto r = run("list-devices");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("index"), std::string::npos);
  EXPECT_NE(r.out.find("\n0 "), std::string::npos);
}

TEST_F(Cli, SmokeRunWritesTheResultDocument) {
  const auto out = dir_ / "result.json";
  const auto r = run("--shapes smoke.json --validation-layer --out " + out.string() + kFast);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(out));
  EXPECT_EQ(doc["schema_version"], 2);
  EXPECT_TRUE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["context"]["validation_messages"], 0);
  EXPECT_FALSE(doc["context"]["device"]["name"].get<std::string>().empty());
  EXPECT_EQ(doc["settings"]["repetitions"], 3);
  ASSERT_EQ(doc["results"].size(), 20u);  // 5 smoke shapes x 4 kernels (legacy, coop, q4gsw_coop, coop_tuned)
  for (const auto& result : doc["results"]) {
    EXPECT_EQ(result["status"], "ok") << result.dump();
    EXPECT_TRUE(result["validation"]["passed"].get<bool>());
    EXPECT_EQ(result["timing"]["repetitions"].size(), 3u);
    EXPECT_FALSE(result["timing"].contains("samples"));  // only with --samples
    EXPECT_GT(result["gbps"].get<double>(), 0.0);
    const auto& bytes = result["bytes"];
    EXPECT_EQ(bytes["weights"].get<std::int64_t>(),
              (result["n"].get<std::int64_t>() + 7) / 8 * 8 * result["k"].get<std::int64_t>() / 2);
    EXPECT_EQ(bytes["input"].get<std::int64_t>(), result["k"].get<std::int64_t>() * 4);
    // Scales only for the symmetric kernel, (scale, zero) pairs for the others.
    const bool symmetric = result["kernel"] == "q4gsw_coop";
    EXPECT_EQ(result["quantization"], symmetric ? "symmetric" : "affine");
    EXPECT_EQ(bytes["qparams"].get<std::int64_t>(), (result["n"].get<std::int64_t>() + 7) / 8 * 8 *
                                                         (result["k"].get<std::int64_t>() / result["group_size"].get<std::int64_t>()) *
                                                         (symmetric ? 1 : 2) * 4);
  }
}

// Default measurement: roofline measured once, every case reports its fraction of the read
// bandwidth, weights rotate through cold-cache copies, and timing runs until both minimums hold.
TEST_F(Cli, DefaultRunHasRooflineColdCacheAndAdaptiveRepetitions) {
  const auto shapes = write("two.json", R"({"name": "two", "shapes": [
      {"name": "a", "n": 64, "k": 256, "group_size": 64}, {"name": "b", "n": 200, "k": 512, "group_size": 128}]})");
  const auto out = dir_ / "result.json";
  const auto r = run("--shapes " + shapes.string() + " --repetitions 5 --min-time 0.02 --quiet --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(out));
  const auto& roofline = doc["roofline"];
  ASSERT_TRUE(roofline.is_object()) << doc["roofline"].dump();
  const double read_gbps = roofline["read_gbps"].get<double>();
  EXPECT_GT(read_gbps, 0.0);
  EXPECT_GT(roofline["copy_gbps"].get<double>(), 0.0);
  EXPECT_GE(roofline["buffer_bytes"].get<std::uint64_t>(), 64u << 20);
  EXPECT_EQ(doc["settings"]["cold_cache"], "on");
  ASSERT_EQ(doc["results"].size(), 8u);  // 2 shapes x 4 kernels
  for (const auto& result : doc["results"]) {
    ASSERT_EQ(result["status"], "ok") << result.dump();
    EXPECT_NEAR(result["roofline_fraction"].get<double>(), result["gbps"].get<double>() / read_gbps, 1e-9);
    const auto copies = result["cold_cache"]["copies"].get<std::uint64_t>();
    const auto per_copy = result["bytes"]["weights"].get<std::uint64_t>() + result["bytes"]["qparams"].get<std::uint64_t>();
    EXPECT_EQ(copies, 512u);  // both shapes are tiny: capped at 512 copies
    EXPECT_EQ(result["cold_cache"]["footprint_bytes"].get<std::uint64_t>(), copies * per_copy);
    // Five repetitions, each a batch sized for 0.02 s of GPU time at the warm-up's estimate.
    const auto& repetitions = result["timing"]["repetitions"];
    EXPECT_EQ(repetitions.size(), 5u);
    for (const auto& rep : repetitions) {
      const auto dispatches = rep["dispatches"].get<std::int64_t>();
      EXPECT_GE(dispatches, 1);
      EXPECT_EQ(dispatches, repetitions[0]["dispatches"].get<std::int64_t>());  // the same batch every time
    }
    EXPECT_GT(result["timing"]["warmup"]["dispatches"].get<std::int64_t>(), 0);
  }
}

// --tune validates every candidate (every decode the device allows, both dtypes), writes the winner, and a later run
// reads it back.
TEST_F(Cli, TuneWritesATuningFileALaterRunUses) {
  const auto shapes = write("one.json", R"({"name": "one", "shapes": [{"name": "a", "n": 40, "k": 256, "group_size": 64}]})");
  const auto tuning = dir_ / "tuning.json";
  const auto first = dir_ / "first.json";
  ASSERT_EQ(run("--shapes " + shapes.string() + " --kernels coop_tuned --dtype fp32,fp16 --max-time 0.05 --tune --tuning " +
                tuning.string() + " --out " + first.string() + kFast).exit_code, 0);
  const auto table = nlohmann::json::parse(read_file(tuning));
  ASSERT_EQ(table["entries"].size(), 2u);
  for (const auto& e : table["entries"]) {
    EXPECT_EQ(e["candidates"].get<std::size_t>(), e["trials"].size()) << e.dump();  // every candidate validated
  }
  const auto fp32_bb = std::find_if(table["entries"].begin(), table["entries"].end(),
                                    [](const auto& e) { return e["dtype"] == "fp32" && e["storage"] == "bb"; });
  ASSERT_NE(fp32_bb, table["entries"].end());
  const auto& entry = *fp32_bb;
  EXPECT_EQ(entry["n"], 40);
  EXPECT_EQ(entry["kernel"], "coop_tuned");
  const auto second = dir_ / "second.json";
  ASSERT_EQ(run("--shapes " + shapes.string() + " --kernels coop_tuned --tuning " + tuning.string() + " --out " +
                second.string() + kFast).exit_code, 0);
  const auto config = nlohmann::json::parse(read_file(second))["results"][0]["config"];
  EXPECT_EQ(config["source"], "tuned");
  EXPECT_EQ(config["name"], entry["name"]);
  EXPECT_EQ(run("--shapes smoke.json --tune" + std::string(kFast)).exit_code, 2);  // nowhere to write
}

// --config runs every coop_tuned case in one configuration, recorded as given; the denormal
// decode runs only where the driver says it preserves fp32 denormals (lavapipe does not say so).
TEST_F(Cli, ConfigRunsEveryCaseInThatConfiguration) {
  const auto out = dir_ / "mixed.json";
  ASSERT_EQ(run("--shapes smoke.json --kernels coop_tuned --dtype fp32,fp16 --config t32.b4.u4.subgroup.mix --out " +
                out.string() + kFast).exit_code, 0);
  const auto mixed = nlohmann::json::parse(read_file(out));
  ASSERT_EQ(mixed["results"].size(), 10u);
  for (const auto& r : mixed["results"]) {
    EXPECT_EQ(r["status"], "ok") << r.dump();
    EXPECT_EQ(r["config"]["name"], "t32.b4.u4.subgroup.mix");
    EXPECT_EQ(r["config"]["source"], "given");
    EXPECT_EQ(r["config"]["decode"], "mixed");
  }

  const auto denormal_out = dir_ / "denormal.json";
  ASSERT_EQ(run("--shapes smoke.json --kernels coop_tuned --config t32.b4.u4.subgroup.dn --out " +
                denormal_out.string() + kFast).exit_code, 0);
  const auto denormal = nlohmann::json::parse(read_file(denormal_out));
  for (const auto& r : denormal["results"]) {
    // Without the feature (lavapipe) the case is skipped with the reason; with it, it validates.
    if (r["status"] == "skipped") {
      EXPECT_NE(r["message"].get<std::string>().find("shaderDenormPreserveFloat32"), std::string::npos) << r.dump();
    } else {
      EXPECT_EQ(r["status"], "ok") << r.dump();
    }
  }

  EXPECT_EQ(run("--shapes smoke.json --config t32.b4.u4.fast" + std::string(kFast)).exit_code, 2);
  const auto both = run("--shapes smoke.json --config t32.b4.u4.subgroup --tune --tuning " +
                        (dir_ / "t.json").string() + kFast);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--config"), std::string::npos) << both.err;
}

// The denormal decode's arithmetic, on a driver that preserves denormals without declaring it
// (lavapipe): the test-only twin's modules leave out DenormPreserve, the rest is coop_tuned's.
TEST_F(Cli, DenormalDecodeValidatesWhereDenormalsSurvive) {
  const auto out = dir_ / "denormal.json";
  const auto r = shell(std::string(QGEMV_TEST_KERNELS_BINARY) +
                       " --shapes smoke.json --kernels coop_tuned_denormals_undeclared --dtype fp32,fp16 --storage bb,tt"
                       " --config t32.b4.u4.subgroup.dn --validation-layer --out " + out.string() + kFast);
  expect_no_validation_messages(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(out));
  ASSERT_EQ(doc["results"].size(), 20u);
  for (const auto& result : doc["results"]) {
    EXPECT_EQ(result["status"], "ok") << result.dump();
    EXPECT_EQ(result["config"]["decode"], "denormal");
  }
}

// coopmat runs only where NVIDIA's cooperative matrices are (the H200: results/README.md, sections
// 10 and 11): elsewhere, named, every case is skipped with the feature it lacks; unnamed, it is not run.
TEST_F(Cli, CoopmatIsSkippedWithTheReasonWithoutCooperativeMatrices) {
  const auto out = dir_ / "coopmat.json";
  ASSERT_EQ(run("--shapes smoke.json --kernels coopmat --dtype fp32,fp16 --storage bb --out " + out.string() + kFast)
                .exit_code,
            0);
  const auto doc = nlohmann::json::parse(read_file(out));
  ASSERT_EQ(doc["results"].size(), 10u);
  const auto& features = doc["context"]["features"];
  const bool device_has_them = std::find(features.begin(), features.end(), "cooperativeMatrix") != features.end();
  for (const auto& r : doc["results"]) {
    if (device_has_them) {
      EXPECT_EQ(r["status"], "ok") << r.dump();
    } else {
      EXPECT_EQ(r["status"], "skipped") << r.dump();
      EXPECT_NE(r["message"].get<std::string>().find("VK_NV_cooperative_matrix"), std::string::npos) << r.dump();
    }
  }
  const auto unnamed = dir_ / "unnamed.json";
  ASSERT_EQ(run("--shapes smoke.json --dtype fp32 --storage bb --out " + unnamed.string() + kFast).exit_code, 0);
  const auto unnamed_doc = nlohmann::json::parse(read_file(unnamed));
  for (const auto& r : unnamed_doc["results"]) {
    EXPECT_EQ(r["kernel"].get<std::string>().find("coopmat"), std::string::npos) << r.dump();
  }
}

TEST_F(Cli, ExistingResultFileIsNotOverwritten) {
  const auto out = write("result.json", "keep me");
  const auto r = run("--shapes smoke.json --out " + out.string() + kFast);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--force"), std::string::npos);
  EXPECT_EQ(read_file(out), "keep me");
  EXPECT_EQ(run("--shapes smoke.json --force --out " + out.string() + kFast).exit_code, 0);
  EXPECT_NE(read_file(out), "keep me");
}

TEST_F(Cli, ValidationFailureExitsOne) {
  // Test-only kernels exist in the test build of the binary alone.
  auto r = shell(std::string(QGEMV_TEST_KERNELS_BINARY) + " --shapes smoke.json --kernels coop_swapped_nibbles" +
                 std::string(kFast));
  expect_no_validation_messages(r);
  EXPECT_EQ(r.exit_code, 1);
  r = run("--shapes smoke.json --kernels coop_swapped_nibbles" + std::string(kFast));
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(Cli, ListKernelsShowsRolesWhatTheyReproduceAndNoTestOnlyKernels) {
  const auto r = run("list-kernels");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("legacy  [baseline]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coop  [reproduced]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coop_tuned  [tuned]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reproduces: ExecuTorch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coop_tuned.fp32.bb.shared"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("swapped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coopmat  [tuned]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("runs only when named (--kernels coopmat)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("runs only when named (--kernels coop_tuned)"), std::string::npos) << r.out;
  EXPECT_NE(shell(std::string(QGEMV_TEST_KERNELS_BINARY) + " list-kernels").out.find("coop_swapped_nibbles  [test-only]"),
            std::string::npos);
}

// The dumped arrays reproduce the reference and the GPU output when recomputed in NumPy.
TEST_F(Cli, DumpWritesNpyFilesNumpyCanCheck) {
  // Debian's interpreter, where python3-numpy installs, even when another python3 comes first in PATH.
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (std::system((python + " -c 'import numpy' >/dev/null 2>&1").c_str()) != 0) {
    GTEST_SKIP() << "python3-numpy missing";
  }
  const auto shapes = write("one.json", R"({"name": "one", "shapes": [{"name": "a", "n": 13, "k": 128, "group_size": 64}]})");
  const auto dump = dir_ / "dump";
  ASSERT_EQ(run("--shapes " + shapes.string() + " --kernels coop --dump " + dump.string() + kFast).exit_code, 0);
  const auto folder = dump / "a.coop.fp32.bb";
  for (const char* f : {"q.npy", "scale.npy", "zero.npy", "x.npy", "y.npy", "y_ref.npy", "manifest.json"}) {
    EXPECT_TRUE(fs::exists(folder / f)) << f;
  }
  const auto manifest = nlohmann::json::parse(read_file(folder / "manifest.json"));
  EXPECT_EQ(manifest["n"], 13);
  EXPECT_EQ(manifest["group_size"], 64);
  const auto script = write("check.py", R"(import numpy as np, sys
d = sys.argv[1]
q, s, z, x = (np.load(f"{d}/{n}.npy") for n in ("q", "scale", "zero", "x"))
y, y_ref = np.load(f"{d}/y.npy"), np.load(f"{d}/y_ref.npy")
assert q.dtype == np.uint8 and q.shape == (13, 128) and q.max() <= 15
assert s.shape == (2, 13) and z.shape == (2, 13) and x.shape == (128,)
w = (q.astype(np.float64) - 8) * np.repeat(s.T, 64, axis=1) + np.repeat(z.T, 64, axis=1)
ref = w @ x.astype(np.float64)
assert np.allclose(ref, y_ref, rtol=1e-12, atol=1e-12), (ref, y_ref)
assert np.allclose(y, ref, rtol=1e-4, atol=1e-5), (y, ref)
)");
  EXPECT_EQ(std::system((python + " " + script.string() + " " + folder.string()).c_str()), 0);
}

}  // namespace
