// Failures at run time, through the real binary (docs/failures.md): interrupted sweeps keep what
// they measured, an output that cannot be written loses nothing, a case too large for the device is
// skipped, a lost or hung device fails one case and the sweep goes on.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "../support/temp_dir_test.hpp"

namespace {

namespace fs = std::filesystem;

using nlohmann::json;
using qgemv::testing::read_file;

constexpr const char* kFast = " --warmup 1 --repetitions 3 --min-time 0 --cold-cache off --roofline off --quiet";

json results_of(const fs::path& out) { return json::parse(read_file(out)); }

class Reliability : public qgemv::testing::TempDirTest {
 protected:
  // Many cases of about 2 s each (lavapipe under the validation layer), so a signal sent after the
  // first lands mid-sweep; a test that lets the sweep finish asks for fewer.
  std::string long_sweep(int count = 40) const {
    std::string entries;
    for (int i = 0; i < count; ++i) {
      entries += std::string(i ? ", " : "") + R"({"name": "s)" + std::to_string(i) + R"(", "n": 64, "k": 256})";
    }
    const auto shapes = write("long.json", R"({"name": "long", "shapes": [)" + entries + "]}");
    return "--shapes " + shapes.string() + " --kernels legacy,coop --warmup 1 --repetitions 3 --min-time 0.2 "
           "--cold-cache off --roofline off --quiet";
  }

  // The --out checkpoint appears after the first case: proof the sweep is under way.
  static bool wait_for_first_case(const fs::path& out) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (std::chrono::steady_clock::now() < deadline) {
      if (fs::exists(out)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Once the process catches `signal` (SigCgt in /proc/PID/status), the sweep is about to start.
  static bool wait_for_handler(pid_t pid, int signal) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream status("/proc/" + std::to_string(pid) + "/status");
      for (std::string line; std::getline(status, line);) {
        if (line.starts_with("SigCgt:") && (std::stoull(line.substr(7), nullptr, 16) >> (signal - 1) & 1)) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  void expect_interrupted(int signal, int expected_exit, const std::string& reason) const {
    const auto out = dir_ / "result.json";
    const pid_t pid = start(long_sweep() + " --out " + out.string());
    ASSERT_GT(pid, 0);
    const bool started = wait_for_first_case(out);
    ::kill(pid, signal);
    const auto r = finish(pid);
    ASSERT_TRUE(started) << r.err;
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    const auto doc = results_of(out);
    EXPECT_FALSE(doc["complete"].get<bool>());
    EXPECT_EQ(doc["incomplete_reason"], reason);
    const auto measured = doc["results"].size();
    EXPECT_GE(measured, 1u);
    EXPECT_LT(measured, 80u);  // 40 shapes x 2 kernels
    for (const auto& result : doc["results"]) EXPECT_EQ(result["status"], "ok") << result.dump();
  }
};

TEST_F(Reliability, SigintWritesWhatWasMeasuredMarkedIncomplete) {
  expect_interrupted(SIGINT, 130, "interrupted by SIGINT");
}

TEST_F(Reliability, SigtermWritesWhatWasMeasuredMarkedIncomplete) {
  expect_interrupted(SIGTERM, 143, "interrupted by SIGTERM");
}

// While a sweep runs, --out holds a checkpoint (complete false); the finished run replaces it.
TEST_F(Reliability, CheckpointDuringTheSweepThenTheFinalDocument) {
  const auto out = dir_ / "result.json";
  const pid_t pid = start(long_sweep() + " --out " + out.string());
  ASSERT_TRUE(wait_for_first_case(out));
  const auto checkpoint = results_of(out);
  EXPECT_FALSE(checkpoint["complete"].get<bool>());
  EXPECT_EQ(checkpoint["incomplete_reason"], "in progress");
  EXPECT_GE(checkpoint["results"].size(), 1u);
  ::kill(pid, SIGKILL);  // what no handler sees: the checkpoint is all that is left, and it parses
  finish(pid);
  EXPECT_FALSE(results_of(out)["complete"].get<bool>());
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

// A dropped terminal or adb connection: handled like SIGTERM, exit 128 + 1.
TEST_F(Reliability, SighupWritesWhatWasMeasuredMarkedIncomplete) {
  expect_interrupted(SIGHUP, 129, "interrupted by SIGHUP");
}

// The first Ctrl-C is answered at once on stderr, even in the middle of a long measurement (here
// the roofline step, which used to run for seconds before anything was said).
TEST_F(Reliability, FirstSignalSaysAtOnceThatItIsStopping) {
  const auto out = dir_ / "result.json";
  const pid_t pid = start("--shapes smoke.json --kernels legacy --warmup 1 --repetitions 3 --min-time 5 --max-time 30 "
                          "--cold-cache off --roofline on --out " + out.string());
  ASSERT_TRUE(wait_for_handler(pid, SIGINT));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // Vulkan is up and the roofline is timing
  ::kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string said = read_file(dir_ / "stderr.txt");
  const auto r = finish(pid);
  EXPECT_NE(said.find("qgemv-bench: SIGINT: stopping; the results so far will be written, marked incomplete"),
            std::string::npos) << said;
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const auto doc = results_of(out);
  EXPECT_FALSE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["incomplete_reason"], "interrupted by SIGINT");
}

// Ctrl-C twice in a row: the second no longer kills the process before it writes.
TEST_F(Reliability, SecondSignalStillLeavesAValidDocumentMarkedIncomplete) {
  const auto out = dir_ / "result.json";
  const pid_t pid = start(long_sweep() + " --out " + out.string());
  ASSERT_TRUE(wait_for_first_case(out));
  ::kill(pid, SIGINT);
  // Two signals sent back to back merge into one while the first is pending: wait for its answer.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (read_file(dir_ / "stderr.txt").find("stopping") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGINT);
  const auto r = finish(pid);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const auto doc = results_of(out);
  EXPECT_FALSE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["incomplete_reason"], "interrupted by SIGINT");
  EXPECT_NE(r.err.find("already stopping"), std::string::npos) << r.err;
}

// A file put at the --out path during the run (another run, another user) is never replaced: the
// document goes to a fallback file the message names, with the reason; the table is still printed
// and no temporary file is left.
TEST_F(Reliability, FileAppearingAtTheOutPathIsNotReplaced) {
  const auto out = dir_ / "result.json";
  // The whole sweep runs: 3 shapes x 2 kernels leave five cases (10 s and more) after the first
  // checkpoint for the file to appear in, where 40 shapes took 3 minutes and proved nothing more.
  std::string args = long_sweep(3);
  args.replace(args.find(" --quiet"), 8, "");
  const pid_t pid = start(args + " --out " + out.string());
  ASSERT_TRUE(wait_for_first_case(out));
  const auto theirs = write("theirs.json", "{\"someone\": \"else\"}\n");
  fs::rename(theirs, out);
  const auto r = finish(pid);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(read_file(out), "{\"someone\": \"else\"}\n");
  const std::string said = "cannot write " + out.string() +
                           ": a file this run did not write is there now (pass --force to replace it); "
                           "the result document was written to ";
  const auto at = r.err.find(said);
  ASSERT_NE(at, std::string::npos) << r.err;
  const auto end = r.err.find(" instead", at);
  const fs::path fallback = r.err.substr(at + said.size(), end - at - said.size());
  ASSERT_TRUE(fs::exists(fallback)) << fallback;
  EXPECT_TRUE(results_of(fallback)["complete"].get<bool>());
  fs::remove(fallback);
  EXPECT_NE(r.out.find("s2 "), std::string::npos) << "the console table: " << r.out;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

// `--out -`: the document on stdout, the table on stderr.
TEST_F(Reliability, OutDashWritesTheDocumentToStdout) {
  const auto r = run(std::string("--shapes smoke.json --kernels legacy") + kFast + " --out -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_TRUE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["results"].size(), 5u);
  EXPECT_TRUE(r.err.empty()) << r.err;  // --quiet: no table either
  const auto loud = run("--shapes smoke.json --kernels legacy --warmup 1 --repetitions 3 --min-time 0 "
                        "--cold-cache off --roofline off --out -");
  EXPECT_NO_THROW((void)json::parse(loud.out));
  EXPECT_NE(loud.err.find("tile"), std::string::npos) << loud.err;
}

TEST_F(Reliability, CaseTooLargeForTheDeviceIsSkippedAndTheSweepGoesOn) {
  // 1M x 1M int4 weights are 512 GiB: more than lavapipe's heap (the host's memory) anywhere.
  const auto shapes = write("big.json", R"({"name": "big", "shapes": [
      {"name": "huge", "n": 1048576, "k": 1048576}, {"name": "tiny", "n": 64, "k": 256}]})");
  const auto out = dir_ / "result.json";
  const auto r = run("--shapes " + shapes.string() + " --kernels legacy,coop --out " + out.string() + kFast);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = results_of(out);
  ASSERT_EQ(doc["results"].size(), 4u);
  for (int i = 0; i < 2; ++i) {
    const auto& huge = doc["results"][i];
    EXPECT_EQ(huge["shape"], "huge");
    EXPECT_EQ(huge["status"], "skipped");
    const auto message = huge["message"].get<std::string>();
    EXPECT_NE(message.find("too large for the device: needs 576.0 GiB of device memory (weights 512.0 GiB, "
                           "qparams 64.0 GiB, x 4.0 MiB, y 4.0 MiB)"), std::string::npos) << message;
  }
  for (int i = 2; i < 4; ++i) EXPECT_EQ(doc["results"][i]["status"], "ok") << doc["results"][i].dump();
  EXPECT_TRUE(doc["complete"].get<bool>());
}

TEST_F(Reliability, LostDeviceFailsOneCaseAndIsRecreated) {
  const auto shapes = write("two.json", R"({"name": "two", "shapes": [
      {"name": "a", "n": 64, "k": 256}, {"name": "b", "n": 40, "k": 128, "group_size": 64}]})");
  const auto out = dir_ / "result.json";
  const auto r = shell("QGEMV_FAULT_DEVICE_LOST_AT_CASE=1 " + std::string(QGEMV_BINARY) + " --shapes " +
                       shapes.string() + " --kernels legacy,coop --out " + out.string() + kFast);
  expect_no_validation_messages(r);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = results_of(out);
  ASSERT_EQ(doc["results"].size(), 4u);
  EXPECT_EQ(doc["context"]["device_rebuilds"], 1);
  EXPECT_TRUE(doc["complete"].get<bool>());
  for (int i = 0; i < 4; ++i) {
    const auto& result = doc["results"][i];
    if (i == 1) {
      EXPECT_EQ(result["status"], "failed");
      EXPECT_NE(result["message"].get<std::string>().find("device lost"), std::string::npos) << result.dump();
      EXPECT_NE(result["message"].get<std::string>().find("re-created"), std::string::npos) << result.dump();
    } else {
      EXPECT_EQ(result["status"], "ok") << result.dump();  // including the cases after the loss
    }
  }
}

// An 8192 x 8192 legacy GEMV takes lavapipe about a second; 64 x 256 a fraction of a millisecond.
// With --gpu-timeout 0.05 the large one's submission really overruns, the small one's does not.
TEST_F(Reliability, SubmissionOverTheTimeoutFailsOneCaseAndTheSweepGoesOn) {
  const auto shapes = write("two.json", R"({"name": "two", "shapes": [
      {"name": "slow", "n": 8192, "k": 8192}, {"name": "quick", "n": 64, "k": 256}]})");
  const auto out = dir_ / "result.json";
  const auto r = run("--shapes " + shapes.string() + " --kernels legacy --gpu-timeout 0.05 --out " + out.string() +
                     " --warmup 0 --repetitions 2 --min-time 0 --cold-cache off --roofline off --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = results_of(out);
  ASSERT_EQ(doc["results"].size(), 2u);
  const auto& slow = doc["results"][0];
  EXPECT_EQ(slow["status"], "failed");
  EXPECT_NE(slow["message"].get<std::string>().find("the GPU did not finish a submission within 0.05 s"),
            std::string::npos) << slow.dump();
  EXPECT_EQ(doc["results"][1]["status"], "ok") << doc["results"][1].dump();
  EXPECT_EQ(doc["context"]["device_rebuilds"], 1);
  EXPECT_EQ(doc["settings"]["gpu_timeout_s"], 0.05);
  EXPECT_TRUE(doc["complete"].get<bool>());
}

// No driver (the loader finds no ICD): one line saying what to install, exit 2, no output file.
TEST_F(Reliability, NoVulkanDeviceSaysWhatToInstall) {
  const auto out = dir_ / "result.json";
  const auto r = shell("VK_DRIVER_FILES=/nonexistent/icd.json VK_ICD_FILENAMES=/nonexistent/icd.json " +
                       std::string(QGEMV_BINARY) + " --shapes smoke.json --out " + out.string() + kFast);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no Vulkan driver found: install a Vulkan loader and driver"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mesa-vulkan-drivers"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
