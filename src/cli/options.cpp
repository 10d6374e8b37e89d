#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "version.hpp"

namespace qgemv::cli {

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app("qgemv-bench: benchmark and validate int4 weight-only quantized GEMV Vulkan shaders", "qgemv-bench");
  app.set_version_flag("--version", fmt::format("qgemv-bench {} ({})", build_info::kVersion, build_info::kGitCommit));
  app.add_option("--shapes", o.shapes, "shapes file: a path, or the name of a built-in file (llama1b.json, smoke.json, ...)")
      ->capture_default_str();
  app.add_option("--kernels", o.kernels, "kernels to run, comma separated (default: legacy,coop)")->delimiter(',');
  app.add_option("--dtype", o.dtypes, "fp32 and/or fp16, comma separated")->delimiter(',')->capture_default_str();
  app.add_option("--storage", o.storages, "bb, bt and/or tt, comma separated")->delimiter(',')->capture_default_str();
  app.add_option("--group-size", o.group_size, "quantization group size for every shape (multiple of 32)");
  app.add_option("--device", o.device, "device index or a substring of its name (default: the best device)");
  app.add_option("--warmup", o.warmup, "untimed dispatches before timing")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--repetitions", o.repetitions, "timed dispatches per case")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--seed", o.seed, "seed of the random data (each shape derives its own from it)")->capture_default_str();
  app.add_option("--out", o.out, "write the JSON result document to this file (never overwritten without --force)");
  app.add_flag("--force", o.force, "allow --out to replace an existing file");
  app.add_option("--dump", o.dump, "write each case's q, scale, zero, x, y, y_ref as .npy files under this folder");
  app.add_flag("--no-validate", o.no_validate, "skip the CPU reference check");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  app.add_flag("--validation-layer", o.validation_layer,
               "enable VK_LAYER_KHRONOS_validation; any message it reports makes the run fail");
  auto* list = app.add_subcommand("list-devices", "list the Vulkan devices and exit");
  list->add_flag("--validation-layer", o.validation_layer, "enable VK_LAYER_KHRONOS_validation");

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
    // SPEC §8: bad usage is exit code 2, whatever CLI11's own code would be.
    fmt::print(stderr, "qgemv-bench: {}\n", e.what());
    o.command = Command::exit_now;
    o.exit_code = 2;
    return o;
  }
  if (list->parsed()) o.command = Command::list_devices;
  return o;
}

}  // namespace qgemv::cli
