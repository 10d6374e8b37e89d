// Every kernel x dtype x storage on the Vulkan device present (lavapipe in CI), with the Khronos
// validation layer on: a case passes only when it validates against the CPU reference and the
// layer reported nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "bench/sweep.hpp"
#include "config/shapes.hpp"
#include "kernels/kernel_table.hpp"

namespace qgemv {
namespace {

bench::SweepPlan plan_for(config::ShapesFile shapes, std::vector<const kernels::KernelDesc*> kernels) {
  bench::SweepPlan plan;
  plan.shapes = std::move(shapes);
  plan.kernels = std::move(kernels);
  plan.dtypes = {DType::fp32};
  plan.storages = {Storage::bb};
  plan.seed = 7;
  plan.settings.warmup = 1;
  plan.settings.repetitions = 3;
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
    SCOPED_TRACE(r.key.shape + " " + r.key.kernel);
    EXPECT_EQ(r.status, bench::Status::ok) << r.message;
    ASSERT_TRUE(r.validation.has_value());
    EXPECT_TRUE(r.validation->passed) << r.validation->message;
    EXPECT_EQ(r.validation->non_finite, 0);
    ASSERT_TRUE(r.timing.has_value());
    EXPECT_EQ(r.timing->samples_s.size(), 3u);
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
      {"name": "n100", "n": 100, "k": 128}, {"name": "n13_g64", "n": 13, "k": 64, "group_size": 64}]})";
  const auto plan = plan_for(config::parse_shapes(json, "odd"), kernels::default_kernels());
  expect_all_ok(run(plan), plan.case_count());
}

TEST(Kernels, SpeedupIsLegacyMedianOverCoopMedian) {
  const auto plan = plan_for(config::parse_shapes(R"({"name": "s", "shapes": [{"name": "a", "n": 64, "k": 256}]})", "s"),
                             kernels::default_kernels());
  const auto sweep = run(plan);
  ASSERT_EQ(sweep.results.size(), 2u);
  const auto& legacy = sweep.results[0];
  const auto& coop = sweep.results[1];
  ASSERT_EQ(coop.key.kernel, "coop");
  ASSERT_TRUE(coop.speedup_vs_legacy.has_value());
  EXPECT_DOUBLE_EQ(*coop.speedup_vs_legacy, legacy.timing->summary.median / coop.timing->summary.median);
  EXPECT_DOUBLE_EQ(*legacy.speedup_vs_legacy, 1.0);
}

// A kernel that decodes nibbles in the wrong order must be failed by validation, for both layouts.
TEST(Kernels, SwappedNibbleOrderIsCaught) {
  const auto plan = plan_for(config::parse_shapes(R"({"name": "swap", "shapes": [{"name": "a", "n": 100, "k": 256}]})", "swap"),
                             {&kernels::find_kernel("legacy_swapped_nibbles"),
                              &kernels::find_kernel("coop_swapped_nibbles")});
  const auto sweep = run(plan);
  ASSERT_EQ(sweep.results.size(), 2u);
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
