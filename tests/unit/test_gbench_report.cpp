// --format gbench: the fields Google Benchmark's JSON reporter writes, for ok, failed and skipped cases.
#include <gtest/gtest.h>

#include <cmath>

#include "report/gbench_report.hpp"

namespace qgemv::report {
namespace {

bench::CaseResult make_case(const std::string& shape, bench::Status status, std::vector<double> samples_s,
                            std::string message = "") {
  bench::CaseResult r;
  r.key = {shape, 64, 256, 64, "coop", DType::fp32, Storage::bb};
  r.status = status;
  r.message = std::move(message);
  r.bytes = {8192, 2048, 1024, 256};  // 11520 in all
  if (!samples_s.empty()) {
    bench::Timing t;
    t.timer = "gpu";
    for (double seconds : samples_s) t.repetitions.push_back({seconds, 1});
    t.summary = bench::summarize(samples_s);
    r.timing = std::move(t);
  }
  return r;
}

struct Fixture {
  bench::SweepPlan plan;
  bench::SweepResult sweep;
  RunInfo info;
  HostCpu cpu{16, 2400, false, {0.5, 0.25, 0.125}};

  Fixture() {
    plan.shapes.name = "smoke";
    sweep.device.name = "llvmpipe (LLVM 15.0.6, 256 bits)";
    sweep.device.type = "cpu";
    sweep.device.driver_name = "llvmpipe";
    sweep.device.driver_version = "0.0.1";
    sweep.results = {make_case("tile", bench::Status::ok, {40e-6, 10e-6, 20e-6}),
                     make_case("odd_n", bench::Status::failed, {10e-6}, "validation: nrmse 1.0 > 3e-06"),
                     make_case("big", bench::Status::skipped, {}, "weights exceed maxStorageBufferRange")};
    info = {"2025-01-02T03:04:05Z", "ci-host", "/usr/bin/qgemv-bench --shapes smoke.json --format gbench", false,
            &plan, &sweep, {}};
  }
};

TEST(GbenchReport, ContextHasGoogleBenchmarksKeysAndTheDevice) {
  Fixture f;
  const auto j = to_gbench_json(f.info, f.cpu);
  const auto& c = j.at("context");
  EXPECT_EQ(c.at("date"), "2025-01-02T03:04:05Z");
  EXPECT_EQ(c.at("host_name"), "ci-host");
  EXPECT_EQ(c.at("executable"), "/usr/bin/qgemv-bench");
  EXPECT_EQ(c.at("num_cpus"), 16);
  EXPECT_EQ(c.at("mhz_per_cpu"), 2400);
  EXPECT_EQ(c.at("cpu_scaling_enabled"), false);
  EXPECT_EQ(c.at("caches"), nlohmann::ordered_json::array());
  EXPECT_EQ(c.at("load_avg"), nlohmann::ordered_json({0.5, 0.25, 0.125}));
  EXPECT_TRUE(c.at("library_build_type") == "release" || c.at("library_build_type") == "debug");
  EXPECT_EQ(c.at("device_name"), "llvmpipe (LLVM 15.0.6, 256 bits)");
  EXPECT_EQ(c.at("driver"), "llvmpipe 0.0.1");
  EXPECT_EQ(c.at("shapes_file"), "smoke");
  EXPECT_EQ(c.at("complete"), "true");
}

TEST(GbenchReport, OkCaseHasRepetitionsThenAggregates) {
  Fixture f;
  const auto b = to_gbench_json(f.info, f.cpu).at("benchmarks");
  ASSERT_EQ(b.size(), 3u + 3u + 1u + 1u);
  for (int i = 0; i < 3; ++i) {
    const auto& e = b[i];
    EXPECT_EQ(e.at("name"), "qgemv/tile/coop/fp32/bb");
    EXPECT_EQ(e.at("run_name"), "qgemv/tile/coop/fp32/bb");
    EXPECT_EQ(e.at("family_index"), 0);
    EXPECT_EQ(e.at("per_family_instance_index"), 0);
    EXPECT_EQ(e.at("run_type"), "iteration");
    EXPECT_EQ(e.at("repetitions"), 3);
    EXPECT_EQ(e.at("repetition_index"), i);
    EXPECT_EQ(e.at("threads"), 1);
    EXPECT_EQ(e.at("iterations"), 1);
    EXPECT_EQ(e.at("time_unit"), "us");
    EXPECT_EQ(e.at("label"), "N=64 K=256 G=64 timer=gpu");
    EXPECT_FALSE(e.contains("error_occurred"));
  }
  EXPECT_DOUBLE_EQ(b[0].at("real_time").get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(b[1].at("real_time").get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(b[1].at("cpu_time").get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(b[1].at("bytes_per_second").get<double>(), 11520 / 10e-6);

  const char* names[] = {"mean", "median", "stddev"};
  const double mean = 70.0 / 3;
  const double squares = (40 - mean) * (40 - mean) + (10 - mean) * (10 - mean) + (20 - mean) * (20 - mean);
  const double stddev = std::sqrt(squares / 2);
  const double times[] = {mean, 20.0, stddev};
  for (int i = 0; i < 3; ++i) {
    const auto& e = b[3 + i];
    EXPECT_EQ(e.at("name"), std::string("qgemv/tile/coop/fp32/bb_") + names[i]);
    EXPECT_EQ(e.at("run_name"), "qgemv/tile/coop/fp32/bb");
    EXPECT_EQ(e.at("run_type"), "aggregate");
    EXPECT_EQ(e.at("aggregate_name"), names[i]);
    EXPECT_EQ(e.at("aggregate_unit"), "time");
    EXPECT_EQ(e.at("repetitions"), 3);
    EXPECT_EQ(e.at("iterations"), 1);  // as Google Benchmark writes it: a repetition's iterations
    EXPECT_FALSE(e.contains("repetition_index"));
    EXPECT_NEAR(e.at("real_time").get<double>(), times[i], 1e-9);
  }
  EXPECT_DOUBLE_EQ(b[4].at("bytes_per_second").get<double>(), 11520 / 20e-6);  // median of the three
}

TEST(GbenchReport, FailedAndSkippedCasesAreSingleEntries) {
  Fixture f;
  const auto b = to_gbench_json(f.info, f.cpu).at("benchmarks");
  const auto& failed = b[6];
  EXPECT_EQ(failed.at("name"), "qgemv/odd_n/coop/fp32/bb");
  EXPECT_EQ(failed.at("family_index"), 1);
  EXPECT_EQ(failed.at("error_occurred"), true);
  EXPECT_EQ(failed.at("error_message"), "validation: nrmse 1.0 > 3e-06");
  EXPECT_EQ(failed.at("real_time"), 0.0);
  EXPECT_EQ(failed.at("iterations"), 0);
  EXPECT_FALSE(failed.contains("skipped"));
  const auto& skipped = b[7];
  EXPECT_EQ(skipped.at("name"), "qgemv/big/coop/fp32/bb");
  EXPECT_EQ(skipped.at("skipped"), true);
  EXPECT_EQ(skipped.at("skip_message"), "weights exceed maxStorageBufferRange");
  EXPECT_EQ(skipped.at("time_unit"), "us");
  EXPECT_FALSE(skipped.contains("error_occurred"));
}

// One of our repetitions (a batch of dispatches, its mean per dispatch) is one of Google
// Benchmark's: its dispatches are the iterations.
TEST(GbenchReport, RepetitionsKeepTheirDispatchCounts) {
  Fixture f;
  auto r = make_case("tile", bench::Status::ok, {1e-6});
  r.timing->repetitions = {{1.5e-6, 200}, {4e-6, 300}};
  f.sweep.results = {r};
  const auto b = to_gbench_json(f.info, f.cpu).at("benchmarks");
  ASSERT_EQ(b.size(), 2u + 3u);
  EXPECT_EQ(b[0].at("iterations"), 200);
  EXPECT_DOUBLE_EQ(b[0].at("real_time").get<double>(), 1.5);
  EXPECT_EQ(b[1].at("iterations"), 300);
  EXPECT_EQ(b[1].at("repetitions"), 2);
  EXPECT_DOUBLE_EQ(b[1].at("bytes_per_second").get<double>(), 11520 / 4e-6);
}

TEST(GbenchReport, ProbeReadsThisHost) {
  const auto cpu = probe_host_cpu();
  EXPECT_GT(cpu.num_cpus, 0);
  EXPECT_GE(cpu.mhz_per_cpu, 0);
}

}  // namespace
}  // namespace qgemv::report
