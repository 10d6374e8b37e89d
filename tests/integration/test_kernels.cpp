// Every kernel x dtype x storage on the Vulkan device present (lavapipe in CI), with the Khronos
// validation layer on: a case passes only when it validates against the CPU reference and the
// layer reported nothing.
#include <gtest/gtest.h>


#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/statistics.hpp"
#include "bench/sweep.hpp"
#include "config/shapes.hpp"
#include "kernels/kernel_table.hpp"
#include "report/dump.hpp"

namespace qgemv {
namespace {

bench::SweepPlan plan_for(config::ShapesFile shapes, std::vector<const kernels::KernelDesc*> kernels) {
  bench::SweepPlan plan;
  plan.shapes = std::move(shapes);
  plan.kernels = std::move(kernels);
  plan.dtypes = {DType::fp32, DType::fp16};
  plan.storages = {Storage::bb, Storage::bt, Storage::tt};
  plan.seed = 7;
  plan.settings.timing.warmup = 1;
  plan.settings.timing.repetitions = 3;
  plan.settings.timing.min_time_s = 0;
  plan.settings.cold_cache_bytes = 0;  // warm: these tests are about correctness
  plan.roofline = false;
  plan.context_options.validation_layer = true;
  return plan;
}

bench::SweepResult run(const bench::SweepPlan& plan) {
  std::atomic<bool> never{false};
  return bench::run_sweep(plan, {}, never);
}

void expect_all_ok(const bench::SweepResult& sweep, std::size_t expected_cases) {
  ASSERT_EQ(sweep.results.size(), expected_cases);
  EXPECT_EQ(sweep.validation_messages, 0u) << (sweep.first_validation_messages.empty()
                                                   ? std::string()
                                                   : sweep.first_validation_messages.front());
  for (const auto& r : sweep.results) {
    SCOPED_TRACE(r.key.shape + " " + r.key.kernel + " " + std::string(to_string(r.key.dtype)) + " " +
                 std::string(to_string(r.key.storage)));
    EXPECT_EQ(r.status, bench::Status::ok) << r.message;
    ASSERT_TRUE(r.validation.has_value());
    EXPECT_TRUE(r.validation->passed) << r.validation->message;
    EXPECT_EQ(r.validation->non_finite, 0);
    ASSERT_TRUE(r.timing.has_value());
    EXPECT_EQ(r.timing->repetitions.size(), 3u);
    EXPECT_TRUE(r.timing->samples_s.empty());  // raw samples only with --samples
    EXPECT_EQ(r.cold_cache_copies, 1u);
    EXPECT_GT(r.timing->summary.median, 0.0);
    EXPECT_GT(r.gbps, 0.0);
  }
}

TEST(Kernels, SmokeShapesValidateUnderValidationLayer) {
  const auto plan = plan_for(config::load_shapes("smoke.json"), kernels::default_kernels());
  expect_all_ok(run(plan), plan.case_count());
}

TEST(Kernels, OddChannelCountsAndKEqualToGroupSize) {
  const auto json = R"({"name": "odd", "group_size": 32, "shapes": [
      {"name": "n1", "n": 1, "k": 32}, {"name": "n7", "n": 7, "k": 64}, {"name": "n9", "n": 9, "k": 96},
      {"name": "n100", "n": 100, "k": 128}, {"name": "n13_g64", "n": 13, "k": 64, "group_size": 64},
      {"name": "n4104_g128", "n": 4104, "k": 128, "group_size": 128},
      {"name": "n13_g256", "n": 13, "k": 256, "group_size": 256}]})";
  const auto plan = plan_for(config::parse_shapes(json, "odd"), kernels::default_kernels());
  expect_all_ok(run(plan), plan.case_count());
}

// Speedups are paired: repetition i of coop against repetition i of legacy, taken round-robin, and
// the reported speedup is the median of those ratios (docs/measurement.md).
TEST(Kernels, SpeedupIsTheMedianOfPairedRepetitionRatios) {
  const auto plan = plan_for(config::parse_shapes(R"({"name": "s", "shapes": [{"name": "a", "n": 64, "k": 256}]})", "s"),
                             kernels::default_kernels());
  const auto sweep = run(plan);
  ASSERT_EQ(sweep.results.size(), 2 * 3 * plan.kernels.size());  // 2 dtypes x kernels x 3 storages
  const auto& legacy = sweep.results[0];  // fp32 legacy bb
  const auto& coop = sweep.results[3];    // fp32 coop bb
  ASSERT_EQ(coop.key.kernel, "coop");
  ASSERT_EQ(coop.key.storage, Storage::bb);
  ASSERT_TRUE(coop.speedup_vs_legacy.has_value());
  const auto& base = legacy.timing->repetitions;
  const auto& mine = coop.timing->repetitions;
  ASSERT_EQ(base.size(), mine.size());
  std::vector<double> ratios;
  for (std::size_t i = 0; i < base.size(); ++i) ratios.push_back(base[i].seconds / mine[i].seconds);
  EXPECT_DOUBLE_EQ(*coop.speedup_vs_legacy, bench::summarize(ratios).median);
  EXPECT_TRUE(coop.speedup->paired);
  EXPECT_DOUBLE_EQ(*legacy.speedup_vs_legacy, 1.0);
  // The symmetric q4gsw_coop is paired with the same (affine) legacy repetitions.
  const auto& q4gsw = *std::find_if(sweep.results.begin(), sweep.results.end(), [](const auto& r) {
    return r.key.kernel == "q4gsw_coop" && r.key.dtype == DType::fp32 && r.key.storage == Storage::bb;
  });
  ASSERT_TRUE(q4gsw.speedup_vs_legacy.has_value());
  ratios.clear();
  for (std::size_t i = 0; i < base.size(); ++i) ratios.push_back(base[i].seconds / q4gsw.timing->repetitions[i].seconds);
  EXPECT_DOUBLE_EQ(*q4gsw.speedup_vs_legacy, bench::summarize(ratios).median);
  EXPECT_EQ(q4gsw.speedup->baseline, "legacy");
}

TEST(Kernels, EveryGroupSizeValidates) {
  for (const int g : {32, 64, 128, 256}) {
    SCOPED_TRACE(g);
    const auto json = R"({"name": "g", "shapes": [{"name": "a", "n": 72, "k": 512}]})";
    const auto plan = plan_for(config::parse_shapes(json, "g", g), kernels::default_kernels());
    expect_all_ok(run(plan), plan.case_count());
  }
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Lowering the binding limit forces several slices along N; the output must be bit-identical to
// the unsplit run, since each channel's arithmetic is the same.
TEST(Kernels, ForcedSplitMatchesUnsplitOutput) {
  namespace fs = std::filesystem;
  const auto root = fs::temp_directory_path() / "qgemv_split_test";
  fs::remove_all(root);
  const auto json = R"({"name": "split", "shapes": [{"name": "a", "n": 1000, "k": 2048, "group_size": 64}]})";
  auto plan = plan_for(config::parse_shapes(json, "split"), kernels::default_kernels());
  plan.settings.on_gpu_output = report::case_dumper(root / "whole");
  const auto whole = run(plan);
  expect_all_ok(whole, plan.case_count());
  plan.settings.on_gpu_output = report::case_dumper(root / "split");
  plan.settings.max_binding_bytes = 256 * 1024;  // 1000 x 2048 weights are 1 MB: 4 slices of 256 channels
  const auto split = run(plan);
  expect_all_ok(split, plan.case_count());
  for (std::size_t i = 0; i < split.results.size(); ++i) {
    const auto& r = split.results[i];
    SCOPED_TRACE(r.key.kernel + " " + std::string(to_string(r.key.dtype)) + " " + std::string(to_string(r.key.storage)));
    EXPECT_EQ(whole.results[i].slices, 1);
    EXPECT_EQ(r.slices, 4);
    const auto folder = "a." + r.key.kernel + "." + std::string(to_string(r.key.dtype)) + "." +
                        std::string(to_string(r.key.storage));
    const auto y_whole = read_bytes(root / "whole" / folder / "y.npy");
    ASSERT_FALSE(y_whole.empty());
    EXPECT_EQ(y_whole, read_bytes(root / "split" / folder / "y.npy"));
  }
  fs::remove_all(root);
}

// q4gsw_coop computes without zeros: it validates against the symmetric reference of the same
// codes, scales and input, and moves no zeros (half the qparams bytes of an affine kernel).
TEST(Kernels, Q4gswCoopValidatesAgainstItsSymmetricData) {
  const auto json = R"({"name": "sym", "shapes": [{"name": "a", "n": 100, "k": 512, "group_size": 64}]})";
  const auto plan = plan_for(config::parse_shapes(json, "sym"),
                             {&kernels::find_kernel("coop"), &kernels::find_kernel("q4gsw_coop")});
  const auto sweep = run(plan);
  expect_all_ok(sweep, plan.case_count());
  for (const auto& r : sweep.results) {
    if (r.key.kernel != "q4gsw_coop") continue;
    const auto& coop = *std::find_if(sweep.results.begin(), sweep.results.end(), [&](const auto& o) {
      return o.key.kernel == "coop" && o.key.dtype == r.key.dtype && o.key.storage == r.key.storage;
    });
    EXPECT_EQ(r.bytes.weights, coop.bytes.weights);
    EXPECT_EQ(2 * r.bytes.qparams, coop.bytes.qparams);
    EXPECT_EQ(r.seed, coop.seed);
  }
}

// A kernel that decodes nibbles in the wrong order must be failed by validation, for every layout.
TEST(Kernels, SwappedNibbleOrderIsCaught) {
  const auto plan = plan_for(config::parse_shapes(R"({"name": "swap", "shapes": [{"name": "a", "n": 100, "k": 256}]})", "swap"),
                             {&kernels::find_kernel("legacy_swapped_nibbles"),
                              &kernels::find_kernel("coop_swapped_nibbles"),
                              &kernels::find_kernel("coop_tuned_swapped_nibbles"),
                              &kernels::find_kernel("q4gsw_coop_swapped_nibbles")});
  const auto sweep = run(plan);
  ASSERT_EQ(sweep.results.size(), plan.case_count());
  EXPECT_EQ(sweep.validation_messages, 0u);
  for (const auto& r : sweep.results) {
    SCOPED_TRACE(r.key.kernel);
    EXPECT_EQ(r.status, bench::Status::failed);
    ASSERT_TRUE(r.validation.has_value());
    EXPECT_FALSE(r.validation->passed);
    EXPECT_GT(r.validation->nrmse, 0.1);
  }
}

}  // namespace
}  // namespace qgemv
