#pragma once
// The tuning file (--tune writes it, --tuning reads it): JSON, schema_version 1, one entry per
// (device, kernel, N, K, group size, dtype, storage) with the configuration that won.
#include <filesystem>
#include <string>
#include <string_view>

#include "bench/tuning.hpp"

namespace qgemv::report {

// UsageError "<source>: not a qgemv-bench tuning file (<why>)" on anything malformed.
bench::TuningTable parse_tuning_file(std::string_view text, const std::string& source);

// Read through the bounded reader: UsageError on an unreadable, oversized or malformed file.
bench::TuningTable load_tuning_file(const std::filesystem::path& path);

std::string tuning_file_text(const bench::TuningTable& table);

}  // namespace qgemv::report
