// Reading result documents for compare: what is accepted, and the one-line errors for the rest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../support/result_docs.hpp"
#include "compare/result_document.hpp"
#include "util/error.hpp"

namespace qgemv::compare {
namespace {

using qgemv::testing::result_case;
using qgemv::testing::result_doc;

std::string error_of(const nlohmann::json& doc) {
  try {
    parse_result_document(doc, "base.json");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ResultDocument, ReadsWhatCompareUses) {
  auto j = result_doc({result_case("tile", "coop", {50, 60}, 2.5)});
  j["results"][0]["extra_field_of_a_newer_build"] = 1;  // ignored
  const auto d = parse_result_document(j, "base.json");
  EXPECT_EQ(d.label, "base.json");
  EXPECT_EQ(d.device_name, qgemv::testing::kLavapipe);
  EXPECT_TRUE(d.complete);
  ASSERT_EQ(d.cases.size(), 1u);
  const auto& c = d.cases[0];
  EXPECT_EQ(c.id, (CaseId{"tile", 64, 256, 64, "coop", "fp32", "bb"}));
  EXPECT_EQ(c.id.label(), "tile 64x256 g64 coop fp32 bb");
  EXPECT_EQ(c.status, "ok");
  ASSERT_EQ(c.samples_s.size(), 2u);
  EXPECT_DOUBLE_EQ(c.samples_s[1], 60e-6);
  EXPECT_EQ(c.bytes_total, 11520);
  EXPECT_EQ(c.speedup_vs_legacy, 2.5);
}

TEST(ResultDocument, RejectsOtherDocuments) {
  EXPECT_EQ(error_of(nlohmann::json::array()), "base.json: $: not a qgemv-bench result document (expected an object)");
  EXPECT_EQ(error_of({{"context", {}}, {"benchmarks", nlohmann::json::array()}}),
            "base.json: $: missing \"schema_version\": not a qgemv-bench result document (a --format gbench file?)");
  auto wrong = result_doc({});
  wrong["schema_version"] = 3;
  EXPECT_EQ(error_of(wrong), "base.json: $.schema_version: 3 is not supported (this build reads 1 to 2)");
  wrong["schema_version"] = "1";
  EXPECT_EQ(error_of(wrong), "base.json: $.schema_version: \"1\" is not supported (this build reads 1 to 2)");
}

TEST(ResultDocument, NamesTheMissingOrWrongField) {
  auto j = result_doc({result_case("tile", "coop", {50})});
  j["results"][0].erase("kernel");
  EXPECT_EQ(error_of(j), "base.json: $.results[0]: missing \"kernel\"");
  j = result_doc({result_case("tile", "coop", {50})});
  j["results"][0]["n"] = "64";
  EXPECT_EQ(error_of(j), "base.json: $.results[0].n: expected an integer");
  j = result_doc({result_case("tile", "coop", {50})});
  j["results"][0]["timing"]["samples"] = {1e-5, -1.0};
  EXPECT_EQ(error_of(j), "base.json: $.results[0].timing.samples: expected positive numbers");
  j = result_doc({result_case("tile", "coop", {})});  // ok but never timed
  EXPECT_EQ(error_of(j), "base.json: $.results[0].timing: an ok case needs its timing");
  j = result_doc({result_case("tile", "coop", {50}, 1.0, "great")});
  EXPECT_EQ(error_of(j), "base.json: $.results[0].status: unknown status \"great\"");
  j = result_doc({});
  j["context"].erase("device");
  EXPECT_EQ(error_of(j), "base.json: $.context: missing \"device\"");
}

TEST(ResultDocument, RejectsARepeatedCase) {
  const auto j = result_doc({result_case("tile", "coop", {50}), result_case("tile", "coop", {51})});
  EXPECT_EQ(error_of(j), "base.json: $.results[1]: case \"tile 64x256 g64 coop fp32 bb\" appears twice");
}

TEST(ResultDocument, LoadReportsUnreadableAndCorruptFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "qgemv_compare_document_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto expect_error = [](const std::filesystem::path& p, const std::string& expected) {
    try {
      load_result_document(p);
      ADD_FAILURE() << "no error for " << p;
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), p.string() + ": " + expected);
    }
  };
  expect_error(dir / "absent.json", "no such file");
  expect_error(dir, "not a file");
  std::ofstream(dir / "corrupt.json") << R"({"schema_version": 1, "results": [)";
  expect_error(dir / "corrupt.json", "invalid JSON (byte 35)");
  std::ofstream(dir / "good.json") << result_doc({result_case("tile", "coop", {50})}).dump();
  EXPECT_EQ(load_result_document(dir / "good.json").cases.size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qgemv::compare
