#pragma once
// NumPy .npy (format version 1.0) writer for --dump; little-endian, C order.
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace qgemv::report {

void write_npy(const std::filesystem::path& path, std::span<const std::uint8_t> data,
               const std::vector<std::int64_t>& shape);
void write_npy(const std::filesystem::path& path, std::span<const float> data,
               const std::vector<std::int64_t>& shape);
void write_npy(const std::filesystem::path& path, std::span<const double> data,
               const std::vector<std::int64_t>& shape);

}  // namespace qgemv::report
