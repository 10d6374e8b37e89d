// The result document's per-case geometry along K: what a split-K kernel (coopmat) ran with, null
// for every other kernel. coopmat cannot run on the test device, so the field is checked here.
#include <gtest/gtest.h>

#include "report/json_report.hpp"

namespace qgemv::report {
namespace {

bench::CaseResult make_case(const std::string& kernel, std::optional<kernels::KSplit> split) {
  bench::CaseResult r;
  r.key = {"down", 2048, 8192, 128, kernel, DType::fp32, Storage::bb};
  r.status = bench::Status::skipped;
  r.k_split = split;
  return r;
}

TEST(JsonReport, ASplitKCaseSaysItsSubgroupsAndSlicesAlongK) {
  bench::SweepPlan plan;
  bench::SweepResult sweep;
  sweep.results = {make_case("coopmat", kernels::KSplit{8, 8}), make_case("coop", std::nullopt)};
  const RunInfo info{"", "", "", false, &plan, &sweep, {}};
  const auto doc = to_json(info);
  const auto& results = doc.at("results");
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("split_k"), (nlohmann::json{{"subgroups", 8}, {"slices", 8}}));
  EXPECT_TRUE(results[1].at("split_k").is_null());
}

}  // namespace
}  // namespace qgemv::report
