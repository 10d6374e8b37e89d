#pragma once
#include <filesystem>
#include <string>

namespace qgemv::report {

// UsageError when `path` exists and `force` is false, or its folder does not exist: checked
// before the sweep so a long run never ends unable to save.
void check_output_path(const std::filesystem::path& path, bool force);

// Writes to a temporary file beside `path`, then renames it over `path`, so a reader never sees
// a half-written document.
void write_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace qgemv::report
