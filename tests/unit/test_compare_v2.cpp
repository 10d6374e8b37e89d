// compare on schema_version 2 documents: repetitions, measurement settings, incomplete runs,
// unstable cases and the roofline metric.
#include <gtest/gtest.h>

#include <string>

#include "../support/result_docs.hpp"
#include "compare/compare.hpp"
#include "compare/compare_format.hpp"
#include "util/error.hpp"

namespace qgemv::compare {
namespace {

using qgemv::testing::result_case;
using qgemv::testing::result_case_v2;
using qgemv::testing::result_doc;
using qgemv::testing::result_doc_v2;
using qgemv::testing::tight;

ResultDocument parse(const nlohmann::json& j, const std::string& label = "test.json") {
  return parse_result_document(j, label);
}

std::string usage_error(const ResultDocument& base, const ResultDocument& current, const Options& o = {}) {
  try {
    compare(base, current, o);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(CompareV2, RepetitionsAreTheSamplesOfTheUTest) {
  const auto c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(100))})),
                         parse(result_doc_v2({result_case_v2("tile", "coop", tight(120))})), {});
  ASSERT_EQ(c.cases.size(), 1u);
  EXPECT_EQ(c.cases[0].verdict, Verdict::regression);
  EXPECT_EQ(c.cases[0].base_samples, 10u);
  ASSERT_TRUE(c.cases[0].p_value.has_value());
  EXPECT_LT(*c.cases[0].p_value, 0.001);
  EXPECT_EQ(exit_code(c), 1);
}

TEST(CompareV2, DifferentSettingsAreRefusedNamingTheSettingAndBothValues) {
  auto base = result_doc_v2({result_case_v2("tile", "coop", tight(100))});
  auto current = base;
  current["settings"]["min_time_s"] = 0.05;
  EXPECT_EQ(usage_error(parse(base, "base.json"), parse(current, "new.json")),
            "the runs were measured differently: min_time_s is 0.02 in BASE and 0.05 in NEW "
            "(--allow-settings-change compares them anyway)");
  current = base;
  current["settings"]["cold_cache"] = "off";
  EXPECT_NE(usage_error(parse(base), parse(current)).find("cold_cache is \"on\" in BASE and \"off\" in NEW"),
            std::string::npos);
  current = base;
  current["settings"]["warmup"]["tolerance"] = 0.1;
  EXPECT_NE(usage_error(parse(base), parse(current)).find("warmup is"), std::string::npos);
  Options allow;
  allow.allow_settings_change = true;
  EXPECT_EQ(usage_error(parse(base), parse(current), allow), "");
}

// CPU time (--timer cpu) and timestamps measure different things on a CPU driver under load; a
// document without the key was timed by timestamps.
TEST(CompareV2, AnotherTimerIsASettingsChangeAndAnAbsentTimerIsGpu) {
  auto base = result_doc_v2({result_case_v2("tile", "coop", tight(100))});
  base["settings"].erase("timer");
  auto current = base;
  current["settings"]["timer"] = "cpu";
  EXPECT_NE(usage_error(parse(base), parse(current)).find("timer is \"gpu\" in BASE and \"cpu\" in NEW"),
            std::string::npos);
  current["settings"]["timer"] = "gpu";
  EXPECT_EQ(usage_error(parse(base), parse(current)), "");
}

TEST(CompareV2, VersionOneAgainstVersionTwoIsASettingsChange) {
  const auto v1 = parse(result_doc({result_case("tile", "coop", tight(100))}));
  const auto v2 = parse(result_doc_v2({result_case_v2("tile", "coop", tight(100))}));
  EXPECT_NE(usage_error(v1, v2).find("schema_version (the measurement model) is 1 in BASE and 2 in NEW"),
            std::string::npos);
}

TEST(CompareV2, IncompleteNewFailsUnlessAllowed) {
  const auto base = result_doc_v2({result_case_v2("tile", "coop", tight(100))});
  auto current = base;
  current["complete"] = false;
  const auto c = compare(parse(base), parse(current), {});
  EXPECT_TRUE(c.incomplete_fails);
  EXPECT_EQ(exit_code(c), 1);
  EXPECT_NE(render(c, Format::text).find("NEW incomplete"), std::string::npos);
  Options allow;
  allow.allow_incomplete = true;
  EXPECT_EQ(exit_code(compare(parse(base), parse(current), allow)), 0);
}

TEST(CompareV2, UnstableCaseIsInconclusiveNeverPassOrRegression) {
  // 50 % slower, but NEW drifted: inconclusive, and the gate does not fail on it.
  auto c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(100))})),
                   parse(result_doc_v2({result_case_v2("tile", "coop", tight(150), true)})), {});
  EXPECT_EQ(c.cases[0].verdict, Verdict::inconclusive);
  EXPECT_FALSE(c.cases[0].fails);
  EXPECT_NE(c.cases[0].reason.find("unstable in NEW"), std::string::npos);
  EXPECT_EQ(exit_code(c), 0);
  // Nor a pass when nothing changed but BASE drifted.
  c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(100), true)})),
              parse(result_doc_v2({result_case_v2("tile", "coop", tight(100))})), {});
  EXPECT_EQ(c.cases[0].verdict, Verdict::inconclusive);
  EXPECT_EQ(c.cases[0].reason.rfind("unstable in BASE", 0), 0u);
}

TEST(CompareV2, SpeedupUsesPairedRatiosAndTheirStability) {
  const auto ratios = tight(2), slower = tight(1.5);
  Options o;
  o.metric = Metric::speedup;
  auto c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(50), false, ratios)})),
                   parse(result_doc_v2({result_case_v2("tile", "coop", tight(50), false, slower)})), o);
  EXPECT_EQ(c.cases[0].verdict, Verdict::regression);
  EXPECT_EQ(c.cases[0].new_samples, 10u);
  EXPECT_TRUE(c.cases[0].p_value.has_value());
  // Times drifting do not matter to the speedup; the ratios drifting do.
  c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(50), true, ratios)})),
              parse(result_doc_v2({result_case_v2("tile", "coop", tight(50), true, ratios)})), o);
  EXPECT_EQ(c.cases[0].verdict, Verdict::ok);
  c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(50), false, ratios)})),
              parse(result_doc_v2({result_case_v2("tile", "coop", tight(50), false, slower, true)})), o);
  EXPECT_EQ(c.cases[0].verdict, Verdict::inconclusive);
}

TEST(CompareV2, RooflineIsTheFractionOfEachRunsReadBandwidth) {
  // NEW is 20 % slower, but so is its machine's read bandwidth: the fraction is unchanged.
  Options o;
  o.metric = Metric::roofline;
  auto c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(100))}, 0.5)),
                   parse(result_doc_v2({result_case_v2("tile", "coop", tight(120))}, 0.5 * 100 / 120)), o);
  EXPECT_EQ(c.cases[0].verdict, Verdict::ok);
  EXPECT_NEAR(*c.cases[0].base, 11520 / 100.45e-6 / 1e9 / 0.5, 1e-6);  // the median of floats written as JSON text
  // The same slowdown on an unchanged machine is a regression.
  c = compare(parse(result_doc_v2({result_case_v2("tile", "coop", tight(100))}, 0.5)),
              parse(result_doc_v2({result_case_v2("tile", "coop", tight(120))}, 0.5)), o);
  EXPECT_EQ(c.cases[0].verdict, Verdict::regression);
  EXPECT_EQ(parse_metric("roofline"), Metric::roofline);
}

TEST(CompareV2, CompactedVersionOneFilesCompareOnTheirMedian) {
  auto stripped = result_doc({result_case("tile", "coop", tight(100))});
  stripped["results"][0]["timing"].erase("samples");
  stripped["results"][0]["timing"]["median"] = 100e-6;
  auto slower = stripped;
  slower["results"][0]["timing"]["median"] = 130e-6;
  const auto c = compare(parse(stripped), parse(slower), {});
  EXPECT_EQ(c.cases[0].verdict, Verdict::regression);
  EXPECT_FALSE(c.cases[0].p_value.has_value());  // no repetitions: the threshold alone decides
  EXPECT_NEAR(*c.cases[0].change, 0.3, 1e-12);
}

}  // namespace
}  // namespace qgemv::compare
