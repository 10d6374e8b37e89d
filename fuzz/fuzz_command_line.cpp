// libFuzzer target: the command line, through parse_options and make_plan (options -> sweep plan),
// on arbitrary arguments (the input split at NUL bytes). Paths stay inside an empty folder: an
// argument holding '/' is not tried, so no file outside it is ever read.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/plan.hpp"
#include "oracle.hpp"

namespace {

using qgemv::fuzz::check;

std::vector<std::string> split_arguments(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"qgemv-bench"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(std::move(current));
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty()) args.push_back(std::move(current));
  return args;
}

// parse_options prints its usage errors and --help itself; the fuzzer's log needs none of them.
class Silenced {
 public:
  Silenced() {
    static const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
  }
  ~Silenced() {  // restored on a throw too, so a crash report still reaches the log
    ::dup2(saved_out_, STDOUT_FILENO);
    ::dup2(saved_err_, STDERR_FILENO);
    ::close(saved_out_);
    ::close(saved_err_);
  }
  Silenced(const Silenced&) = delete;
  Silenced& operator=(const Silenced&) = delete;

 private:
  int saved_out_ = ::dup(STDOUT_FILENO);
  int saved_err_ = ::dup(STDERR_FILENO);
};

qgemv::cli::Options parse_quietly(std::vector<char*>& argv) {
  const Silenced silenced;
  return qgemv::cli::parse_options(static_cast<int>(argv.size()), argv.data());
}

// What parse_options and make_plan promise of a command line they accept.
void check_plan(const qgemv::bench::SweepPlan& plan) {
  check(!plan.shapes.shapes.empty(), "a plan without shapes");
  check(!plan.kernels.empty() && !plan.dtypes.empty() && !plan.storages.empty(), "a plan with an empty list");
  std::set<const void*> kernels(plan.kernels.begin(), plan.kernels.end());
  check(kernels.size() == plan.kernels.size(), "a kernel planned twice");
  check(plan.settings.timing.max_time_s > 0 && plan.settings.timing.min_time_s >= 0, "bad time limits");
  check(plan.settings.timing.repetitions > 0 && plan.settings.timing.warmup >= 0, "bad repetition counts");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char folder[] = "/tmp/qgemv_fuzz_cli.XXXXXX";
  if (::mkdtemp(folder) == nullptr || ::chdir(folder) != 0) qgemv::fuzz::bug("cannot enter an empty folder");
  ::unsetenv("QGEMV_FAULT_DEVICE_LOST_AT_CASE");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto args = split_arguments(data, size);
  if (args.size() > 64) return 0;
  for (const auto& arg : args) {
    if (arg.find('/') != std::string::npos) return 0;
  }
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  qgemv::cli::Options options;
  if (!qgemv::fuzz::accepts([&] { options = parse_quietly(argv); })) return 0;
  check(options.command != qgemv::cli::Command::exit_now || options.exit_code == 0 || options.exit_code == 2,
        "an exit code other than 0 or 2 for bad usage");
  if (options.command != qgemv::cli::Command::run) return 0;
  qgemv::bench::SweepPlan plan;
  if (qgemv::fuzz::accepts([&] { plan = qgemv::cli::make_plan(options); })) check_plan(plan);
  return 0;
}
