// --filter and --list: case names, regex selection, and the plan's count of selected cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench/footprint.hpp"
#include "bench/sweep.hpp"
#include "cli/case_filter.hpp"
#include "cli/options.hpp"
#include "cli/plan.hpp"
#include "report/case_list.hpp"
#include "util/error.hpp"

namespace qgemv::cli {
namespace {

Options smoke(std::string filter = {}) {
  Options o;
  o.shapes = "smoke.json";
  o.kernels = {"legacy", "coop"};
  o.dtypes = {"fp32", "fp16"};
  o.filter = std::move(filter);
  return o;
}

std::vector<std::string> names(const bench::SweepPlan& plan) {
  std::vector<std::string> out;
  for (const auto& key : bench::planned_cases(plan)) out.push_back(bench::case_name(key));
  return out;
}

TEST(CaseName, IsShapeKernelDtypeStorage) {
  bench::CaseKey key{"lm_head", 128256, 2048, 128, "coop", DType::fp16, Storage::bt};
  EXPECT_EQ(bench::case_name(key), "lm_head/coop/fp16/bt");
}

TEST(CaseFilter, SearchesAnywhereInTheName) {
  const auto filter = make_case_filter("coop");
  EXPECT_TRUE(filter({"q", 1, 32, 32, "coop", DType::fp32, Storage::bb}));
  EXPECT_TRUE(filter({"q", 1, 32, 32, "coop_tuned", DType::fp32, Storage::bb}));
  EXPECT_FALSE(filter({"q", 1, 32, 32, "legacy", DType::fp32, Storage::bb}));
  const auto anchored = make_case_filter("^q/");
  EXPECT_TRUE(anchored({"q", 1, 32, 32, "legacy", DType::fp32, Storage::bb}));
  EXPECT_FALSE(anchored({"sq", 1, 32, 32, "legacy", DType::fp32, Storage::bb}));
}

TEST(CaseFilter, InvalidRegexIsAUsageError) {
  try {
    make_case_filter("q/(coop");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--filter q/(coop"), std::string::npos) << e.what();
  }
}

TEST(Plan, FilterSelectsCasesInSweepOrder) {
  const auto all = make_plan(smoke());
  EXPECT_EQ(all.case_count(), 5u * 2 * 2);
  const auto plan = make_plan(smoke("^(tile|g32)/.*/fp16/"));
  EXPECT_EQ(names(plan), (std::vector<std::string>{"tile/legacy/fp16/bb", "tile/coop/fp16/bb", "g32/legacy/fp16/bb",
                                                   "g32/coop/fp16/bb"}));
  EXPECT_EQ(plan.case_count(), 4u);
}

TEST(Plan, FilterMatchingNothingIsAUsageErrorNamingTheFormat) {
  try {
    make_plan(smoke("no_such_shape"));
    FAIL() << "no error";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("matches none of the 20 cases"), std::string::npos) << what;
    EXPECT_NE(what.find("tile/legacy/fp32/bb"), std::string::npos) << what;
  }
}

TEST(CaseList, OneLinePerCaseWithSizesAndATotal) {
  const auto text = report::case_list(make_plan(smoke("^tile/legacy/")));
  // tile: N 64, K 256, G 64. fp32: weights 64*256/2 = 8192, qparams 2*4*64*4 = 2048, x 1024, y 256.
  EXPECT_NE(text.find("tile/legacy/fp32/bb"), std::string::npos) << text;
  EXPECT_NE(text.find("64x256"), std::string::npos) << text;
  EXPECT_NE(text.find(bench::format_bytes(8192 + 2048 + 1024 + 256)), std::string::npos) << text;
  EXPECT_NE(text.find("2 case(s)"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);  // title, 2 cases, total
}

}  // namespace
}  // namespace qgemv::cli
