#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <type_traits>

#include "kernels/kernel_table.hpp"
#include "util/error.hpp"
#include "version.hpp"

namespace qgemv::cli {
namespace {

// CLI11's PositiveNumber says "Value abc not in range 0.000000 to 1797693134862315708145..." and
// a value too large for the option's type gets "Could not convert"; this says what is wanted.
template <typename T, typename Accept>
CLI::Validator must_be(std::string wanted, std::string help_tag, Accept accept) {
  return CLI::Validator(
      [wanted, accept](std::string& input) -> std::string {
        T value{};
        // Parsed here, strictly: CLI11 wraps "-1" round to 2^64 - 1 for unsigned types, clamps
        // 2^64 to 2^64 - 1, and takes "inf" and "nan" for seconds.
        const auto [end, error] = std::from_chars(input.data(), input.data() + input.size(), value);
        bool ok = error == std::errc() && end == input.data() + input.size();
        if constexpr (std::is_floating_point_v<T>) ok = ok && std::isfinite(value);
        if (ok && accept(value)) return {};
        return "must be " + wanted + " (got " + input + ")";
      },
      std::move(help_tag));
}

const auto kPositiveInt = must_be<int>("a positive integer up to 2147483647", "POSITIVE", [](int v) { return v > 0; });
const auto kNonNegativeInt =
    must_be<int>("an integer from 0 to 2147483647", "NONNEGATIVE", [](int v) { return v >= 0; });
const auto kPositiveSeconds = must_be<double>("a number of seconds > 0", "POSITIVE", [](double v) { return v > 0; });
const auto kNonNegativeSeconds =
    must_be<double>("a number of seconds >= 0", "NONNEGATIVE", [](double v) { return v >= 0; });
// Cap at 2^24 MiB (16 TiB), so the conversion to bytes cannot overflow.
constexpr std::uint64_t kMaxMib = 1ull << 24;
const auto kPositiveMib = must_be<std::uint64_t>("a positive number of MiB up to 16777216", "POSITIVE",
                                                 [](std::uint64_t v) { return v > 0 && v <= kMaxMib; });
const auto kSeed = must_be<std::uint64_t>("an integer from 0 to 18446744073709551615", "UINT64",
                                          [](std::uint64_t) { return true; });
const auto kGroupSize = must_be<std::int64_t>("a positive multiple of 32", "",
                                              [](std::int64_t v) { return v > 0 && v % 32 == 0; });

// Values CLI11 accepts but a run cannot use: an empty path or name, a kernel named twice (the
// results would hold the same case twice, which compare rejects).
void check_values(const CLI::App& app, const Options& o) {
  for (const char* flag : {"--shapes", "--out", "--device", "--tuning", "--dump"}) {
    const auto* option = app.get_option(flag);
    if (option->count() > 0 && option->as<std::string>().empty()) {
      throw UsageError(fmt::format("{}: must not be empty{}", flag,
                                   std::string_view(flag) == "--out" ? " (a file, or - for stdout)" : ""));
    }
  }
  for (std::size_t i = 0; i < o.kernels.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (o.kernels[i] == o.kernels[j]) throw UsageError(fmt::format("--kernels: {} given twice", o.kernels[i]));
    }
  }
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app("qgemv-bench: benchmark and validate int4 weight-only quantized GEMV Vulkan shaders", "qgemv-bench");
  app.set_version_flag("--version", fmt::format("qgemv-bench {} ({})", build_info::kVersion, build_info::kGitCommit));
  app.add_option("--shapes", o.shapes, "shapes file: a path, or the name of a built-in file (llama1b.json, smoke.json, ...)")
      ->capture_default_str();
  for (const auto* kernel : kernels::default_kernels()) o.kernels.emplace_back(kernel->name);
  app.add_option("--kernels", o.kernels, "kernels to run, comma separated (default: every kernel the binary ships but the opt-in coopmat ones, which need NVIDIA's cooperative matrices)")
      ->delimiter(',')
      ->default_str(fmt::format("{}", fmt::join(o.kernels, ",")));
  app.add_option("--dtype", o.dtypes, "fp32 and/or fp16, comma separated")
      ->delimiter(',')
      ->default_str(fmt::format("{}", fmt::join(o.dtypes, ",")));
  app.add_option("--storage", o.storages, "bb, bt and/or tt, comma separated")
      ->delimiter(',')
      ->default_str(fmt::format("{}", fmt::join(o.storages, ",")));
  app.add_option("--group-size", o.group_size,
                 "quantization group size for every shape, a multiple of 32 (default: the shapes file's)")
      ->check(kGroupSize);
  app.add_option("--device", o.device, "device index or a substring of its name (default: the best device)");
  app.add_option("--warmup", o.warmup, "at least this many untimed dispatches, then until successive batches agree (0: one)")->capture_default_str()->check(kNonNegativeInt);
  app.add_option("--repetitions", o.repetitions, "independent repetitions per case (each a batch of dispatches)")
      ->capture_default_str()
      ->check(kPositiveInt);
  app.add_option("--min-time", o.min_time, "GPU seconds of dispatches in one repetition's batch")
      ->capture_default_str()
      ->check(kNonNegativeSeconds);
  app.add_option("--max-time", o.max_time, "wall seconds after which a case stops timing, minimums or not")
      ->capture_default_str()
      ->check(kPositiveSeconds);
  app.add_option("--timer", o.timer,
                 "gpu (timestamps) or cpu (this process's CPU time per dispatch: for a CPU driver such as "
                 "lavapipe on a shared machine)")
      ->check(CLI::IsMember({"gpu", "cpu"}))
      ->capture_default_str();
  app.add_option("--cold-cache", o.cold_cache,
                 "off (warm), auto (rotate weight copies over >= 256 MiB), or a footprint in MiB")
      ->capture_default_str();
  app.add_flag("--tune", o.tune,
               "search coop_tuned's configuration per case (validated), write the best to --tuning FILE, then run");
  app.add_option("--tuning", o.tuning, "tuning file: read configurations from it (written by --tune)");
  app.add_option("--config", o.config,
                 "run coop_tuned in this configuration in every case, as results name it (e.g. t32.b8.u4.subgroup.dn; "
                 "default: --tuning's, else the heuristic's)");
  app.add_option("--roofline", o.roofline, "on|off: measure read and copy bandwidth once per sweep")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "seed of the random data (each shape derives its own from it)")
      ->capture_default_str()
      ->check(kSeed);
  app.add_option("--out", o.out,
                 "write the results to this file in --format (- for stdout; only a regular file is replaced, "
                 "and only with --force)");
  // Table formats, case selection and listing (docs/usage.md).
  auto* format = app.add_option("--format", o.format,
                                "json (this tool's schema), gbench (Google Benchmark's), gbench-aggregates (its "
                                "--benchmark_report_aggregates_only: mean, median, stddev, cv), gbench-median (the "
                                "median aggregate alone, for github-action-benchmark): of --out, which they need; "
                                "csv or markdown: the results table, to --out or else to stdout")
                     ->check(CLI::IsMember({"json", "gbench", "gbench-aggregates", "gbench-median", "csv", "markdown"}))
                     ->capture_default_str();
  app.add_option("--filter", o.filter,
                 "run only the cases whose name \"<shape>/<kernel>/<dtype>/<storage>\" matches this "
                 "regular expression (ECMAScript, anywhere in the name; default: every case)");
  app.add_flag("--list", o.list, "print the cases the command would run, with their sizes, and exit (no device used)");
  app.add_flag("--force", o.force, "allow --out to replace an existing file");
  app.add_option("--dump", o.dump, "write each case's q, scale, zero, x, y, y_ref as .npy files under this folder");
  app.add_flag("--no-validate", o.no_validate, "skip the CPU reference check");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  app.add_flag("--validation-layer", o.validation_layer,
               "enable VK_LAYER_KHRONOS_validation; any message it reports makes the run fail");
  app.add_option("--gpu-timeout", o.gpu_timeout,
                 "seconds one GPU submission may take; a case over it fails and the device is re-created (0: no limit)")
      ->capture_default_str()
      ->check(kNonNegativeSeconds);
  app.add_option("--max-binding-mib", o.max_binding_mib,
                 "split weights along N as if no binding could exceed this many MiB (tests the split path; "
                 "default: the device's limits)")
      ->check(kPositiveMib);
  // Measurement options (docs/measurement.md).
  app.add_flag("--samples{1000}", o.samples,
               "also keep raw per-dispatch times: --samples (1000 per case) or --samples=N (at most 100000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  auto* list = app.add_subcommand("list-devices", "list the Vulkan devices and exit");
  list->add_flag("--validation-layer", o.validation_layer, "enable VK_LAYER_KHRONOS_validation");
  auto* list_kernels = app.add_subcommand(
      "list-kernels", "list the kernels built into this binary: role, what each reproduces, variants, required features");
  auto* compare = app.add_subcommand(
      "compare", "compare two result documents (--out, json format): exit 1 on a regression, a failed or missing case");
  auto& c = o.compare;
  compare->add_option("BASE", c.base, "the baseline result document")->required();
  compare->add_option("NEW", c.current, "the result document to check against it")->required();
  compare->add_option("--threshold", c.threshold, "smallest change that counts, in percent: 5% or 5")->capture_default_str();
  compare->add_option("--metric", c.metric, "time, gbps, speedup (over the baseline kernel, paired within each run) or roofline (fraction of the run's read bandwidth)")
      ->check(CLI::IsMember({"time", "gbps", "speedup", "roofline"}))
      ->capture_default_str();
  compare->add_option("--alpha", c.alpha, "significance level of the two-sided Mann-Whitney U test")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  compare->add_flag("--allow-missing", c.allow_missing, "a BASE case absent or skipped in NEW does not fail");
  compare->add_flag("--allow-device-change", c.allow_device_change, "compare runs made on differently named devices");
  compare->add_flag("--allow-settings-change", c.allow_settings_change,
                    "compare runs measured with different settings (cold cache, repetitions, min-time, ...)");
  compare->add_flag("--allow-incomplete", c.allow_incomplete, "an interrupted or unfinished NEW does not fail the gate by itself");
  compare->add_option("--format", c.format, "text, markdown or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();

  auto* explain = app.add_subcommand(
      "explain", "census of each shader's inner loop per 32 weights (from its SPIR-V) and the driver's statistics");
  auto& e = o.explain;
  explain->add_option("--kernels", e.kernels, "kernels to explain, comma separated (default: every shipped kernel)")
      ->delimiter(',');
  explain->add_option("--dtype", e.dtypes, "fp32 and/or fp16, comma separated")->delimiter(',')->capture_default_str();
  explain->add_option("--storage", e.storages, "bb, bt and/or tt, comma separated")->delimiter(',')->capture_default_str();
  explain->add_option("--device", e.device, "device index or a substring of its name (default: the best device)");
  explain->add_flag("--verbose", e.verbose, "also the driver's internal representations of each pipeline");
  explain->add_option("--config", e.config,
                      "configuration of tunable kernels, as tuning files and result tables name it (e.g. "
                      "t32.b4.u4.subgroup.mask; default: t64.b4.u4.subgroup)");
  explain->add_flag("--no-driver", e.no_driver, "the SPIR-V census only: no Vulkan device is opened");
  explain->add_option("--out", e.out, "write the explanation as JSON to this file (never overwritten without --force)");
  explain->add_flag("--force", e.force, "allow --out to replace an existing file");
  explain->add_flag("--quiet", e.quiet, "print nothing but errors");
  explain->add_flag("--validation-layer", o.validation_layer, "enable VK_LAYER_KHRONOS_validation");
  // decode takes the sweep's options too: those it does not define fall through to the main app.
  auto* decode = app.add_subcommand(
      "decode", "replay whole decode tokens of a model shapes file (every layer's GEMVs in one command buffer)");
  decode->fallthrough();
  decode->add_option("--layers", o.decode.layers, "replay only the first N layers (default: all)")
      ->check(must_be<std::int64_t>("a positive integer", "POSITIVE", [](std::int64_t v) { return v > 0; }));
  decode->add_option("--barriers", o.decode.barriers,
                     "graph: a barrier where a GEMV reads what earlier ones wrote, as a graph runtime puts them; "
                     "all: between every two GEMVs; none (on and off: all and none)")
      ->check(CLI::IsMember({"graph", "all", "none", "on", "off"}))
      ->capture_default_str();
  decode->add_flag("--profile", o.decode.profile, "also time each GEMV within a token and report each shape's share");
  decode->add_flag("--floor", o.decode.floor,
                   "also replay the token with every GEMV shrunk to 8 x G: what dispatches, barriers and the "
                   "kernel's shortest run cost");
  decode->add_flag("--fuse", o.decode.fuse,
                   "run a layer's GEMVs that read one input as one dispatch (q+k+v, gate+up), as engines that "
                   "store those weights concatenated do");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    o.command = Command::exit_now;
    o.exit_code = app.exit(e);
    return o;
  } catch (const CLI::CallForVersion& e) {
    o.command = Command::exit_now;
    o.exit_code = app.exit(e);
    return o;
  } catch (const CLI::ParseError& e) {
    // docs/design.md, "Exit codes": bad usage is exit code 2, whatever CLI11's own code would be.
    fmt::print(stderr, "qgemv-bench: {}\n", one_line(e.what()));
    o.command = Command::exit_now;
    o.exit_code = 2;
    return o;
  }
  // Lets a test suite or CI put every run under the layer without touching each command line.
  if (const char* v = std::getenv("QGEMV_VALIDATION_LAYER"); v != nullptr && std::string_view(v) == "1") {
    o.validation_layer = true;
  }
  if (!list->parsed() && !compare->parsed()) check_values(app, o);
  if (format->count() > 0 && o.format != "csv" && o.format != "markdown" && o.out.empty()) {
    throw UsageError(fmt::format("--format {} needs --out FILE (csv and markdown print to stdout without it)", o.format));
  }
  if (list->parsed()) o.command = Command::list_devices;
  if (compare->parsed()) o.command = Command::compare;
  if (list_kernels->parsed()) o.command = Command::list_kernels;
  if (explain->parsed()) o.command = Command::explain;
  if (decode->parsed()) o.command = Command::decode;
  return o;
}

}  // namespace qgemv::cli
