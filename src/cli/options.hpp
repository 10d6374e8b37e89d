#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qgemv::cli {

enum class Command { run, list_devices, exit_now };

struct Options {
  Command command = Command::run;
  int exit_code = 0;  // for exit_now (--help, --version, parse errors)
  std::string shapes = "llama1b.json";
  std::vector<std::string> kernels;  // empty: every non-test kernel
  std::vector<std::string> dtypes = {"fp32"};
  std::vector<std::string> storages = {"bb"};
  std::optional<std::int64_t> group_size;
  std::string device;
  int warmup = 10;
  int repetitions = 100;
  std::uint64_t seed = 1;
  std::string out;
  bool force = false;
  std::string dump;
  bool no_validate = false;
  bool quiet = false;
  bool validation_layer = false;
  std::string command_line;
};

// Parses argv; prints help/version/parse errors itself (those set Command::exit_now).
Options parse_options(int argc, char** argv);

}  // namespace qgemv::cli
