// `qgemv-bench compare` as CI runs it: exit codes 0/1/2 and what the table says, on crafted documents
// and on real lavapipe runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../support/result_docs.hpp"
#include "../support/temp_dir_test.hpp"

namespace {

namespace fs = std::filesystem;
using qgemv::testing::kNoisyBase;
using qgemv::testing::kNoisySlower;
using qgemv::testing::result_case;
using qgemv::testing::result_doc;
using qgemv::testing::tight;

using qgemv::testing::Outcome;
using qgemv::testing::read_file;

class CompareCli : public qgemv::testing::TempDirTest {
 protected:
  std::string write_doc(const std::string& name, const std::vector<nlohmann::json>& cases,
                        const std::string& device = qgemv::testing::kLavapipe) const {
    return write(name, result_doc(cases, device).dump(2)).string();
  }

  Outcome compare(const std::string& base, const std::string& current, const std::string& options = "") const {
    return run("compare " + base + " " + current + " " + options);
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One line of the output: the first that starts with `start`, as printed.
std::string line(const std::string& out, const std::string& start) {
  const auto at = out.find("\n" + start);
  if (at == std::string::npos) return "(no line " + start + ")";
  return out.substr(at + 1, out.find('\n', at + 1) - at - 1);
}

// The table row for `label` with the alignment padding squeezed to single spaces.
std::string row(const std::string& out, const std::string& label) {
  std::string squeezed;
  for (char c : line(out, label)) {
    if (c != ' ' || squeezed.empty() || squeezed.back() != ' ') squeezed += c;
  }
  return squeezed;
}

TEST_F(CompareCli, IdenticalPasses) {
  const auto base =
      write_doc("base.json", {result_case("tile", "legacy", tight(100)), result_case("tile", "coop", tight(50), 2)});
  const auto r = compare(base, base);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "case ")) << r.out;
  EXPECT_TRUE(contains(r.out, "base median  new median  change  p-value  verdict")) << r.out;
  EXPECT_EQ(row(r.out, "tile 64x256 g64 coop"), "tile 64x256 g64 coop fp32 bb 50.45 us 50.45 us +0.0% 1.0000 ok");
  // Columns line up: numbers end under their header, the verdict starts under its header.
  const auto header = line(r.out, "case"), coop = line(r.out, "tile 64x256 g64 coop");
  EXPECT_EQ(header.find("p-value") + 7, coop.find("1.0000") + 6) << r.out;
  EXPECT_EQ(header.find("verdict"), coop.find("ok")) << r.out;
  EXPECT_TRUE(contains(r.out, "PASS: 2 ok\n")) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(CompareCli, SeparatedSlowdownFails) {
  const auto base = write_doc("base.json", {result_case("tile", "coop", tight(100))});
  const auto slower = write_doc("new.json", {result_case("tile", "coop", tight(120))});
  const auto r = compare(base, slower, "--threshold 5%");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(row(r.out, "tile"), "tile 64x256 g64 coop fp32 bb 100.45 us 120.45 us +19.9% 0.0002 REGRESSION");
  EXPECT_TRUE(contains(r.out, "FAIL: 1 REGRESSION\n")) << r.out;
  // The same slowdown within a wider threshold passes.
  EXPECT_EQ(compare(base, slower, "--threshold 25").exit_code, 0);
}

TEST_F(CompareCli, NoisySlowdownPassesWithTheReason) {
  const auto base = write_doc("base.json", {result_case("tile", "coop", kNoisyBase)});
  const auto noisy = write_doc("new.json", {result_case("tile", "coop", kNoisySlower)});
  const auto r = compare(base, noisy);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(row(r.out, "tile"),
            "tile 64x256 g64 coop fp32 bb 100.00 us 120.00 us +20.0% 0.3536 not significant (p 0.354 >= alpha 0.05)");
}

TEST_F(CompareCli, FewSamplesSayThresholdOnly) {
  const auto base = write_doc("base.json", {result_case("tile", "coop", {100, 101, 102})});
  const auto slower = write_doc("new.json", {result_case("tile", "coop", {120, 121, 122})});
  const auto r = compare(base, slower);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(row(r.out, "tile"), "n/a REGRESSION (threshold only)")) << r.out;
  EXPECT_TRUE(contains(r.out, "p-value n/a: fewer than 9 repetitions on a side")) << r.out;
}

TEST_F(CompareCli, MissingCaseFailsUnlessAllowed) {
  const auto base =
      write_doc("base.json", {result_case("tile", "legacy", tight(100)), result_case("tile", "coop", tight(50))});
  const auto fewer = write_doc("new.json", {result_case("tile", "legacy", tight(100))});
  const auto r = compare(base, fewer);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(row(r.out, "tile 64x256 g64 coop"), "missing (not in NEW)")) << r.out;
  const auto allowed = compare(base, fewer, "--allow-missing");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out;
  EXPECT_TRUE(contains(row(allowed.out, "tile 64x256 g64 coop"), "missing (not in NEW; allowed)")) << allowed.out;
}

TEST_F(CompareCli, ValidationFailureInNewFails) {
  const auto base = write_doc("base.json", {result_case("tile", "coop", tight(50))});
  const auto failed =
      write_doc("new.json", {result_case("tile", "coop", tight(50), 1.0, "failed", "nrmse 1.0 > 3e-06")});
  const auto r = compare(base, failed);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(row(r.out, "tile"), "FAILED (nrmse 1.0 > 3e-06)")) << r.out;
}

TEST_F(CompareCli, UnusableInputExitsTwoWithOneLine) {
  const auto good = write_doc("good.json", {result_case("tile", "coop", tight(50))});
  auto wrong_schema = result_doc({result_case("tile", "coop", tight(50))});
  wrong_schema["schema_version"] = 7;
  const auto wrong = write("wrong.json", wrong_schema.dump()).string();
  auto no_schema = result_doc({result_case("tile", "coop", tight(50))});
  no_schema.erase("schema_version");
  const auto unversioned = write("unversioned.json", no_schema.dump()).string();
  const auto corrupt = write("corrupt.json", "{\"schema_version\": 1, \"results\": [").string();
  const auto h100 = write_doc("h100.json", {result_case("tile", "coop", tight(5))}, "NVIDIA H100 80GB HBM3");
  struct Case {
    std::string args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"compare " + good + " " + corrupt, corrupt + ": invalid JSON"},
      {"compare " + corrupt + " " + good, corrupt + ": invalid JSON"},
      {"compare " + good + " " + wrong, wrong + ": $.schema_version: 7 is not supported (this build reads 1 to 2)"},
      {"compare " + unversioned + " " + good, unversioned + ": $: missing \"schema_version\""},
      {"compare " + good + " " + (dir_ / "absent.json").string(), "absent.json: no such file"},
      {"compare " + good + " " + h100, "the runs used different devices"},
      {"compare " + good + " " + good + " --threshold five", "--threshold five: expected a non-negative percentage"},
      {"compare " + good + " " + good + " --metric latency", "--metric"},
      {"compare " + good + " " + good + " --format html", "--format"},
      {"compare " + good + " " + good + " --alpha 2", "--alpha"},
      {"compare " + good, "NEW"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const auto r = run(c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, c.expected)) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(compare(good, h100, "--allow-device-change").exit_code, 0);
}

TEST_F(CompareCli, JsonAndMarkdownFormats) {
  const auto base = write_doc("base.json", {result_case("tile", "coop", tight(100))});
  const auto slower = write_doc("new.json", {result_case("tile", "coop", tight(120))});
  const auto r = compare(base, slower, "--format json --metric gbps");
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["metric"], "gbps");
  EXPECT_EQ(j["threshold"], 0.05);
  EXPECT_EQ(j["exit_code"], 1);
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["verdict"], "REGRESSION");
  EXPECT_EQ(j["cases"][0]["kernel"], "coop");
  EXPECT_EQ(j["cases"][0]["base_samples"], 10);
  EXPECT_NEAR(j["cases"][0]["p_value"].get<double>(), 0.00018267179110955002, 1e-15);
  const auto md = compare(base, slower, "--format markdown");
  EXPECT_EQ(md.exit_code, 1);
  EXPECT_TRUE(contains(md.out, "| case | base median | new median | change | p-value | verdict |\n")) << md.out;
  EXPECT_TRUE(contains(md.out,
                       "| tile 64x256 g64 coop fp32 bb | 100.45 us | 120.45 us | +19.9% | 0.0002 | **REGRESSION** |"))
      << md.out;
  EXPECT_TRUE(contains(md.out, "**FAIL: 1 REGRESSION**")) << md.out;
}

// Real lavapipe documents: a run compares clean with itself, and a gbench file is refused with a hint.
TEST_F(CompareCli, RealRunsAreReadable) {
  const auto a = (dir_ / "a.json").string(), g = (dir_ / "g.json").string();
  const std::string fast =
      " --kernels legacy,coop --repetitions 9 --warmup 1 --min-time 0 --cold-cache off --roofline off";
  ASSERT_EQ(run("--shapes smoke.json --quiet --out " + a + fast).exit_code, 0);
  const auto same = compare(a, a);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  // Identical documents: every case ok, or inconclusive where a repetition series drifted.
  EXPECT_TRUE(contains(same.out, "PASS: ")) << same.out;
  EXPECT_FALSE(contains(same.out, "REGRESSION")) << same.out;
  ASSERT_EQ(run("--shapes smoke.json --quiet --format gbench --out " + g + fast).exit_code, 0);
  const auto r = compare(a, g);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "(a --format gbench file?)")) << r.err;
}

}  // namespace
