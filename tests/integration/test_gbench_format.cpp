// --format gbench read by Google's own tool: /usr/share/benchmark/compare.py (Debian
// libbenchmark-tools, installed by scripts/bootstrap.sh) on real lavapipe runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../support/temp_dir_test.hpp"
#include "report/gbench_report.hpp"

namespace {

namespace fs = std::filesystem;

constexpr const char* kComparePy = "/usr/share/benchmark/compare.py";

using qgemv::testing::Outcome;
using qgemv::testing::read_file;

class GbenchFormat : public qgemv::testing::TempDirTest {
 protected:
  // A real smoke sweep written as Google Benchmark JSON.
  fs::path smoke_run(const std::string& name) const {
    const auto path = dir_ / name;
    // Exactly 10 samples per case: no minimum GPU time; warm and without roofline to stay quick.
    const auto r = shell(std::string(QGEMV_BINARY) + " --shapes smoke.json --kernels legacy,coop --warmup 2" +
                         " --repetitions 10 --min-time 0 --cold-cache off --roofline off --quiet" +
                         " --format gbench --out " + path.string());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return path;
  }

  // Debian's interpreter, where python3-scipy installs, even when another python3 comes first in PATH.
  Outcome compare_py(const fs::path& a, const fs::path& b) const {
    const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    return shell(python + " " + kComparePy + " --no-color benchmarks " + a.string() + " " + b.string() + " 2>&1");
  }
};

TEST_F(GbenchFormat, RealRunHasRepetitionsAggregatesAndBytes) {
  const auto doc = nlohmann::json::parse(read_file(smoke_run("run.json")));
  EXPECT_EQ(doc["context"]["device_name"].get<std::string>().empty(), false);
  EXPECT_GT(doc["context"]["num_cpus"].get<int>(), 0);
  const auto& b = doc["benchmarks"];
  ASSERT_EQ(b.size(), 10u * (10 + 3));  // 10 smoke cases: 10 repetitions + mean, median, stddev
  EXPECT_EQ(b[0]["name"], "qgemv/tile/legacy/fp32/bb");
  EXPECT_EQ(b[12]["name"], "qgemv/tile/legacy/fp32/bb_stddev");
  EXPECT_EQ(b[13]["name"], "qgemv/tile/coop/fp32/bb");
  for (const auto& e : b) {
    if (e["run_type"] == "aggregate" && e["aggregate_name"] != "mean") continue;
    // bytes_per_second × time is the case's bytes: tile (64x256, G 64, fp32) moves 11520.
    if (e["name"].get<std::string>().rfind("qgemv/tile/", 0) != 0) continue;
    if (e["run_type"] == "iteration") {
      EXPECT_NEAR(e["bytes_per_second"].get<double>() * e["real_time"].get<double>() * 1e-6, 11520, 1e-6);
    }
    EXPECT_EQ(e["time_unit"], "us");
    EXPECT_GT(e["real_time"].get<double>(), 0.0);
  }
}

TEST_F(GbenchFormat, ComparePyReadsTwoRealRuns) {
  if (!fs::exists(kComparePy)) GTEST_SKIP() << kComparePy << " missing (Debian: libbenchmark-tools)";
  const auto a = smoke_run("a.json"), b = smoke_run("b.json");
  const auto r = compare_py(a, b);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* name : {"qgemv/tile/legacy/fp32/bb", "qgemv/g32/coop/fp32/bb_median",
                           "qgemv/odd_n/coop/fp32/bb_stddev", "qgemv/one_row/coop/fp32/bb_pvalue", "OVERALL_GEOMEAN"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("Traceback"), std::string::npos) << r.out;
}

// A failed (error_occurred) and a skipped case next to a real run: compare.py takes the file as is.
TEST_F(GbenchFormat, ComparePyReadsFailedAndSkippedCases) {
  if (!fs::exists(kComparePy)) GTEST_SKIP() << kComparePy << " missing (Debian: libbenchmark-tools)";
  using namespace qgemv;
  bench::SweepPlan plan;
  plan.shapes.name = "smoke";
  bench::SweepResult sweep;
  sweep.device.name = "llvmpipe (LLVM 15.0.6, 256 bits)";
  bench::CaseResult failed, skipped;
  failed.key = {"tile", 64, 256, 64, "coop", DType::fp32, Storage::bb};
  failed.status = bench::Status::failed;
  failed.message = "validation: nrmse 1.0 > 3e-06";
  skipped.key = {"odd_n", 100, 512, 64, "coop", DType::fp32, Storage::bb};
  skipped.status = bench::Status::skipped;
  skipped.message = "weights exceed maxStorageBufferRange";
  sweep.results = {failed, skipped};
  const report::RunInfo info{"2025-01-02T03:04:05Z", "host", "qgemv-bench", false, &plan, &sweep, {}};
  const auto broken = dir_ / "broken.json";
  std::ofstream(broken) << report::to_gbench_json(info, report::probe_host_cpu()).dump(2);

  const auto real = smoke_run("real.json");
  for (const auto& [a, b] : {std::pair{real, broken}, std::pair{broken, real}}) {
    const auto r = compare_py(a, b);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("qgemv/tile/coop/fp32/bb"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Traceback"), std::string::npos) << r.out;
  }
}

}  // namespace
