// The files a run writes (report/output_file, report/dump) and reads (util/input_file): only a
// regular file is ever replaced, a file the run did not create never without --force, no temporary
// file survives a failure, and no dump folder escapes --dump.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/problem.hpp"
#include "cli/result_files.hpp"
#include "report/dump.hpp"
#include "report/output_file.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"

namespace qgemv {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class OutputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("qgemv_output_files_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Only the files named: nothing temporary left beside them.
  void expect_only(std::initializer_list<const char*> names) const {
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      ++count;
      EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
    }
    EXPECT_EQ(count, names.size());
  }

  fs::path dir_;
};

TEST_F(OutputFiles, FirstWriteCreatesLaterWritesReplaceOnlyTheirOwnFile) {
  const auto path = dir_ / "out.json";
  report::OutputFile out(path, false);
  out.write("one\n");
  EXPECT_EQ(slurp(path), "one\n");
  out.write("two\n");
  EXPECT_EQ(slurp(path), "two\n");
  std::ofstream(dir_ / "theirs") << "theirs\n";
  fs::rename(dir_ / "theirs", path);
  try {
    out.write("three\n");
    ADD_FAILURE() << "replaced a file it did not write";
  } catch (const report::WriteError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write " + path.string() +
                                         ": a file this run did not write is there now (pass --force to replace it)");
  }
  EXPECT_EQ(slurp(path), "theirs\n");
  expect_only({"out.json"});
}

TEST_F(OutputFiles, FileThatAppearsBeforeTheFirstWriteIsKept) {
  const auto path = dir_ / "out.json";
  report::OutputFile out(path, false);
  std::ofstream(path) << "raced\n";
  EXPECT_THROW(out.write("mine\n"), report::WriteError);
  EXPECT_EQ(slurp(path), "raced\n");
  report::OutputFile forced(path, true);
  forced.write("mine\n");
  EXPECT_EQ(slurp(path), "mine\n");
  expect_only({"out.json"});
}

TEST_F(OutputFiles, OnlyRegularFilesAreReplacedEvenWithForce) {
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0644), 0);
  EXPECT_THROW(report::OutputFile(dir_ / "fifo", true).write("x"), report::WriteError);
  EXPECT_TRUE(fs::is_fifo(dir_ / "fifo"));
  fs::create_directory(dir_ / "folder");
  EXPECT_THROW(report::OutputFile(dir_ / "folder", true).write("x"), report::WriteError);
  EXPECT_TRUE(fs::is_directory(dir_ / "folder"));
  expect_only({"fifo", "folder"});
  EXPECT_THROW(report::check_output_path(dir_ / "fifo", true, "--out"), UsageError);
  EXPECT_THROW(report::check_output_path("/dev/null", true, "--out"), UsageError);
}

TEST_F(OutputFiles, FailedWriteNamesTheReasonAndLeavesNoTemporaryFile) {
  const auto path = dir_ / "gone" / "out.json";
  try {
    report::OutputFile(path, false).write("x");
    ADD_FAILURE() << "wrote into a missing folder";
  } catch (const report::WriteError& e) {
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
  expect_only({});
}

TEST_F(OutputFiles, FallbackGoesToTmpdirUnderTheWantedName) {
  ::setenv("TMPDIR", dir_.c_str(), 1);
  const auto fallback = report::write_fallback("/nowhere/result.json", "doc\n");
  ::unsetenv("TMPDIR");
  EXPECT_EQ(fallback.parent_path(), dir_);
  EXPECT_TRUE(fallback.filename().string().ends_with(".result.json")) << fallback;
  EXPECT_EQ(slurp(fallback), "doc\n");
}

TEST_F(OutputFiles, CheckBeforeTheSweep) {
  EXPECT_NO_THROW(report::check_output_path(dir_ / "new.json", false, "--out"));
  expect_only({});  // the writability probe is gone again
  std::ofstream(dir_ / "old.json") << "x";
  EXPECT_THROW(report::check_output_path(dir_ / "old.json", false, "--out"), UsageError);
  EXPECT_NO_THROW(report::check_output_path(dir_ / "old.json", true, "--out"));
  EXPECT_THROW(report::check_output_path(dir_ / "missing" / "x.json", true, "--out"), UsageError);
  EXPECT_THROW(report::check_output_path("", true, "--out"), UsageError);
}

TEST_F(OutputFiles, DumpFolderNamesNeverLeaveTheDumpFolder) {
  const config::Shape shape{"tile", 8, 128, 32, 1, config::Scope::model};
  const bench::Problem problem(shape, DType::fp32, 1, false);
  const std::vector<float> y(8, 0.0f);
  bench::CaseKey key{"tile", 8, 128, 32, "legacy", DType::fp32, Storage::bb};
  EXPECT_EQ(report::dump_case(dir_, problem, key, y), dir_ / "tile.legacy.fp32.bb");
  for (const char* name : {"../x", "/abs/x", "a/../../b"}) {
    key.shape = name;
    EXPECT_THROW(report::dump_case(dir_ / "d", problem, key, y), std::runtime_error) << name;
  }
  EXPECT_FALSE(fs::exists(dir_ / "x.legacy.fp32.bb"));
  std::ofstream(dir_ / "file") << "x";
  EXPECT_THROW(report::prepare_dump_folder(dir_ / "file"), UsageError);
  EXPECT_NO_THROW(report::prepare_dump_folder(dir_ / "new" / "dumps"));
  EXPECT_TRUE(fs::is_directory(dir_ / "new" / "dumps"));
}

TEST(InputFile, BoundedInSizeAndNesting) {
  try {
    read_input_file("/dev/zero", "shapes file");
    ADD_FAILURE() << "read /dev/zero to the end";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/zero: larger than 64 MiB (not a shapes file?)");
  }
  EXPECT_THROW(check_json_depth(std::string(65, '['), "x"), UsageError);
  EXPECT_NO_THROW(check_json_depth(std::string(64, '['), "x"));
  EXPECT_NO_THROW(check_json_depth("\"" + std::string(100, '{') + "\"", "x"));
  EXPECT_NO_THROW(check_json_depth(R"("\"[[[[")" + std::string(64, '['), "x"));
}

TEST(OneLine, ControlCharactersAreEscaped) {
  EXPECT_EQ(one_line("a\nb\rc\td\x1b[31me\x7f"), "a\\nb\\rc\\td\\x1b[31me\\x7f");
  EXPECT_EQ(one_line("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 passes
}

// The bound docs/failures.md states: a checkpoint after the first case, then after the first case
// that ends at least kCheckpointInterval after the previous checkpoint.
TEST(Checkpoints, DueAfterTheFirstCaseThenEveryInterval) {
  using namespace std::chrono_literals;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_TRUE(cli::checkpoint_due(std::nullopt, t0));
  EXPECT_FALSE(cli::checkpoint_due(t0, t0 + 9s));
  EXPECT_TRUE(cli::checkpoint_due(t0, t0 + cli::kCheckpointInterval));
  EXPECT_EQ(cli::kCheckpointInterval, 10s);
}

}  // namespace
}  // namespace qgemv
