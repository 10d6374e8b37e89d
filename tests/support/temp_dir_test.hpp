#pragma once
// Shared by the tests that run programs: a fresh folder per test, files written into it, and
// commands run with their output captured there.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace qgemv::testing {

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("qgemv_" + std::string(info->test_suite_name()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `command` through the shell with no input; stdout and stderr captured separately.
  Outcome shell(const std::string& command) const {
    const auto out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const int status =
        std::system((command + " >" + out.string() + " 2>" + err.string() + " </dev/null").c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
  }

  // The qgemv-bench binary under test (QGEMV_BINARY, defined by tests/CMakeLists.txt). ctest runs
  // it under the Khronos layer (QGEMV_VALIDATION_LAYER=1), so any message the layer reports about
  // our Vulkan usage fails the test, whatever else the test checks.
  Outcome run(const std::string& args) const {
    auto outcome = shell(std::string(QGEMV_BINARY) + " " + args);
    expect_no_validation_messages(outcome);
    return outcome;
  }

  // Starts the binary in the background (stdout/stderr to files in dir_); finish() reaps it.
  pid_t start(const std::string& args) const {
    const std::string command = "exec " + std::string(QGEMV_BINARY) + " " + args + " >" + (dir_ / "stdout.txt").string() +
                                " 2>" + (dir_ / "stderr.txt").string() + " </dev/null";
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  }

  Outcome finish(pid_t pid) const {
    int status = 0;
    ::waitpid(pid, &status, 0);
    Outcome outcome{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_file(dir_ / "stdout.txt"),
                    read_file(dir_ / "stderr.txt")};
    expect_no_validation_messages(outcome);
    return outcome;
  }

  static void expect_no_validation_messages(const Outcome& outcome) {
    EXPECT_EQ(outcome.err.find("the validation layer reported"), std::string::npos) << outcome.err;
  }

  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  std::filesystem::path dir_;
};

}  // namespace qgemv::testing
