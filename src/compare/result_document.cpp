#include "compare/result_document.hpp"

#include <fmt/format.h>


#include "bench/statistics.hpp"
#include "compare/decode_document.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/json_error.hpp"

namespace qgemv::compare {
namespace {

using nlohmann::json;

// Field access that reports the document and JSON path instead of nlohmann's generic message.
class Reader {
 public:
  explicit Reader(const std::string& label) : label_(label) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw UsageError(fmt::format("{}: {}: {}", label_, path, what));
  }

  const json& field(const json& object, const std::string& path, const char* key) const {
    if (!object.is_object()) fail(path, "expected an object");
    const auto it = object.find(key);
    if (it == object.end()) fail(path, fmt::format("missing \"{}\"", key));
    return *it;
  }

  std::string string(const json& object, const std::string& path, const char* key) const {
    const auto& value = field(object, path, key);
    if (!value.is_string()) fail(fmt::format("{}.{}", path, key), "expected a string");
    return value.get<std::string>();
  }

  std::int64_t integer(const json& object, const std::string& path, const char* key) const {
    const auto& value = field(object, path, key);
    if (!value.is_number_integer()) fail(fmt::format("{}.{}", path, key), "expected an integer");
    return value.get<std::int64_t>();
  }

  std::optional<double> optional_number(const json& object, const std::string& path, const char* key) const {
    const auto& value = field(object, path, key);
    if (value.is_null()) return std::nullopt;
    if (!value.is_number()) fail(fmt::format("{}.{}", path, key), "expected a number or null");
    return value.get<double>();
  }

  bool optional_bool(const json& object, const char* key) const {
    const auto it = object.find(key);
    return it != object.end() && it->is_boolean() && it->get<bool>();
  }

 private:
  const std::string& label_;
};

std::vector<double> positive_numbers(const Reader& r, const json& array, const std::string& path) {
  if (!array.is_array()) r.fail(path, "expected an array");
  std::vector<double> out;
  for (const auto& s : array) {
    if (!s.is_number() || s.get<double>() <= 0) r.fail(path, "expected positive numbers");
    out.push_back(s.get<double>());
  }
  return out;
}

// Version 1: raw samples (optional: compacted files keep only the summary). Version 2: repetitions.
void read_timing(const Reader& r, const json& result, const std::string& path, int version, CaseRecord& c) {
  const auto& timing = r.field(result, path, "timing");
  if (timing.is_null()) return;
  const auto tpath = path + ".timing";
  if (version == 1) {
    if (timing.contains("samples")) c.samples_s = positive_numbers(r, timing["samples"], tpath + ".samples");
    if (timing.contains("median")) c.median_s = r.optional_number(timing, tpath, "median");
    if (!c.median_s && !c.samples_s.empty()) c.median_s = bench::summarize(c.samples_s).median;
    return;
  }
  const auto& reps = r.field(timing, tpath, "repetitions");
  if (!reps.is_array()) r.fail(tpath + ".repetitions", "expected an array");
  for (std::size_t i = 0; i < reps.size(); ++i) {
    const auto rpath = fmt::format("{}.repetitions[{}]", tpath, i);
    const auto seconds = r.optional_number(reps[i], rpath, "seconds");
    if (!seconds || *seconds <= 0) r.fail(rpath + ".seconds", "expected a positive number");
    c.samples_s.push_back(*seconds);
  }
  c.median_s = r.optional_number(timing, tpath, "median");
  if (timing.contains("stability")) {
    c.unstable = r.optional_bool(timing["stability"], "unstable");
    if (c.unstable && timing["stability"].contains("reason") && timing["stability"]["reason"].is_string()) {
      c.unstable_reason = timing["stability"]["reason"].get<std::string>();
    }
  }
}

void read_speedup(const Reader& r, const json& result, const std::string& path, CaseRecord& c) {
  const auto it = result.find("speedup");
  if (it == result.end() || it->is_null()) return;
  const auto spath = path + ".speedup";
  c.speedup_ratios = positive_numbers(r, r.field(*it, spath, "ratios"), spath + ".ratios");
  if (it->contains("stability")) c.speedup_unstable = r.optional_bool((*it)["stability"], "unstable");
}

CaseRecord read_case(const Reader& r, const json& result, const std::string& path, int version) {
  CaseRecord c;
  c.id = {r.string(result, path, "shape"),  r.integer(result, path, "n"),
          r.integer(result, path, "k"),     r.integer(result, path, "group_size"),
          r.string(result, path, "kernel"), r.string(result, path, "dtype"),
          r.string(result, path, "storage")};
  c.status = r.string(result, path, "status");
  if (c.status != "ok" && c.status != "skipped" && c.status != "failed") {
    r.fail(path + ".status", fmt::format("unknown status \"{}\"", c.status));
  }
  c.message = r.string(result, path, "message");
  read_timing(r, result, path, version, c);
  if (c.status == "ok" && !c.median_s) r.fail(path + ".timing", "an ok case needs its timing");
  if (version >= 2 && c.status == "ok" && c.samples_s.empty()) r.fail(path + ".timing.repetitions", "an ok case needs repetitions");
  c.bytes_total = r.integer(r.field(result, path, "bytes"), path + ".bytes", "total");
  c.speedup_vs_legacy = r.optional_number(result, path, "speedup_vs_legacy");
  if (version >= 2) read_speedup(r, result, path, c);
  return c;
}

}  // namespace

std::string CaseId::label() const {
  return fmt::format("{} {}x{} g{} {} {} {}", shape, n, k, group_size, kernel, dtype, storage);
}

ResultDocument parse_result_document(const json& doc, const std::string& label) {
  const Reader r(label);
  if (!doc.is_object()) r.fail("$", "not a qgemv-bench result document (expected an object)");
  if (is_decode_document(doc)) return parse_decode_document(doc, label);  // docs/decode.md
  if (!doc.contains("schema_version")) {
    r.fail("$", "missing \"schema_version\": not a qgemv-bench result document (a --format gbench file?)");
  }
  const auto& version = doc["schema_version"];
  if (!version.is_number_integer() || version.get<std::int64_t>() < kOldestReadableSchemaVersion ||
      version.get<std::int64_t>() > kReadableSchemaVersion) {
    r.fail("$.schema_version", fmt::format("{} is not supported (this build reads {} to {})", version.dump(),
                                           kOldestReadableSchemaVersion, kReadableSchemaVersion));
  }
  ResultDocument out;
  out.label = label;
  out.schema_version = version.get<int>();
  out.device_name = r.string(r.field(r.field(doc, "$", "context"), "$.context", "device"), "$.context.device", "name");
  const auto& complete = r.field(doc, "$", "complete");
  if (!complete.is_boolean()) r.fail("$.complete", "expected true or false");
  out.complete = complete.get<bool>();
  out.settings = doc.contains("settings") ? doc["settings"] : nlohmann::json(nullptr);
  if (doc.contains("roofline") && doc["roofline"].is_object() && doc["roofline"].contains("read_gbps")) {
    out.read_gbps = r.optional_number(doc["roofline"], "$.roofline", "read_gbps");
  }
  const auto& results = r.field(doc, "$", "results");
  if (!results.is_array()) r.fail("$.results", "expected an array");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto path = fmt::format("$.results[{}]", i);
    auto c = read_case(r, results[i], path, out.schema_version);
    for (const auto& seen : out.cases) {
      if (seen.id == c.id) r.fail(path, fmt::format("case \"{}\" appears twice", c.id.label()));
    }
    out.cases.push_back(std::move(c));
  }
  return out;
}

ResultDocument load_result_document(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    const bool exists = std::filesystem::exists(path, ec);
    throw UsageError(fmt::format("{}: {}", path.string(), exists ? "not a file" : "no such file"));
  }
  const std::string text = read_input_file(path.string(), "result document");
  check_json_depth(text, path.string());
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw UsageError(fmt::format("{}: invalid JSON (byte {})", path.string(), e.byte));
  } catch (const json::exception& e) {  // out_of_range.406: a number beyond double's range (1e400)
    throw UsageError(fmt::format("{}: invalid JSON ({})", path.string(), json_error_text(e)));
  }
  return parse_result_document(doc, path.string());
}

}  // namespace qgemv::compare
