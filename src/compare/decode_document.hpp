#pragma once
// Reads a decode result document ("mode": "decode", docs/decode.md) as compare's rows: one per
// kernel x dtype x storage, its samples the repetitions' GPU seconds per token, so compare gates
// token times exactly as it gates per-case times.
#include <nlohmann/json.hpp>

#include <string>

#include "compare/result_document.hpp"

namespace qgemv::compare {

bool is_decode_document(const nlohmann::json& doc);

// The row of a token is labelled "<model>/token <layers>x<GEMVs per token> g<G> kernel dtype
// storage". UsageError naming `label` and the JSON path when a field compare uses is missing.
ResultDocument parse_decode_document(const nlohmann::json& doc, const std::string& label);

}  // namespace qgemv::compare
