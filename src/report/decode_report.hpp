#pragma once
// The decode replay's console table and JSON document (schema in docs/decode.md).
#include <nlohmann/json.hpp>

#include <string>

#include "bench/decode.hpp"

namespace qgemv::report {

// Decode documents carry this version and "mode": "decode", which tells them from sweep documents.
inline constexpr int kDecodeSchemaVersion = 2;

struct DecodeRunInfo {
  std::string date;  // ISO 8601 UTC, when the run started
  std::string host;
  std::string command_line;
  bool validation_layer = false;
  const bench::DecodePlan* plan = nullptr;
  const bench::DecodeResult* result = nullptr;
  std::string incomplete_reason;  // empty when complete
};

nlohmann::json decode_json(const DecodeRunInfo& info);
std::string decode_console(const DecodeRunInfo& info);

}  // namespace qgemv::report
