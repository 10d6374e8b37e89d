#pragma once
// A Comparison as people (text, markdown for a CI summary) or programs (json) read it.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "compare/compare.hpp"

namespace qgemv::compare {

enum class Format { text, markdown, json };

std::optional<Format> parse_format(std::string_view text);

// The whole report, ending in a newline; its last line (or "exit_code" for json) says what the gate
// decided.
std::string render(const Comparison& comparison, Format format);

nlohmann::json to_json(const Comparison& comparison);

}  // namespace qgemv::compare
