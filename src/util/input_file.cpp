#include "util/input_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace qgemv {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void cannot_read(const std::string& path, int error) {
  throw UsageError(path + ": cannot read file: " + std::strerror(error));
}

}  // namespace

std::string read_input_file(const std::string& path, std::string_view what) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) cannot_read(path, errno);
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      cannot_read(path, errno);  // a folder opens for reading on Linux and fails here, EISDIR
    }
    // Checked before appending: a device that never ends (/dev/zero) stops at the limit.
    if (text.size() + static_cast<std::size_t>(got) > kMaxInputFileBytes) {
      throw UsageError(path + ": larger than " + std::to_string(kMaxInputFileBytes >> 20) + " MiB (not a " +
                       std::string(what) + "?)");
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

void check_json_depth(std::string_view text, const std::string& source) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        throw UsageError(source + ": " + line_and_column(text, i + 1) + ": nested deeper than " +
                         std::to_string(kMaxJsonDepth) + " levels");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

std::string line_and_column(std::string_view text, std::size_t byte) {
  const std::string_view before = text.substr(0, std::min(byte == 0 ? 0 : byte - 1, text.size()));
  const std::size_t newline = before.rfind('\n');
  const std::string_view line = newline == std::string_view::npos ? before : before.substr(newline + 1);
  const auto is_char_start = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  return "line " + std::to_string(1 + std::count(before.begin(), before.end(), '\n')) + ", column " +
         std::to_string(1 + std::count_if(line.begin(), line.end(), is_char_start));
}

}  // namespace qgemv
