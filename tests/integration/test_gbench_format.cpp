// --format gbench next to Google Benchmark itself: the keys, their order and JSON types of every
// kind of entry against a program built with Debian's libbenchmark-dev 1.7.1
// (tests/ci/gbench_reference.cpp), and Google's own compare.py (Debian libbenchmark-tools, installed
// by scripts/bootstrap.sh) reading real lavapipe runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_dir_test.hpp"
#include "report/gbench_report.hpp"

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

constexpr const char* kComparePy = "/usr/share/benchmark/compare.py";

using qgemv::testing::Outcome;
using qgemv::testing::read_file;

// Python's json, compare.py and the action's JavaScript all tell integers from floats by the text.
std::string json_type(const ojson& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "float";
  return v.type_name();
}

// The ordered "key:type" list of one entry.
std::vector<std::string> signature(const ojson& entry) {
  std::vector<std::string> out;
  for (const auto& [key, value] : entry.items()) out.push_back(key + ":" + json_type(value));
  return out;
}

std::string entry_kind(const ojson& e) {
  if (e.contains("error_occurred")) return "error";
  if (e.at("run_type") == "aggregate") return "aggregate " + e.at("aggregate_name").get<std::string>();
  return "iteration";
}

// Every kind of entry in a document with its signature; fails if one kind comes in two shapes.
std::map<std::string, std::vector<std::string>> signatures_by_kind(const ojson& doc) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& e : doc.at("benchmarks")) {
    const auto [it, inserted] = out.emplace(entry_kind(e), signature(e));
    if (!inserted) {
      EXPECT_EQ(it->second, signature(e)) << e.dump();
    }
  }
  return out;
}

// The kinds of the entries of each benchmark (by run_name), in the order they were written.
std::vector<std::vector<std::string>> kinds_per_benchmark(const ojson& doc) {
  std::vector<std::vector<std::string>> out;
  std::string last;
  for (const auto& e : doc.at("benchmarks")) {
    if (out.empty() || e.at("run_name") != last) out.emplace_back();
    last = e.at("run_name");
    out.back().push_back(entry_kind(e));
  }
  return out;
}

class GbenchFormat : public qgemv::testing::TempDirTest {
 protected:
  // A real smoke sweep written as Google Benchmark JSON.
  fs::path smoke_run(const std::string& name, const std::string& format = "gbench") const {
    const auto path = dir_ / name;
    // 10 repetitions per case with no minimum GPU time; warm and without roofline to stay quick.
    const auto r = shell(std::string(QGEMV_BINARY) + " --shapes smoke.json --kernels legacy,coop --warmup 2" +
                         " --repetitions 10 --min-time 0 --cold-cache off --roofline off --quiet" +
                         " --format " + format + " --out " + path.string());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return path;
  }

  // One small shape, three repetitions: every kind of entry a successful case has.
  ojson tiny_run(const std::string& format) const {
    const auto shapes = dir_ / "tiny.json";
    std::ofstream(shapes) << R"({"name": "tiny", "group_size": 64, "shapes": [{"name": "tile", "n": 64, "k": 256}]})";
    const auto path = dir_ / ("tiny-" + format + ".json");
    const auto r = run("--shapes " + shapes.string() + " --kernels coop --repetitions 3 --min-time 0" +
                       " --cold-cache off --roofline off --quiet --format " + format + " --out " + path.string());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ojson::parse(read_file(path));
  }

  ojson reference_run(const std::string& flags = "") const {
    const auto r = shell(std::string(QGEMV_GBENCH_REFERENCE) + " --benchmark_format=json " + flags);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ojson::parse(r.out);
  }

  // A failed and a skipped case as the writer renders them (no kernel fails on purpose in a real run).
  static ojson failed_and_skipped(qgemv::report::GbenchEntries entries) {
    using namespace qgemv;
    bench::SweepPlan plan;
    bench::SweepResult sweep;
    plan.shapes.name = "smoke";
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
    return report::to_gbench_json(info, report::probe_host_cpu(), entries);
  }

  // Debian's interpreter, where python3-scipy installs, even when another python3 comes first in PATH.
  Outcome compare_py(const fs::path& a, const fs::path& b) const {
    const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    return shell(python + " " + kComparePy + " --no-color benchmarks " + a.string() + " " + b.string() + " 2>&1");
  }
};

TEST_F(GbenchFormat, EveryEntryHasGoogleBenchmarksKeysOrderAndTypes) {
  const auto reference = signatures_by_kind(reference_run());
  auto ours = signatures_by_kind(tiny_run("gbench"));
  for (auto& [kind, sig] : signatures_by_kind(failed_and_skipped(qgemv::report::GbenchEntries::every_repetition))) {
    ours.emplace(kind, sig);
  }
  // iteration, the four aggregates, error: the reference has them all, so a kind missing on either
  // side shows here.
  ASSERT_EQ(reference.size(), 6u);
  for (const auto& [kind, sig] : reference) {
    ASSERT_TRUE(ours.count(kind)) << "we write no '" << kind << "' entry";
    EXPECT_EQ(ours.at(kind), sig) << kind;
  }
  for (const auto& [kind, sig] : ours) EXPECT_TRUE(reference.count(kind)) << "Google Benchmark writes no '" << kind << "'";
}

// Google Benchmark's context keys come first, in its order and types; ours follow as strings, the
// form its AddCustomContext gives extra context.
TEST_F(GbenchFormat, ContextStartsWithGoogleBenchmarksKeys) {
  const auto reference = signature(reference_run().at("context"));
  const auto ours = tiny_run("gbench").at("context");
  const auto our_signature = signature(ours);
  ASSERT_GT(our_signature.size(), reference.size());
  EXPECT_EQ(std::vector<std::string>(our_signature.begin(), our_signature.begin() + reference.size()), reference);
  std::size_t i = 0;
  for (const auto& [key, value] : ours.items()) {
    if (i++ >= reference.size()) {
      EXPECT_TRUE(value.is_string()) << key;
    }
  }
}

// gbench-aggregates as --benchmark_report_aggregates_only: per benchmark with repetitions, its four
// aggregates and nothing else; a benchmark that errs keeps its error entry.
TEST_F(GbenchFormat, AggregatesOnlyAsReportAggregatesOnly) {
  const auto reference = kinds_per_benchmark(reference_run("--benchmark_report_aggregates_only=true"));
  const std::vector<std::string> aggregates = {"aggregate mean", "aggregate median", "aggregate stddev",
                                               "aggregate cv"};
  ASSERT_EQ(reference.size(), 2u);
  EXPECT_EQ(reference[0], aggregates);
  EXPECT_EQ(reference[1], std::vector<std::string>{"error"});
  const auto ours = kinds_per_benchmark(tiny_run("gbench-aggregates"));
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours[0], reference[0]);
  const auto errors = kinds_per_benchmark(failed_and_skipped(qgemv::report::GbenchEntries::aggregates_only));
  EXPECT_EQ(errors, (std::vector<std::vector<std::string>>{{"error"}, {"error"}}));
}

TEST_F(GbenchFormat, RealRunHasRepetitionsAggregatesAndBytes) {
  const auto doc = nlohmann::json::parse(read_file(smoke_run("run.json")));
  EXPECT_EQ(doc["context"]["device_name"].get<std::string>().empty(), false);
  EXPECT_GT(doc["context"]["num_cpus"].get<int>(), 0);
  const auto& b = doc["benchmarks"];
  ASSERT_EQ(b.size(), 10u * (10 + 4));  // 10 smoke cases: 10 repetitions + mean, median, stddev, cv
  EXPECT_EQ(b[0]["name"], "qgemv/tile/legacy/fp32/bb");
  EXPECT_EQ(b[12]["name"], "qgemv/tile/legacy/fp32/bb_stddev");
  EXPECT_EQ(b[13]["name"], "qgemv/tile/legacy/fp32/bb_cv");
  EXPECT_EQ(b[14]["name"], "qgemv/tile/coop/fp32/bb");
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

// A failed and a skipped case (both error_occurred) next to a real run: compare.py takes the file as is.
TEST_F(GbenchFormat, ComparePyReadsFailedAndSkippedCases) {
  if (!fs::exists(kComparePy)) GTEST_SKIP() << kComparePy << " missing (Debian: libbenchmark-tools)";
  const auto broken = dir_ / "broken.json";
  std::ofstream(broken) << failed_and_skipped(qgemv::report::GbenchEntries::every_repetition).dump(2);

  const auto real = smoke_run("real.json");
  for (const auto& [a, b] : {std::pair{real, broken}, std::pair{broken, real}}) {
    const auto r = compare_py(a, b);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("qgemv/tile/coop/fp32/bb"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Traceback"), std::string::npos) << r.out;
  }
}

}  // namespace
