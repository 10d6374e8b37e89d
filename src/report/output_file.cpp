#include "report/output_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "util/error.hpp"

namespace qgemv::report {

void check_output_path(const std::filesystem::path& path, bool force) {
  if (std::filesystem::exists(path) && !force) {
    throw UsageError(fmt::format("--out {}: file exists (pass --force to replace it)", path.string()));
  }
  const auto parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(parent)) {
    throw UsageError(fmt::format("--out {}: folder {} does not exist", path.string(), parent.string()));
  }
}

void write_atomically(const std::filesystem::path& path, const std::string& content) {
  auto temporary = path;
  temporary += fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", temporary.string()));
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace qgemv::report
