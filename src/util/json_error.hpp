#pragma once
// nlohmann's exceptions read "[json.exception.parse_error.101] parse error at ...": the bracketed
// tag means nothing to a user, so every message quoting one goes through here.
#include <string>

#include <nlohmann/json.hpp>

namespace qgemv {

inline std::string json_error_text(const nlohmann::json::exception& e) {
  std::string text = e.what();
  if (const auto end = text.find("] "); text.starts_with("[json.exception") && end != std::string::npos) {
    text.erase(0, end + 2);
  }
  return text;
}

}  // namespace qgemv
