// The live progress line: its text (elapsed, ETA) and the redraws between the sweep's reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/progress_line.hpp"

namespace qgemv::cli {
namespace {

TEST(ProgressText, ElapsedAndEtaFromTheCasesDone) {
  EXPECT_EQ(format_duration(4.4), "4s");
  EXPECT_EQ(format_duration(187), "3m07s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  const bench::Progress p{3, 15, "q 2048x2048 coop fp32 bb", 0};
  // 3 cases in 12 s: 4 s each, 12 left.
  EXPECT_EQ(progress_text(p, 12), "[4/15] 12s, ETA 48s  q 2048x2048 coop fp32 bb");
  const bench::Progress first{0, 15, "roofline (read and copy bandwidth)", 0};
  EXPECT_EQ(progress_text(first, 2), "[1/15] 2s, ETA ?  roofline (read and copy bandwidth)");
  const bench::Progress last{15, 15, "", 0};
  EXPECT_EQ(progress_text(last, 30), "[15/15] 30s, ETA 0s  ");
}

TEST(ProgressLine, RedrawsWithoutNewReportsAndClearsAtTheEnd) {
  std::mutex mutex;
  std::vector<std::string> drawn;
  {
    ProgressLine line(
        [&](const std::string& text) {
          std::lock_guard lock(mutex);
          drawn.push_back(text);
        },
        std::chrono::milliseconds(20));
    line.update({1, 4, "long case", 1.45});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  std::lock_guard lock(mutex);
  ASSERT_GE(drawn.size(), 3u);  // the update, at least one redraw by the thread, the final clear
  EXPECT_EQ(drawn.front(), "[2/4] 1s, ETA 4s  long case");
  EXPECT_EQ(drawn.back(), "");
  // Redraws count on from the report's 1.45 s: the line is not frozen inside a long case.
  EXPECT_TRUE(std::any_of(drawn.begin(), drawn.end(), [](const std::string& t) { return t.starts_with("[2/4] 2s"); }));
}

TEST(ProgressLine, DrawsNothingBeforeTheFirstReport) {
  std::vector<std::string> drawn;
  {
    ProgressLine line([&](const std::string& text) { drawn.push_back(text); }, std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(drawn, std::vector<std::string>{""});
}

}  // namespace
}  // namespace qgemv::cli
