#pragma once
// Tables generated at build time by cmake/embed_files.cmake.
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace qgemv::embedded {

using Table = std::vector<std::pair<std::string_view, std::span<const unsigned char>>>;

// SPIR-V modules keyed by variant name, e.g. "coop.fp32.bb".
const Table& spirv_modules();
// Kernel declarations from shaders/*.kernel.json, keyed by kernel name.
const Table& kernel_declarations();
// Shapes files from configs/, keyed by file name, e.g. "llama1b.json".
const Table& shapes_files();

}  // namespace qgemv::embedded
