// --format gbench and gbench-aggregates: the entries Google Benchmark 1.7.1's JSON reporter writes,
// from a case's repetitions, for ok, failed and skipped cases.
#include <gtest/gtest.h>

#include <cmath>

#include "report/gbench_report.hpp"

namespace qgemv::report {
namespace {

using json = nlohmann::ordered_json;

bench::CaseResult make_case(const std::string& shape, bench::Status status,
                            std::vector<bench::Repetition> repetitions, std::string message = "") {
  bench::CaseResult r;
  r.key = {shape, 64, 256, 64, "coop", DType::fp32, Storage::bb};
  r.status = status;
  r.message = std::move(message);
  r.bytes = {8192, 2048, 1024, 256};  // 11520 in all
  if (!repetitions.empty()) {
    bench::Timing t;
    t.timer = "gpu";
    std::vector<double> seconds;
    for (const auto& rep : repetitions) seconds.push_back(rep.seconds);
    t.summary = bench::summarize(seconds);
    t.repetitions = std::move(repetitions);
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
    // Three repetitions of 100, 200 and 50 dispatches whose means per dispatch are 40, 10 and 20 us.
    sweep.results = {make_case("tile", bench::Status::ok, {{40e-6, 100}, {10e-6, 200}, {20e-6, 50}}),
                     make_case("odd_n", bench::Status::failed, {{10e-6, 10}}, "validation: nrmse 1.0 > 3e-06"),
                     make_case("big", bench::Status::skipped, {}, "weights exceed maxStorageBufferRange"),
                     make_case("one_row", bench::Status::ok, {{5e-6, 1000}})};
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
  EXPECT_EQ(c.at("caches"), json::array());
  EXPECT_EQ(c.at("load_avg"), json({0.5, 0.25, 0.125}));
  EXPECT_TRUE(c.at("library_build_type") == "release" || c.at("library_build_type") == "debug");
  EXPECT_EQ(c.at("device_name"), "llvmpipe (LLVM 15.0.6, 256 bits)");
  EXPECT_EQ(c.at("driver"), "llvmpipe 0.0.1");
  EXPECT_EQ(c.at("shapes_file"), "smoke");
  EXPECT_EQ(c.at("complete"), "true");
}

TEST(GbenchReport, OneEntryPerRepetitionThenFourAggregates) {
  Fixture f;
  const auto b = to_gbench_json(f.info, f.cpu).at("benchmarks");
  ASSERT_EQ(b.size(), 3u + 4u + 1u + 1u + 1u);
  const std::int64_t dispatches[] = {100, 200, 50};
  const double times[] = {40.0, 10.0, 20.0};
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
    EXPECT_EQ(e.at("iterations"), dispatches[i]);
    EXPECT_DOUBLE_EQ(e.at("real_time").get<double>(), times[i]);
    EXPECT_DOUBLE_EQ(e.at("cpu_time").get<double>(), times[i]);
    EXPECT_EQ(e.at("time_unit"), "us");
    EXPECT_DOUBLE_EQ(e.at("bytes_per_second").get<double>(), 11520 / (times[i] * 1e-6));
    EXPECT_EQ(e.at("label"), "N=64 K=256 G=64 timer=gpu");
    EXPECT_FALSE(e.contains("error_occurred"));
    EXPECT_FALSE(e.contains("aggregate_name"));
  }

  const double mean = 70.0 / 3;
  const double squares = (40 - mean) * (40 - mean) + (10 - mean) * (10 - mean) + (20 - mean) * (20 - mean);
  const double stddev = std::sqrt(squares / 2);
  const char* names[] = {"mean", "median", "stddev", "cv"};
  const char* units[] = {"time", "time", "time", "percentage"};
  const double values[] = {mean, 20.0, stddev, stddev / mean};  // cv is a fraction, not scaled to us
  for (int i = 0; i < 4; ++i) {
    const auto& e = b[3 + i];
    EXPECT_EQ(e.at("name"), std::string("qgemv/tile/coop/fp32/bb_") + names[i]);
    EXPECT_EQ(e.at("run_name"), "qgemv/tile/coop/fp32/bb");
    EXPECT_EQ(e.at("run_type"), "aggregate");
    EXPECT_EQ(e.at("aggregate_name"), names[i]);
    EXPECT_EQ(e.at("aggregate_unit"), units[i]);
    EXPECT_EQ(e.at("repetitions"), 3);
    EXPECT_EQ(e.at("iterations"), 3);  // as Google Benchmark writes it: the number of repetitions
    EXPECT_EQ(e.at("time_unit"), "us");
    EXPECT_FALSE(e.contains("repetition_index"));
    EXPECT_NEAR(e.at("real_time").get<double>(), values[i], 1e-9);
    EXPECT_NEAR(e.at("cpu_time").get<double>(), values[i], 1e-9);
  }
  // Counters get the same statistics over their per-repetition values.
  const double rates[] = {11520 / 40e-6, 11520 / 10e-6, 11520 / 20e-6};
  const double rate_mean = (rates[0] + rates[1] + rates[2]) / 3;
  EXPECT_DOUBLE_EQ(b[3].at("bytes_per_second").get<double>(), rate_mean);
  EXPECT_DOUBLE_EQ(b[4].at("bytes_per_second").get<double>(), rates[2]);
  double rate_squares = 0;
  for (double r : rates) rate_squares += (r - rate_mean) * (r - rate_mean);
  EXPECT_NEAR(b[6].at("bytes_per_second").get<double>(), std::sqrt(rate_squares / 2) / rate_mean, 1e-12);
}

TEST(GbenchReport, FailedAndSkippedCasesAreErrorEntries) {
  Fixture f;
  const auto b = to_gbench_json(f.info, f.cpu).at("benchmarks");
  const auto& failed = b[7];
  EXPECT_EQ(failed.at("name"), "qgemv/odd_n/coop/fp32/bb");
  EXPECT_EQ(failed.at("family_index"), 1);
  EXPECT_EQ(failed.at("run_type"), "iteration");
  EXPECT_EQ(failed.at("repetitions"), 1);
  EXPECT_EQ(failed.at("error_occurred"), true);
  EXPECT_EQ(failed.at("error_message"), "validation: nrmse 1.0 > 3e-06");
  EXPECT_EQ(failed.at("real_time"), 0.0);
  EXPECT_EQ(failed.at("iterations"), 0);
  EXPECT_FALSE(failed.contains("bytes_per_second"));
  const auto& skipped = b[8];
  EXPECT_EQ(skipped.at("name"), "qgemv/big/coop/fp32/bb");
  EXPECT_EQ(skipped.at("error_occurred"), true);
  EXPECT_EQ(skipped.at("error_message"), "skipped: weights exceed maxStorageBufferRange");
  EXPECT_EQ(skipped.at("time_unit"), "us");
  EXPECT_FALSE(skipped.contains("skipped"));  // Google Benchmark 1.8's key; 1.7.1 has none
}

// One repetition: Google Benchmark computes no aggregates and writes the run alone.
TEST(GbenchReport, SingleRepetitionHasNoAggregates) {
  Fixture f;
  const auto b = to_gbench_json(f.info, f.cpu).at("benchmarks");
  ASSERT_EQ(b.size(), 10u);
  EXPECT_EQ(b[9].at("name"), "qgemv/one_row/coop/fp32/bb");
  EXPECT_EQ(b[9].at("run_type"), "iteration");
  EXPECT_EQ(b[9].at("repetitions"), 1);
  EXPECT_EQ(b[9].at("iterations"), 1000);
  EXPECT_DOUBLE_EQ(b[9].at("real_time").get<double>(), 5.0);
}

// As --benchmark_report_aggregates_only: the aggregates where there are any, else the runs.
TEST(GbenchReport, AggregatesOnlyKeepsRunsWithoutAggregates) {
  Fixture f;
  const auto b = to_gbench_json(f.info, f.cpu, GbenchEntries::aggregates_only).at("benchmarks");
  ASSERT_EQ(b.size(), 4u + 1u + 1u + 1u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(b[i].at("run_type"), "aggregate");
  EXPECT_EQ(b[0].at("name"), "qgemv/tile/coop/fp32/bb_mean");
  EXPECT_EQ(b[4].at("error_message"), "validation: nrmse 1.0 > 3e-06");
  EXPECT_EQ(b[5].at("name"), "qgemv/big/coop/fp32/bb");
  EXPECT_EQ(b[6].at("name"), "qgemv/one_row/coop/fp32/bb");
  EXPECT_EQ(b[6].at("run_type"), "iteration");
}

// For github-action-benchmark: of the aggregates, the median alone; the rest as aggregates only.
TEST(GbenchReport, MedianOnlyKeepsTheMedianAggregate) {
  Fixture f;
  const auto b = to_gbench_json(f.info, f.cpu, GbenchEntries::median_only).at("benchmarks");
  ASSERT_EQ(b.size(), 1u + 1u + 1u + 1u);
  EXPECT_EQ(b[0].at("name"), "qgemv/tile/coop/fp32/bb_median");
  EXPECT_EQ(b[0].at("aggregate_name"), "median");
  EXPECT_EQ(b[0].at("iterations"), 3);
  EXPECT_DOUBLE_EQ(b[0].at("real_time").get<double>(), 20.0);
  EXPECT_EQ(b[1].at("error_occurred"), true);
  EXPECT_EQ(b[2].at("error_occurred"), true);
  EXPECT_EQ(b[3].at("name"), "qgemv/one_row/coop/fp32/bb");
}

TEST(GbenchReport, FormatNamesPickTheEntries) {
  EXPECT_EQ(gbench_entries("gbench"), GbenchEntries::every_repetition);
  EXPECT_EQ(gbench_entries("gbench-aggregates"), GbenchEntries::aggregates_only);
  EXPECT_EQ(gbench_entries("gbench-median"), GbenchEntries::median_only);
  EXPECT_EQ(gbench_entries("json"), std::nullopt);
}

TEST(GbenchReport, ProbeReadsThisHost) {
  const auto cpu = probe_host_cpu();
  EXPECT_GT(cpu.num_cpus, 0);
  EXPECT_GE(cpu.mhz_per_cpu, 0);
}

}  // namespace
}  // namespace qgemv::report
