#include "cli/list_kernels_command.hpp"

#include <fmt/format.h>

#include "kernels/kernel_table.hpp"

namespace qgemv::cli {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
  return out;
}

std::string requirements(const kernels::KernelDesc& k) {
  std::vector<std::string> parts;
  for (const auto& r : k.requirements) {
    std::string when = r.dtype ? std::string(to_string(*r.dtype)) : r.storage ? std::string(to_string(*r.storage)) : "";
    parts.push_back(fmt::format("{}{}", kernels::info(r.feature).name, when.empty() ? "" : " (" + when + ")"));
  }
  for (const auto& f : k.flavours) {
    for (auto feature : f.features) parts.push_back(fmt::format("{} ({} flavour)", kernels::info(feature).name, f.name));
  }
  return parts.empty() ? "none beyond Vulkan 1.1" : join(parts, ", ");
}

}  // namespace

int list_kernels_command() {
  for (const auto& k : kernels::kernel_table()) {
    fmt::print("{}  [{}]  {}\n", k.name, to_string(k.role), k.summary);
    if (!k.reproduces.empty()) fmt::print("  reproduces: {}\n", k.reproduces);
    std::vector<std::string> extensions;
    for (auto d : k.extension_dtypes) extensions.emplace_back(to_string(d));
    if (!extensions.empty()) fmt::print("  extensions (not in the original): {}\n", join(extensions, ", "));
    fmt::print("  built with: {}\n", k.compiler);
    if (!k.tunable_parameters.empty()) fmt::print("  tunable: {}\n", join(k.tunable_parameters, ", "));
    fmt::print("  requires: {}\n", requirements(k));
    fmt::print("  variants: {}\n", join(kernels::variant_names(k), " "));
    if (!k.in_default_run) fmt::print("  runs only when named (--kernels {})\n", k.name);
  }
  return 0;
}

}  // namespace qgemv::cli
