#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qgemv::cli {

enum class Command { run, list_devices, compare, list_kernels, explain, decode, exit_now };

// `qgemv-bench compare BASE.json NEW.json`: strings here, interpreted by the compare command.
struct CompareArgs {
  std::string base;
  std::string current;
  std::string threshold = "5%";
  std::string metric = "time";
  double alpha = 0.05;
  bool allow_missing = false;
  bool allow_device_change = false;
  bool allow_settings_change = false;  // compare runs measured with different settings
  bool allow_incomplete = false;       // an interrupted NEW does not fail by itself
  std::string format = "text";

  bool operator==(const CompareArgs&) const = default;
};

// `qgemv-bench explain`: what each shader's inner loop executes per 32 weights.
struct ExplainArgs {
  std::vector<std::string> kernels;  // empty: every non-test kernel
  std::vector<std::string> dtypes = {"fp32", "fp16"};
  std::vector<std::string> storages = {"bb", "bt", "tt"};
  std::string device;
  bool verbose = false;
  std::string config;  // of tunable kernels; empty: the default configuration
  bool no_driver = false;
  std::string out;
  bool force = false;
  bool quiet = false;
  bool operator==(const ExplainArgs&) const = default;
};

// `qgemv-bench decode`: the sweep's options plus these (src/cli/decode_command.cpp).
struct DecodeArgs {
  std::optional<std::int64_t> layers;  // replay fewer layers than the file has
  std::string barriers = "graph";
  bool profile = false;
  bool floor = false;  // --floor
  bool fuse = false;   // --fuse
  bool operator==(const DecodeArgs&) const = default;
};

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
  int repetitions = 10;     // independent repetitions per case
  double min_time = 0.02;   // GPU seconds per repetition
  double max_time = 3.0;
  std::string timer = "gpu";  // gpu (timestamps) or cpu (the process's CPU time; for CPU drivers)
  std::string cold_cache = "auto";
  std::string roofline = "on";
  bool tune = false;
  std::string tuning;
  std::string config;  // --config: one configuration for every case of the tunable kernels
  std::uint64_t seed = 1;
  std::string out;
  std::string format = "json";  // of --out: json (our schema), gbench, gbench-aggregates, gbench-median; csv/markdown (without --out: stdout)
  bool force = false;
  std::string dump;
  bool no_validate = false;
  bool quiet = false;
  bool validation_layer = false;  // also on when QGEMV_VALIDATION_LAYER=1 (how the test suite runs)
  double gpu_timeout = 60;        // seconds one submission may take before it counts as hung
  std::uint64_t max_binding_mib = 0;
  // Measurement (docs/measurement.md): raw per-dispatch samples kept per case, 0 none.
  std::size_t samples = 0;
  std::string command_line;
  CompareArgs compare;
  DecodeArgs decode;
  ExplainArgs explain;
  // Case selection and listing (docs/usage.md): a regex over "<shape>/<kernel>/<dtype>/<storage>".
  std::string filter;
  bool list = false;

  // For the test that --help's defaults are the parser's: giving a default changes nothing.
  bool operator==(const Options&) const = default;
};

// Parses argv; prints help/version/parse errors itself (those set Command::exit_now).
Options parse_options(int argc, char** argv);

}  // namespace qgemv::cli
