#pragma once
// Error categories map one-to-one onto the process exit codes (docs/failures.md), so the single
// catch site in main() can pick the code without inspecting messages.
#include <stdexcept>
#include <string>
#include <string_view>

namespace qgemv {

// Bad usage: malformed shapes file, unknown option value, out-of-range device. Exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The machine cannot run Vulkan at all (no loader, no device). Exit code 2.
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A single case cannot run on this device (too large, missing feature): it is skipped, not failed.
class UnsupportedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Errors are one line even when they quote a user's value that holds a line break, and
// a value holding ESC or another control character is never sent raw to the user's terminal.
inline std::string one_line(std::string_view message) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (byte < 0x20 || byte == 0x7f) out.append("\\x").append(1, kHex[byte >> 4]).append(1, kHex[byte & 15]);
    else out += c;
  }
  return out;
}

}  // namespace qgemv
