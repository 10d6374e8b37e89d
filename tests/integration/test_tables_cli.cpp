// Everyday use of the binary: --list, --filter, the table streamed to a pipe, CSV and markdown.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_dir_test.hpp"

namespace {

using qgemv::testing::read_file;
using Tables = qgemv::testing::TempDirTest;

constexpr const char* kFast = " --warmup 1 --repetitions 3 --min-time 0 --cold-cache off --roofline off";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(Tables, ListPrintsTheCasesWithoutAVulkanDriver) {
  // No driver can be found: --list must not need one.
  const auto r = shell("VK_DRIVER_FILES=/nonexistent VK_ICD_FILENAMES=/nonexistent " + std::string(QGEMV_BINARY) +
                       " --shapes smoke.json --dtype fp32,fp16 --filter '^(tile|g32)/' --list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1 + 2 * 2 * 4 + 1u) << r.out;  // title, 2 shapes x 2 dtypes x 4 kernels, total
  EXPECT_TRUE(contains(lines[1], "tile/legacy/fp32/bb")) << r.out;
  EXPECT_TRUE(contains(lines[1], "64x256")) << r.out;
  EXPECT_TRUE(contains(lines.back(), "16 case(s)")) << r.out;
}

TEST_F(Tables, FilterRunsOnlyTheMatchingCases) {
  const auto out = dir_ / "r.json";
  const auto r = run("--shapes smoke.json --filter '^(tile|odd_n)/coop/' --quiet --out " + out.string() + kFast);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_file(out));
  std::vector<std::string> names;
  for (const auto& result : doc["results"]) {
    names.push_back(result["shape"].get<std::string>() + "/" + result["kernel"].get<std::string>());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"tile/coop", "odd_n/coop"}));
}

TEST_F(Tables, BadFiltersAreUsageErrors) {
  const auto invalid = run("--shapes smoke.json --filter '(coop'");
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_TRUE(contains(invalid.err, "--filter (coop: not a valid regular expression")) << invalid.err;
  const auto none = run("--shapes smoke.json --filter nothing_is_called_this");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(contains(none.err, "matches none of the 20 cases")) << none.err;
  EXPECT_TRUE(none.out.empty()) << none.out;
}

// stdout is a file here, not a terminal: the table comes row by row, then the summary.
TEST_F(Tables, PipedConsoleTableHasHeaderRowsAndSummary) {
  const auto r = run("--shapes smoke.json --filter '^(tile|g32)/' --warmup 1 --repetitions 3 --min-time 0 --cold-cache off");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 8u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("qgemv-bench on ")) << r.out;
  EXPECT_TRUE(contains(lines[1], "median us") && contains(lines[1], "spread")) << r.out;
  for (int i = 2; i < 8; ++i) {
    EXPECT_TRUE(contains(lines[i], "ok (nrmse")) << lines[i];
    EXPECT_TRUE(contains(lines[i], "x ")) << "speedup missing: " << lines[i];  // legacy ran first
    EXPECT_TRUE(contains(lines[i], "%")) << "spread or roofline missing: " << lines[i];
  }
  EXPECT_TRUE(contains(r.out, "\nRoofline (")) << r.out;
  EXPECT_TRUE(r.err.empty()) << "no progress line when stderr is not a terminal: " << r.err;
}

TEST_F(Tables, CsvOnStdoutHasTheConsoleColumns) {
  const auto r = run("--shapes smoke.json --filter '^(tile|g32)/' --format csv" + std::string(kFast));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 9u) << r.out;  // header, 2 shapes x 4 kernels
  EXPECT_EQ(lines[0], "shape,NxK,G,kernel,dtype,storage,median_us,spread_pct,gbps,speedup_x,roofline_pct,timer,validation");
  for (const auto& line : lines) EXPECT_EQ(std::count(line.begin(), line.end(), ','), 12) << line;
  EXPECT_TRUE(lines[1].starts_with("tile,64x256,64,legacy,fp32,bb,")) << lines[1];
  EXPECT_TRUE(contains(lines[1], ",1.00,")) << lines[1];
}

TEST_F(Tables, MarkdownToAFileAndTheConsoleTableOnStdout) {
  const auto out = dir_ / "table.md";
  const auto r = run("--shapes smoke.json --filter '^tile/' --format markdown --out " + out.string() + kFast);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto md = lines_of(read_file(out));
  ASSERT_GE(md.size(), 6u);
  EXPECT_TRUE(md[0].starts_with("qgemv-bench on ")) << md[0];
  EXPECT_TRUE(md[2].starts_with("| shape | NxK | G | kernel |")) << md[2];
  EXPECT_TRUE(md[3].starts_with("|---|---|---|---|")) << md[3];
  EXPECT_TRUE(md[4].starts_with("| tile | 64x256 | 64 | legacy |")) << md[4];
  EXPECT_TRUE(contains(r.out, "median us")) << r.out;
}

TEST_F(Tables, JsonFormatsNeedOut) {
  const auto r = run("--shapes smoke.json --format gbench");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--format gbench needs --out")) << r.err;
}

}  // namespace
