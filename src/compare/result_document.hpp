#pragma once
// A qgemv-bench result document (schema_version 1 or 2, docs/measurement.md, "Result document") reduced to what
// compare needs. Reading is strict about the fields compare uses and ignores every other field, so
// documents from newer builds that only add fields still compare.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qgemv::compare {

// Identifies one case across two runs on the same device (the device is the document's).
struct CaseId {
  std::string shape;
  std::int64_t n = 0;
  std::int64_t k = 0;
  std::int64_t group_size = 0;
  std::string kernel;
  std::string dtype;
  std::string storage;

  bool operator==(const CaseId&) const = default;
  std::string label() const;  // "tile 64x256 g64 coop fp32 bb"
};

struct CaseRecord {
  CaseId id;
  std::string status;   // ok | skipped | failed
  std::string message;  // why skipped/failed
  // Version 2: seconds per dispatch of each independent repetition. Version 1: the raw
  // per-dispatch samples, or nothing where scripts/compact_results.py stripped them.
  std::vector<double> samples_s;
  std::optional<double> median_s;            // timing.median; empty when not timed
  bool unstable = false;                     // version 2: repetitions drifted even when re-measured
  std::string unstable_reason;
  std::vector<double> speedup_ratios;        // version 2: paired per-repetition speedups
  bool speedup_unstable = false;
  std::int64_t bytes_total = 0;
  std::optional<double> speedup_vs_legacy;  // baseline median / this median, measured in the same run
};

struct ResultDocument {
  std::string label;        // the path, for messages
  int schema_version = 0;
  std::string device_name;  // context.device.name
  bool complete = true;
  nlohmann::json settings;            // the measurement settings, as written (null when absent)
  std::optional<double> read_gbps;    // the run's roofline read bandwidth, when measured
  std::vector<CaseRecord> cases;
};

// The schema_versions this reader understands (report::kSchemaVersion is the newest).
inline constexpr int kOldestReadableSchemaVersion = 1;
inline constexpr int kReadableSchemaVersion = 2;

// UsageError (exit code 2) naming `label` and the JSON path when the document is not a qgemv-bench
// result of the readable schema version, lacks a field compare uses, or repeats a case.
ResultDocument parse_result_document(const nlohmann::json& doc, const std::string& label);

// Reads and parses `path`; UsageError when it cannot be read or is not JSON.
ResultDocument load_result_document(const std::filesystem::path& path);

}  // namespace qgemv::compare
