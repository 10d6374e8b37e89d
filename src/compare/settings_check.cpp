#include "compare/settings_check.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace qgemv::compare {
namespace {

nlohmann::json setting(const ResultDocument& doc, const std::string& name) {
  if (!doc.settings.is_object()) return nullptr;
  const auto it = doc.settings.find(name);
  return it == doc.settings.end() ? nlohmann::json(nullptr) : *it;
}

[[noreturn]] void refuse(const std::string& name, const std::string& base, const std::string& current) {
  throw UsageError(fmt::format("the runs were measured differently: {} is {} in BASE and {} in NEW "
                               "(--allow-settings-change compares them anyway)",
                               name, base, current));
}

}  // namespace

const std::vector<std::string>& measurement_setting_names() {
  static const std::vector<std::string> names = {"cold_cache",  "cold_cache_target_bytes", "group_size",
                                                 "repetitions", "min_time_s",              "max_time_s",
                                                 "warmup",      "max_binding_bytes",       "interleaved",
                                                 "barrier_mode"};  // decode: where a token's barriers are
  return names;
}

void check_same_settings(const ResultDocument& base, const ResultDocument& current) {
  if (base.schema_version != current.schema_version) {
    refuse("schema_version (the measurement model)", std::to_string(base.schema_version),
           std::to_string(current.schema_version));
  }
  for (const auto& name : measurement_setting_names()) {
    const auto b = setting(base, name), c = setting(current, name);
    if (b != c) refuse(name, b.dump(), c.dump());
  }
}

}  // namespace qgemv::compare
