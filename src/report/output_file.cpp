#include "report/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "util/error.hpp"

namespace qgemv::report {
namespace {

std::filesystem::path folder_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

std::string reason(int error) { return std::strerror(error); }

// A fresh file beside `path` (mkstemp: O_CREAT | O_EXCL), closed and removed on every failure.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::filesystem::path& path) : name_(path.string() + ".XXXXXX.tmp") {
    fd_ = ::mkstemps(name_.data(), 4);
    if (fd_ < 0) throw WriteError(fmt::format("cannot create a file in {}: {}", folder_of(path).string(), reason(errno)));
    ::fchmod(fd_, 0644);  // mkstemp makes 0600; a result file is for everyone to read
  }
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!name_.empty()) ::unlink(name_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  // Writes everything, fsyncs and closes; returns the file's identity.
  std::pair<dev_t, ino_t> fill(const std::string& content, const std::filesystem::path& path) {
    for (std::size_t done = 0; done < content.size();) {
      const ssize_t wrote = ::write(fd_, content.data() + done, content.size() - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0) fail(path, errno);
      done += static_cast<std::size_t>(wrote);
    }
    if (::fsync(fd_) != 0) fail(path, errno);
    struct stat st{};
    if (::fstat(fd_, &st) != 0) fail(path, errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) fail(path, errno);
    return {st.st_dev, st.st_ino};
  }

  const std::string& name() const { return name_; }
  void placed() { name_.clear(); }  // renamed or linked into place: nothing to remove

 private:
  [[noreturn]] static void fail(const std::filesystem::path& path, int error) {
    throw WriteError(fmt::format("cannot write {}: {}", path.string(), reason(error)));
  }

  std::string name_;
  int fd_ = -1;
};

// rename() that fails with EEXIST instead of replacing whatever is at `to`.
int rename_no_replace(const char* from, const char* to) {
#if defined(__GLIBC__) && defined(RENAME_NOREPLACE)
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;  // a file system without the flag: link() below
#endif
  if (::link(from, to) != 0) return -1;
  ::unlink(from);
  return 0;
}

void sync_folder(const std::filesystem::path& path) {
  const int fd = ::open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the file is in place; a folder that cannot be opened cannot be synced either
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void check_output_path(const std::filesystem::path& path, bool replace, const std::string& flag) {
  const std::string what = fmt::format("{} {}", flag, path.string());
  if (path.empty()) throw UsageError(flag + ": must not be empty");
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      throw UsageError(what + ": not a regular file (only a regular file is ever replaced)");
    }
    if (!replace) throw UsageError(what + ": file exists (pass --force to replace it)");
  } else if (errno != ENOENT) {
    throw UsageError(fmt::format("{}: cannot access: {}", what, reason(errno)));
  }
  const auto folder = folder_of(path);
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    throw UsageError(fmt::format("{}: folder {} does not exist", what, folder.string()));
  }
  try {
    TemporaryFile probe(path);
    probe.fill(std::string(4096, '\n'), path);
  } catch (const WriteError& e) {
    throw UsageError(fmt::format("{}: the folder is not writable ({})", what, e.what()));
  }
}

OutputFile::OutputFile(std::filesystem::path path, bool replace) : path_(std::move(path)), replace_(replace) {}

void OutputFile::write(const std::string& content) {
  TemporaryFile temporary(path_);
  const auto identity = temporary.fill(content, path_);
  struct stat st{};
  const bool exists = ::lstat(path_.c_str(), &st) == 0;
  const bool ours = exists && written_ && *written_ == std::pair{st.st_dev, st.st_ino};
  if (exists && !S_ISREG(st.st_mode)) {
    throw WriteError(fmt::format("cannot write {}: not a regular file (only a regular file is ever replaced)",
                                 path_.string()));
  }
  if (ours || (exists && replace_)) {
    if (::rename(temporary.name().c_str(), path_.c_str()) != 0) {
      throw WriteError(fmt::format("cannot write {}: {}", path_.string(), reason(errno)));
    }
  } else if (rename_no_replace(temporary.name().c_str(), path_.c_str()) != 0) {
    const int error = errno;
    if (error == EEXIST) {
      throw WriteError(fmt::format("cannot write {}: a file this run did not write is there now (pass --force to "
                                   "replace it)", path_.string()));
    }
    throw WriteError(fmt::format("cannot write {}: {}", path_.string(), reason(error)));
  }
  temporary.placed();
  written_ = identity;
  sync_folder(path_);
}

std::filesystem::path write_fallback(const std::filesystem::path& wanted, const std::string& content) {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::filesystem::path folder = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  const auto fallback = folder / fmt::format("qgemv-bench.{}.{}", ::getpid(), wanted.filename().string());
  OutputFile(fallback, false).write(content);
  return fallback;
}

}  // namespace qgemv::report
