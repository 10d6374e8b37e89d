// Inputs the fuzzers of fuzz/ (scripts/fuzz.sh) found escaping as something other than a UsageError,
// each replayed through the production path: bad input is a one-line UsageError (exit code 2).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "compare/result_document.hpp"
#include "util/error.hpp"

namespace qgemv::compare {
namespace {

// The message load_result_document rejects `text` with, read from a file as compare reads it.
std::string load_error(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("qgemv_fuzz_regression_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << text;
  std::string message = "(no UsageError)";
  try {
    load_result_document(path);
  } catch (const UsageError& e) {
    message = e.what();
  }
  std::filesystem::remove(path);
  return message;
}

// fuzz_result_document: a number beyond double's range made nlohmann throw out_of_range.406, which
// escaped load_result_document (it caught parse_error only). Found as "k": 251e9996 in a mutated
// baseline; this is that input cut down.
TEST(FuzzRegressions, ResultNumberBeyondDoubleIsUsageError) {
  const std::string text = R"({"schema_version": 1, "results": [{"shape": "tile", "k": 251e9996}]})";
  const std::string message = load_error(text);
  EXPECT_NE(message.find(": invalid JSON (number overflow parsing '251e9996')"), std::string::npos) << message;
  EXPECT_NE(load_error("-1e400").find(": invalid JSON (number overflow parsing '-1e400')"), std::string::npos);
}

// A hundred thousand levels of nesting: the result reader and the shapes parser refuse it before
// parsing (the shapes parser used to crash, exit 139, serializing the deep value into its message).
TEST(FuzzRegressions, NestingTooDeepIsUsageError) {
  EXPECT_NE(load_error(std::string(100000, '[')).find(": line 1, column 65: nested deeper than 64 levels"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"results": )" + std::string(100000, '{')).find("nested deeper than 64 levels"),
            std::string::npos);
}

}  // namespace
}  // namespace qgemv::compare
