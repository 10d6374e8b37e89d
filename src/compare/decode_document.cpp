#include "compare/decode_document.hpp"

#include <fmt/format.h>

#include <type_traits>

#include "util/error.hpp"

namespace qgemv::compare {
namespace {

using nlohmann::json;

inline constexpr int kDecodeSchemaVersion = 2;

[[noreturn]] void fail(const std::string& label, const std::string& path, const std::string& what) {
  throw UsageError(fmt::format("{}: {}: {}", label, path, what));
}

const json& field(const std::string& label, const json& object, const std::string& path, const char* key) {
  if (!object.is_object()) fail(label, path, "expected an object");
  const auto it = object.find(key);
  if (it == object.end()) fail(label, path, fmt::format("missing \"{}\"", key));
  return *it;
}

template <typename T>
T get(const std::string& label, const json& object, const std::string& path, const char* key) {
  const auto& value = field(label, object, path, key);
  const auto where = fmt::format("{}.{}", path, key);
  if constexpr (std::is_same_v<T, std::string>) {
    if (!value.is_string()) fail(label, where, "expected a string");
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) fail(label, where, "expected true or false");
  } else {
    if (!value.is_number_integer()) fail(label, where, "expected an integer");
  }
  return value.get<T>();
}

// timing.stability, written since decode took the sweep's drift rule; older documents have none
// and read as stable.
void read_stability(const std::string& label, const json& timing, const std::string& path, CaseRecord& c) {
  if (timing.is_null() || !timing.contains("stability")) return;
  const auto& stability = timing["stability"];
  c.unstable = get<bool>(label, stability, path + ".stability", "unstable");
  c.speedup_unstable = c.unstable;  // its speedup is a ratio of medians, this one among them
  if (c.unstable && stability.contains("reason") && stability["reason"].is_string()) {
    c.unstable_reason = stability["reason"].get<std::string>();
  }
}

CaseRecord read_token(const std::string& label, const json& result, const std::string& path, const CaseId& model) {
  CaseRecord c;
  c.id = model;
  c.id.kernel = get<std::string>(label, result, path, "kernel");
  c.id.dtype = get<std::string>(label, result, path, "dtype");
  c.id.storage = get<std::string>(label, result, path, "storage");
  c.status = get<std::string>(label, result, path, "status");
  if (c.status != "ok" && c.status != "skipped" && c.status != "failed") {
    fail(label, path + ".status", fmt::format("unknown status \"{}\"", c.status));
  }
  c.message = get<std::string>(label, result, path, "message");
  const auto& timing = field(label, result, path, "timing");
  if (!timing.is_null()) {
    const auto& samples = field(label, timing, path + ".timing", "samples");
    if (!samples.is_array()) fail(label, path + ".timing.samples", "expected an array");
    for (const auto& s : samples) {
      if (!s.is_number() || s.get<double>() <= 0) fail(label, path + ".timing.samples", "expected positive numbers");
      c.samples_s.push_back(s.get<double>());
    }
  }
  if (c.status == "ok" && c.samples_s.empty()) fail(label, path + ".timing.samples", "an ok result needs samples");
  read_stability(label, timing, path + ".timing", c);
  c.bytes_total = get<std::int64_t>(label, field(label, result, path, "bytes_per_token"), path + ".bytes_per_token",
                                    "total");
  const auto& speedup = field(label, result, path, "speedup_vs_baseline");
  if (!speedup.is_null() && !speedup.is_number()) fail(label, path + ".speedup_vs_baseline", "expected a number or null");
  if (speedup.is_number()) c.speedup_vs_legacy = speedup.get<double>();
  return c;
}

// Where the token's barriers were: settings.barrier_mode, or in documents written before it, the
// boolean "barriers" (true was a barrier between every two GEMVs). Null when neither is there.
json barrier_mode(const std::string& label, const json& settings) {
  if (!settings.is_object()) fail(label, "$.settings", "expected an object");
  if (const auto it = settings.find("barrier_mode"); it != settings.end()) {
    if (!it->is_string()) fail(label, "$.settings.barrier_mode", "expected a string");
    return *it;
  }
  if (const auto it = settings.find("barriers"); it != settings.end() && it->is_boolean()) {
    return it->get<bool>() ? "all" : "none";
  }
  return nullptr;
}

}  // namespace

bool is_decode_document(const json& doc) {
  if (!doc.is_object()) return false;
  const auto it = doc.find("mode");
  return it != doc.end() && it->is_string() && it->get<std::string>() == "decode";
}

ResultDocument parse_decode_document(const json& doc, const std::string& label) {
  const auto& version = field(label, doc, "$", "schema_version");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kDecodeSchemaVersion) {
    fail(label, "$.schema_version",
         fmt::format("{} is not supported for decode documents (this build reads {})", version.dump(),
                     kDecodeSchemaVersion));
  }
  ResultDocument out;
  out.label = label;
  const auto settings = doc.find("settings");
  out.settings = {{"barrier_mode", settings == doc.end() ? json(nullptr) : barrier_mode(label, *settings)}};
  out.device_name =
      get<std::string>(label, field(label, field(label, doc, "$", "context"), "$.context", "device"), "$.context.device",
                       "name");
  out.complete = get<bool>(label, doc, "$", "complete");
  const auto& model = field(label, doc, "$", "model");
  CaseId id;
  id.shape = get<std::string>(label, model, "$.model", "name") + "/token";
  id.n = get<std::int64_t>(label, model, "$.model", "layers");
  id.k = get<std::int64_t>(label, model, "$.model", "gemvs_per_token");
  id.group_size = get<std::int64_t>(label, model, "$.model", "group_size");
  const auto& results = field(label, doc, "$", "results");
  if (!results.is_array()) fail(label, "$.results", "expected an array");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto path = fmt::format("$.results[{}]", i);
    auto c = read_token(label, results[i], path, id);
    for (const auto& seen : out.cases) {
      if (seen.id == c.id) fail(label, path, fmt::format("result \"{}\" appears twice", c.id.label()));
    }
    out.cases.push_back(std::move(c));
  }
  return out;
}

}  // namespace qgemv::compare
