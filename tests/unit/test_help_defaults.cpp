// --help tells the truth about defaults: every default it prints, given explicitly, parses to the
// same options as an empty command line; every option that takes a value shows its default unless
// it has none.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "kernels/kernel_table.hpp"

namespace qgemv::cli {
namespace {

Options parse(std::vector<std::string> args) {
  args.insert(args.begin(), "qgemv-bench");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto o = parse_options(static_cast<int>(argv.size()), argv.data());
  o.command_line.clear();  // the only field that records how the options were written
  return o;
}

std::string help(std::vector<std::string> args) {
  args.push_back("--help");
  ::testing::internal::CaptureStdout();
  const auto o = parse(args);
  const auto text = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(o.command, Command::exit_now);
  EXPECT_EQ(o.exit_code, 0);
  return text;
}

struct Shown {
  std::string option;
  bool takes_value = false;
  std::optional<std::string> default_value;
};

// CLI11's help lines: "  --warmup INT:NONNEGATIVE=10  description", "--dtype TEXT=fp32 ..." for a
// list, "--alpha FLOAT:FLOAT in [0 - 1]=0.05" for a range (the description on the next line when
// the left part is long); flags have no type.
std::vector<Shown> options_in(const std::string& help) {
  static const std::regex line(
      R"(^\s+(?:-\w,)?(--[a-z][a-z0-9-]*)(?: ([A-Z]+(?::(?:[A-Z]+ in \[[^\]]*\]|[^=\s]+))?)(?:=(\S+))?)?)");
  std::vector<Shown> out;
  std::istringstream in(help);
  for (std::string text; std::getline(in, text);) {
    std::smatch m;
    if (!std::regex_search(text, m, line) || m[1] == "--help" || m[1] == "--version") continue;
    Shown shown{m[1], m[2].length() > 0, std::nullopt};
    if (m[3].matched) shown.default_value = m[3];
    out.push_back(shown);
  }
  return out;
}

struct HelpCase {
  std::vector<std::string> prefix;  // the subcommand and its required arguments
  std::set<std::string> without_default;  // options whose parser default is "none"
};

const std::vector<HelpCase>& commands() {
  static const std::vector<HelpCase> all = {
      // With --out, which --format json needs: the default format is that of --out.
      {{"--out", "result.json"}, {"--group-size", "--device", "--tuning", "--config", "--out", "--dump", "--filter", "--max-binding-mib"}},
      {{"compare", "base.json", "new.json"}, {}},
  };
  return all;
}

TEST(HelpDefaults, EveryPrintedDefaultIsTheParsersDefault) {
  for (const auto& command : commands()) {
    const auto subcommand = command.prefix.at(0) == "compare" ? std::vector{command.prefix[0]} : std::vector<std::string>{};
    const auto shown = options_in(help(subcommand));
    ASSERT_GE(shown.size(), 5u) << "the help text's format changed: " << help(subcommand);
    const auto baseline = parse(command.prefix);
    ASSERT_NE(baseline.command, Command::exit_now);
    for (const auto& option : shown) {
      if (!option.default_value) continue;
      auto args = command.prefix;
      args.push_back(option.option);
      args.push_back(*option.default_value);
      EXPECT_TRUE(parse(args) == baseline) << option.option << " " << *option.default_value
                                            << ": --help prints this default, but giving it changes the options";
    }
  }
}

TEST(HelpDefaults, EveryOptionWithAValueShowsItsDefaultUnlessItHasNone) {
  for (const auto& command : commands()) {
    const auto subcommand = command.prefix.at(0) == "compare" ? std::vector{command.prefix[0]} : std::vector<std::string>{};
    for (const auto& option : options_in(help(subcommand))) {
      if (!option.takes_value) continue;
      EXPECT_EQ(option.default_value.has_value(), !command.without_default.contains(option.option))
          << option.option << ": a default the help does not print, or one printed for an option without any";
    }
  }
}

TEST(HelpDefaults, KernelsDefaultIsEveryShippedKernel) {
  const auto shown = options_in(help({}));
  const auto kernels = std::find_if(shown.begin(), shown.end(), [](const Shown& s) { return s.option == "--kernels"; });
  ASSERT_NE(kernels, shown.end());
  ASSERT_TRUE(kernels->default_value.has_value());
  std::string every;
  for (const auto* kernel : kernels::default_kernels()) every += (every.empty() ? "" : ",") + std::string(kernel->name);
  EXPECT_EQ(*kernels->default_value, every);
}

}  // namespace
}  // namespace qgemv::cli
