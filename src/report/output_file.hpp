#pragma once
// The files a run writes (--out, its checkpoints, --tuning): only ever a regular file is
// replaced, a file the run did not create is never replaced without --force (even one that
// appears during the run), the data and the folder entry are fsynced, and a failed write leaves
// no temporary file behind.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace qgemv::report {

// A write that failed; the message names the path and the system's reason (errno text).
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Before the sweep, so a long run never ends unable to save. UsageError "<flag> <path>: ..." when
// the path is empty, exists and is not a regular file, exists and `replace` is false, or its
// folder is missing or not writable (a probe file is created, synced and removed).
void check_output_path(const std::filesystem::path& path, bool replace, const std::string& flag);

class OutputFile {
 public:
  // `replace`: --force (for --out) or a file meant to be updated (--tuning).
  OutputFile(std::filesystem::path path, bool replace);

  // Writes `content` completely or throws WriteError; the first write creates the file without
  // replacing anything unless `replace`, later writes replace only the file this object wrote.
  void write(const std::string& content);

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool replace_;
  std::optional<std::pair<dev_t, ino_t>> written_;  // the file this object put at path_
};

// Where a document goes when its own path cannot be written: a new file in $TMPDIR (or /tmp)
// named after the wanted one. Returns the path written; throws WriteError if that fails too.
std::filesystem::path write_fallback(const std::filesystem::path& wanted, const std::string& content);

}  // namespace qgemv::report
