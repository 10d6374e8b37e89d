// Verdicts and exit codes of the regression gate on crafted documents.
#include <gtest/gtest.h>

#include <string>

#include "../support/result_docs.hpp"
#include "compare/compare.hpp"
#include "util/error.hpp"

namespace qgemv::compare {
namespace {

using qgemv::testing::kNoisyBase;
using qgemv::testing::kNoisySlower;
using qgemv::testing::result_case;
using qgemv::testing::result_doc;
using qgemv::testing::tight;

ResultDocument doc(const std::vector<nlohmann::json>& cases, const std::string& device = qgemv::testing::kLavapipe) {
  return parse_result_document(result_doc(cases, device), "test.json");
}

Comparison run(const std::vector<nlohmann::json>& base, const std::vector<nlohmann::json>& current,
               Options options = {}) {
  return compare(doc(base), doc(current), options);
}

TEST(Compare, IdenticalRunsPass) {
  const std::vector<nlohmann::json> cases = {result_case("tile", "legacy", tight(100)),
                                             result_case("tile", "coop", tight(50), 2.0)};
  const auto c = run(cases, cases);
  ASSERT_EQ(c.cases.size(), 2u);
  for (const auto& x : c.cases) {
    EXPECT_EQ(x.verdict, Verdict::ok);
    EXPECT_EQ(*x.change, 0.0);
    EXPECT_EQ(*x.p_value, 1.0);
    EXPECT_FALSE(x.fails);
  }
  EXPECT_EQ(c.cases[0].base_samples, 10u);
  EXPECT_DOUBLE_EQ(*c.cases[0].base, 100.45e-6);  // median of the ten samples
  EXPECT_EQ(exit_code(c), 0);
}

TEST(Compare, SeparatedSlowdownIsARegression) {
  const auto c = run({result_case("tile", "coop", tight(100))}, {result_case("tile", "coop", tight(120))});
  const auto& x = c.cases.at(0);
  EXPECT_EQ(x.verdict, Verdict::regression);
  EXPECT_TRUE(x.fails);
  EXPECT_NEAR(*x.change, 120.45 / 100.45 - 1, 1e-12);
  EXPECT_NEAR(*x.p_value, 0.00018267179110955002, 1e-15);
  EXPECT_EQ(x.reason, "");
  EXPECT_EQ(exit_code(c), 1);
}

TEST(Compare, NoisySlowdownIsNotSignificant) {
  const auto c = run({result_case("tile", "coop", kNoisyBase)}, {result_case("tile", "coop", kNoisySlower)});
  const auto& x = c.cases.at(0);
  EXPECT_NEAR(*x.change, 0.2, 1e-12);
  EXPECT_EQ(x.verdict, Verdict::not_significant);
  EXPECT_EQ(x.reason, "p 0.354 >= alpha 0.05");
  EXPECT_FALSE(x.fails);
  EXPECT_EQ(exit_code(c), 0);
}

TEST(Compare, AlphaDecidesSignificance) {
  Options o;
  o.alpha = 0.4;  // above the noisy pair's p = 0.354
  const auto c = run({result_case("tile", "coop", kNoisyBase)}, {result_case("tile", "coop", kNoisySlower)}, o);
  EXPECT_EQ(c.cases.at(0).verdict, Verdict::regression);
  EXPECT_EQ(exit_code(c), 1);
}

TEST(Compare, ThresholdDecides) {
  Options o;
  o.threshold = 0.25;  // the 20 % slowdown is within it
  const auto c = run({result_case("tile", "coop", tight(100))}, {result_case("tile", "coop", tight(120))}, o);
  EXPECT_EQ(c.cases.at(0).verdict, Verdict::ok);
  EXPECT_EQ(exit_code(c), 0);
}

TEST(Compare, FewSamplesLeaveTheThresholdAlone) {
  const auto c = run({result_case("tile", "coop", {100, 101, 102})}, {result_case("tile", "coop", {120, 121, 122})});
  const auto& x = c.cases.at(0);
  EXPECT_EQ(x.verdict, Verdict::regression);
  EXPECT_EQ(x.reason, "threshold only");
  EXPECT_FALSE(x.p_value.has_value());
  EXPECT_EQ(x.base_samples, 3u);
  // Nine on one side is not enough: the test needs both.
  const auto c9 = run({result_case("tile", "coop", kNoisyBase)}, {result_case("tile", "coop", {120, 121, 122})});
  EXPECT_FALSE(c9.cases.at(0).p_value.has_value());
  EXPECT_EQ(c9.cases.at(0).verdict, Verdict::regression);
}

TEST(Compare, ImprovementIsReportedNeverFailed) {
  const auto c = run({result_case("tile", "coop", tight(120))}, {result_case("tile", "coop", tight(100))});
  EXPECT_EQ(c.cases.at(0).verdict, Verdict::improved);
  EXPECT_EQ(exit_code(c), 0);
}

TEST(Compare, GbpsIsBytesOverEachSample) {
  Options o;
  o.metric = Metric::gbps;
  const auto c = run({result_case("tile", "coop", tight(100))}, {result_case("tile", "coop", tight(120))}, o);
  const auto& x = c.cases.at(0);
  // Median of 11520 bytes / sample over ten samples: the mean of the two middle ones.
  EXPECT_NEAR(*x.base, (11520 / 100.4e-6 + 11520 / 100.5e-6) / 2 / 1e9, 1e-12);
  EXPECT_LT(*x.change, -0.15);
  EXPECT_NEAR(*x.p_value, 0.00018267179110955002, 1e-15);  // a monotone map leaves the ranks
  EXPECT_EQ(x.verdict, Verdict::regression);
}

TEST(Compare, SpeedupHasOnlyTheThreshold) {
  Options o;
  o.metric = Metric::speedup;
  o.threshold = 0.25;
  const std::vector<nlohmann::json> base = {result_case("tile", "coop", tight(50), 2.0)};
  const auto slower = run(base, {result_case("tile", "coop", tight(50), 1.4)}, o);  // -30 %
  const auto& x = slower.cases.at(0);
  EXPECT_DOUBLE_EQ(*x.base, 2.0);
  EXPECT_DOUBLE_EQ(*x.current, 1.4);
  EXPECT_NEAR(*x.change, -0.3, 1e-12);
  EXPECT_FALSE(x.p_value.has_value());
  EXPECT_EQ(x.verdict, Verdict::regression);
  EXPECT_EQ(x.reason, "threshold only");
  o.threshold = 0.6;
  EXPECT_EQ(exit_code(run(base, {result_case("tile", "coop", tight(50), 1.4)}, o)), 0);
  // Without legacy in a run there is no speedup to compare; that alone does not fail.
  const auto none = run(base, {result_case("tile", "coop", tight(50), std::nullopt)}, o);
  EXPECT_EQ(none.cases.at(0).verdict, Verdict::no_baseline);
  EXPECT_EQ(none.cases.at(0).reason, "no speedup in NEW");
}

TEST(Compare, MissingCaseFailsUnlessAllowed) {
  const std::vector<nlohmann::json> base = {result_case("tile", "legacy", tight(100)),
                                            result_case("tile", "coop", tight(50))};
  const std::vector<nlohmann::json> current = {result_case("tile", "legacy", tight(100))};
  const auto c = run(base, current);
  EXPECT_EQ(c.cases.at(1).verdict, Verdict::missing);
  EXPECT_EQ(c.cases.at(1).reason, "not in NEW");
  EXPECT_EQ(exit_code(c), 1);
  Options o;
  o.allow_missing = true;
  const auto allowed = run(base, current, o);
  EXPECT_EQ(allowed.cases.at(1).verdict, Verdict::missing);
  EXPECT_EQ(allowed.cases.at(1).reason, "not in NEW; allowed");
  EXPECT_EQ(exit_code(allowed), 0);
}

TEST(Compare, SkippedInNewCountsAsMissing) {
  const auto c = run({result_case("tile", "coop", tight(50))},
                     {result_case("tile", "coop", {}, std::nullopt, "skipped", "too large")});
  EXPECT_EQ(c.cases.at(0).verdict, Verdict::missing);
  EXPECT_EQ(c.cases.at(0).reason, "skipped in NEW: too large");
  EXPECT_EQ(exit_code(c), 1);
  const auto both = run({result_case("tile", "coop", {}, std::nullopt, "skipped", "too large")},
                        {result_case("tile", "coop", {}, std::nullopt, "skipped", "too large")});
  EXPECT_EQ(both.cases.at(0).verdict, Verdict::skipped);
  EXPECT_EQ(exit_code(both), 0);
}

TEST(Compare, ValidationFailureInNewFails) {
  const auto failed = result_case("tile", "coop", tight(50), 2.0, "failed", "validation: nrmse 1.0 > 2.8e-06");
  const auto c = run({result_case("tile", "coop", tight(50))}, {failed});
  EXPECT_EQ(c.cases.at(0).verdict, Verdict::failed);
  EXPECT_EQ(c.cases.at(0).reason, "validation: nrmse 1.0 > 2.8e-06");
  EXPECT_EQ(exit_code(c), 1);
  // A failing case new to the sweep fails too; a passing new one is only reported.
  const auto added = run({}, {failed, result_case("odd_n", "coop", tight(50))});
  EXPECT_EQ(added.cases.at(0).verdict, Verdict::failed);
  EXPECT_EQ(added.cases.at(1).verdict, Verdict::added);
  EXPECT_FALSE(added.cases.at(1).fails);
  EXPECT_EQ(exit_code(added), 1);
}

TEST(Compare, FailedBaseIsNoBaseline) {
  const auto c = run({result_case("tile", "coop", tight(50), 2.0, "failed", "boom")},
                     {result_case("tile", "coop", tight(50))});
  EXPECT_EQ(c.cases.at(0).verdict, Verdict::no_baseline);
  EXPECT_EQ(c.cases.at(0).reason, "failed in BASE");
  EXPECT_EQ(exit_code(c), 0);
}

TEST(Compare, DifferentDevicesAreUnusableUnlessAllowed) {
  const auto base = doc({result_case("tile", "coop", tight(50))});
  const auto gpu = doc({result_case("tile", "coop", tight(5))}, "NVIDIA H100 80GB HBM3");
  try {
    compare(base, gpu, {});
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("different devices"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NVIDIA H100 80GB HBM3"), std::string::npos) << e.what();
  }
  Options o;
  o.allow_device_change = true;
  EXPECT_EQ(compare(base, gpu, o).cases.at(0).verdict, Verdict::improved);
}

TEST(Compare, ThresholdIsAlwaysInPercent) {
  EXPECT_DOUBLE_EQ(parse_threshold("5%"), 0.05);
  EXPECT_DOUBLE_EQ(parse_threshold("5"), 0.05);
  EXPECT_DOUBLE_EQ(parse_threshold("0.5%"), 0.005);
  EXPECT_DOUBLE_EQ(parse_threshold("60"), 0.6);
  EXPECT_DOUBLE_EQ(parse_threshold("0"), 0.0);
  for (const char* bad : {"", "%", "abc", "-5%", "5%%", "5 %", " 5", "5x", "nan", "inf"}) {
    EXPECT_THROW(parse_threshold(bad), UsageError) << bad;
  }
}

TEST(Compare, MetricNames) {
  EXPECT_EQ(parse_metric("time"), Metric::time);
  EXPECT_EQ(parse_metric("gbps"), Metric::gbps);
  EXPECT_EQ(parse_metric("speedup"), Metric::speedup);
  EXPECT_FALSE(parse_metric("fast").has_value());
}

}  // namespace
}  // namespace qgemv::compare
