// Measurement arithmetic: cold-cache rotation sizing, repetition batch sizes, warm-up agreement, per-token totals,
// tuning search space and the tuning file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bench/cold_cache.hpp"
#include "bench/model_view.hpp"
#include "bench/speedup.hpp"
#include "bench/sweep.hpp"
#include "bench/timing.hpp"
#include "bench/tuning.hpp"
#include "kernels/tune_config.hpp"
#include "report/tuning_file.hpp"
#include "util/error.hpp"

namespace qgemv {
namespace {

TEST(ColdCache, CopiesCoverTheTargetFootprint) {
  using bench::cold_cache_copies;
  EXPECT_EQ(cold_cache_copies(1 << 20, 0), 1u);                   // off: warm
  EXPECT_EQ(cold_cache_copies(1 << 20, 256ull << 20), 256u);      // exactly 256 MiB
  EXPECT_EQ(cold_cache_copies(3 << 20, 256ull << 20), 86u);       // rounds up: 86 * 3 >= 256
  EXPECT_EQ(cold_cache_copies(300ull << 20, 256ull << 20), 1u);   // one copy is already larger
  EXPECT_EQ(cold_cache_copies(4096, 256ull << 20), bench::kMaxColdCacheCopies);  // capped
}

TEST(Repetitions, BatchHoldsMinTimeOfDispatchesWithinTheTimeCap) {
  bench::TimingSettings s;
  s.repetitions = 10;
  s.min_time_s = 0.02;
  s.max_time_s = 3.0;
  EXPECT_EQ(bench::dispatches_per_repetition(1e-3, s), 20);   // 20 ms at 1 ms per dispatch
  EXPECT_EQ(bench::dispatches_per_repetition(3e-3, s), 7);    // rounds up
  EXPECT_EQ(bench::dispatches_per_repetition(1e-7, s), bench::kMaxDispatchesPerRepetition);
  EXPECT_EQ(bench::dispatches_per_repetition(0.5, s), 1);     // a slow CPU driver: one dispatch each
  EXPECT_EQ(bench::dispatches_per_repetition(0, s), 1);
  // 10 repetitions of 20 dispatches of 10 ms would be 2 s, over half the 3 s cap: 15 each.
  s.min_time_s = 0.2;
  EXPECT_EQ(bench::dispatches_per_repetition(10e-3, s), 15);
}

TEST(Warmup, SuccessiveBatchesAgreeWithinTheTolerance) {
  EXPECT_TRUE(bench::warm(100, 104, 0.05));
  EXPECT_TRUE(bench::warm(104, 100, 0.05));
  EXPECT_FALSE(bench::warm(100, 106, 0.05));
  EXPECT_FALSE(bench::warm(700, 188, 0.05));  // an idle GPU clocking up is not warm
  EXPECT_FALSE(bench::warm(0, 0, 0.05));
}

// speedup_vs_legacy pairs repetition i of the baseline with repetition i of the variant, so a
// machine slowed during one repetition slows both sides of that ratio.
TEST(PairedSpeedup, RatioPerRepetitionIndexAndItsMedian) {
  auto result = [](const char* kernel, std::vector<double> reps_us, std::size_t group) {
    bench::CaseResult r;
    r.key = {"tile", 64, 256, 64, kernel, DType::fp32, Storage::bb};
    r.status = bench::Status::ok;
    r.interleave_group = group;
    bench::Timing t;
    for (double us : reps_us) t.repetitions.push_back({us * 1e-6, 10});
    t.summary = bench::summarize(t.repetition_seconds());
    r.timing = t;
    return r;
  };
  // Repetition 3 ran while the machine was twice as busy: both sides doubled.
  std::vector<bench::CaseResult> results = {result("legacy", {100, 100, 200, 100, 100, 100}, 1),
                                            result("coop", {50, 50, 100, 50, 50, 50}, 1),
                                            result("coop_tuned", {40, 40, 40, 40, 40, 40}, 2)};
  bench::fill_speedups(results);
  ASSERT_TRUE(results[1].speedup.has_value());
  ASSERT_EQ(results[1].speedup->ratios.size(), 6u);
  for (double ratio : results[1].speedup->ratios) EXPECT_DOUBLE_EQ(ratio, 2.0);
  EXPECT_DOUBLE_EQ(*results[1].speedup_vs_legacy, 2.0);
  EXPECT_NEAR(results[1].speedup->summary.stddev, 0.0, 1e-12);
  EXPECT_TRUE(results[1].speedup->paired);
  EXPECT_EQ(results[1].speedup->baseline, bench::baseline_kernel_name());
  EXPECT_FALSE(results[2].speedup->paired);  // another group: measured at another time
  EXPECT_DOUBLE_EQ(*results[2].speedup_vs_legacy, 2.5);
  EXPECT_DOUBLE_EQ(*results[0].speedup_vs_legacy, 1.0);
}

TEST(ModelView, SumsMedianTimesCountsAndBytesPerVariant) {
  auto result = [](const char* kernel, double median, std::int64_t count, std::int64_t bytes) {
    bench::CaseResult r;
    r.key.kernel = kernel;
    r.status = bench::Status::ok;
    r.count_per_token = count;
    r.bytes.weights = bytes;
    bench::Timing t;
    t.summary.median = median;
    r.timing = t;
    return r;
  };
  const std::vector<bench::CaseResult> results = {result("legacy", 10e-6, 16, 1000), result("coop", 5e-6, 16, 1000),
                                                  result("legacy", 100e-6, 1, 50000), result("coop", 50e-6, 1, 50000)};
  const auto estimates = bench::estimate_tokens(results, 2);
  ASSERT_EQ(estimates.size(), 2u);
  EXPECT_EQ(estimates[0].kernel, "legacy");
  EXPECT_DOUBLE_EQ(estimates[0].seconds_per_token, 16 * 10e-6 + 100e-6);
  EXPECT_EQ(estimates[0].bytes_per_token, 16 * 1000 + 50000);
  EXPECT_DOUBLE_EQ(estimates[0].tokens_per_second, 1.0 / (16 * 10e-6 + 100e-6));
  EXPECT_TRUE(estimates[1].complete);

  auto with_failure = results;
  with_failure[3].status = bench::Status::failed;
  const auto partial = bench::estimate_tokens(with_failure, 2);
  EXPECT_FALSE(partial[1].complete);
  EXPECT_EQ(partial[1].tokens_per_second, 0.0);  // no bound from an incomplete model

  // Interrupted after three cases: coop's second shape never ran, so coop has no bound either.
  const std::vector<bench::CaseResult> interrupted(results.begin(), results.begin() + 3);
  const auto cut = bench::estimate_tokens(interrupted, 2);
  EXPECT_TRUE(cut[0].complete);
  EXPECT_FALSE(cut[1].complete);
  EXPECT_EQ(cut[1].tokens_per_second, 0.0);
}

vk_util::DeviceInfo gpu_like(std::uint32_t subgroup, bool arithmetic, bool denormals = true) {
  vk_util::DeviceInfo info;
  info.subgroup_size = subgroup;
  info.subgroup_arithmetic = arithmetic;
  info.denorm_preserve_float32 = denormals;
  info.max_workgroup_invocations = 1024;
  return info;
}

TEST(TuneConfig, CandidatesAreAllValidAndRespectTheGroupSize) {
  const auto device = gpu_like(32, true);
  const auto candidates = kernels::tune_candidates(128, device);
  // 7 thread/workgroup pairs x 4 loads x ({plain, prefetch, interleaved} x 2 decodes + plain x 2).
  EXPECT_EQ(candidates.size(), 224u);
  for (const auto& c : candidates) EXPECT_EQ(kernels::config_problem(c, 128, device), "") << c.to_string();
  // 4 * loads_per_step must divide G: with G = 32 that is 2, 4 and 8 loads, not 16.
  for (const auto& c : kernels::tune_candidates(32, device)) EXPECT_EQ(32 % (4 * c.loads_per_step), 0u);
  // Without denormal preservation (lavapipe, many phones) the denormal decode is not searched.
  const auto no_denormals = kernels::tune_candidates(128, gpu_like(32, true, false));
  EXPECT_EQ(no_denormals.size(), 196u);
  for (const auto& c : no_denormals) EXPECT_NE(c.decode, kernels::Decode::denormal) << c.to_string();
}

TEST(TuneConfig, NamesParseBackToTheSameConfiguration) {
  for (const auto& c : kernels::tune_candidates(128, gpu_like(32, true))) {
    EXPECT_EQ(kernels::TuneConfig::parse(c.to_string()), c) << c.to_string();
  }
  EXPECT_EQ(kernels::TuneConfig::parse("t64.b2.u8.shared.il.mask"), (kernels::TuneConfig{64, 2, 8, false, false, true, kernels::Decode::masked}));
  EXPECT_EQ(kernels::TuneConfig::parse("t32.b8.u4.subgroup.dn"),
            (kernels::TuneConfig{32, 8, 4, true, false, false, kernels::Decode::denormal}));
  EXPECT_EQ(kernels::TuneConfig::parse("t32.b8.u4.subgroup.mix").decode, kernels::Decode::mixed);
  EXPECT_EQ(kernels::TuneConfig::parse("t32.b8.u4.subgroup.dn").flavour(), "subgroup_denormal");
  EXPECT_EQ(kernels::TuneConfig::parse("t32.b8.u4.shared.mask").flavour(), "shared");
  for (const char* bad : {"", "t64", "t64.b2.u8", "t64.b2.u8.fast", "t0.b2.u8.shared", "tx.b2.u8.shared",
                          "t64.b2.u8.shared.mask.pf", "t64.b2.u8.shared.pf.pf", "t64.b2.u8.subgroup.extra",
                          "t64.b2.u8.shared.dn.mask", "t64.b2.u8.shared.mix.mix"}) {
    EXPECT_THROW(kernels::TuneConfig::parse(bad), std::invalid_argument) << bad;
  }
}

TEST(TuneConfig, ProblemsAreNamed) {
  const auto device = gpu_like(64, true);
  EXPECT_NE(kernels::config_problem({32, 4, 4, true}, 128, device).find("subgroup size"), std::string::npos);
  EXPECT_EQ(kernels::config_problem({64, 4, 4, true}, 128, device), "");
  EXPECT_NE(kernels::config_problem({64, 4, 16, false}, 32, device).find("group size"), std::string::npos);
  EXPECT_NE(kernels::config_problem({48, 1, 4, false}, 128, device).find("power of two"), std::string::npos);
  EXPECT_NE(kernels::config_problem({64, 4, 4, true}, 128, gpu_like(32, false)).find("arithmetic"),
            std::string::npos);
  // The denormal decode's feature is its flavour's: kernels::configuration_problem checks it.
  EXPECT_EQ(kernels::config_problem({64, 4, 4, true, false, false, kernels::Decode::denormal}, 128, device), "");
}

TEST(TuneConfig, HeuristicGivesLargeShapesFewThreadsPerBlockAndSmallShapesMany) {
  const auto device = gpu_like(32, true);
  const auto lm_head = kernels::heuristic_config(128256, 2048, 128, device);
  EXPECT_EQ(lm_head.threads_per_block, 32u);
  const auto small = kernels::heuristic_config(512, 2048, 128, device);
  EXPECT_EQ(small.threads_per_block, 128u);  // K/4/4 = 128 steps along K: no idle invocations
  EXPECT_EQ(kernels::config_problem(small, 128, device), "");
  EXPECT_FALSE(kernels::heuristic_config(512, 2048, 128, gpu_like(32, false)).subgroup_reduction);
}

TEST(TuningFile, SavesAndLoadsEntriesAndRejectsGarbage) {
  const auto path = std::filesystem::temp_directory_path() / "qgemv_tuning_test.json";
  bench::TuningTable table;
  bench::TuningEntry entry{{"GPU X", "coop_tuned", 2048, 4096, 128, DType::fp16, Storage::bt},
                           {64, 2, 8, false, true, false, kernels::Decode::mixed}, 1.5e-5, 168, {{"t64.b2.u8.shared.pf.mix", 1.5e-5}}};
  table.put(entry);
  table.put(entry);  // same key: replaced, not added
  std::ofstream(path) << report::tuning_file_text(table);
  const auto loaded = report::load_tuning_file(path);
  ASSERT_EQ(loaded.entries().size(), 1u);
  const auto config = loaded.find(entry.key);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(*config, entry.config);
  EXPECT_EQ(loaded.entries()[0].trials.size(), 1u);
  auto other = entry.key;
  other.storage = Storage::bb;
  EXPECT_FALSE(loaded.find(other).has_value());

  // Files from before the decode had a name said only "masked_decode".
  std::ofstream(path) << R"({"schema_version": 1, "entries": [{"device": "GPU X", "kernel": "coop_tuned", "n": 8,
      "k": 256, "group_size": 64, "dtype": "fp32", "storage": "bb", "config": {"threads_per_block": 32,
      "blocks_per_workgroup": 4, "loads_per_step": 4, "reduction": "subgroup", "masked_decode": true}}]})";
  EXPECT_EQ(report::load_tuning_file(path).entries().at(0).config.decode, kernels::Decode::masked);

  std::ofstream(path) << R"({"schema_version": 1, "entries": [{"device": "x"}]})";
  EXPECT_THROW(report::load_tuning_file(path), UsageError);
  std::filesystem::remove(path);
  EXPECT_THROW(report::load_tuning_file(path), UsageError);
}

}  // namespace
}  // namespace qgemv
