#pragma once
// The one way a user's file (shapes, tuning, result document) is read: bounded in size, so
// `--shapes /dev/zero` is refused instead of filling memory, and bounded in JSON nesting, so a
// file nested a hundred thousand levels deep is refused before anything walks it recursively.
#include <cstddef>
#include <string>
#include <string_view>

namespace qgemv {

inline constexpr std::size_t kMaxInputFileBytes = std::size_t{64} << 20;  // 64 MiB
inline constexpr std::size_t kMaxJsonDepth = 64;

// The whole file; UsageError "<path>: cannot read file: <errno text>" or "<path>: larger than
// 64 MiB ...". `what` names the kind of file in the size message ("shapes file").
std::string read_input_file(const std::string& path, std::string_view what);

// UsageError "<source>: line L, column C: nested deeper than 64 levels" when arrays and objects
// nest deeper than kMaxJsonDepth (brackets inside strings do not count).
void check_json_depth(std::string_view text, const std::string& source);

// "line L, column C" of the byte before `byte` (nlohmann's offset); columns count characters.
std::string line_and_column(std::string_view text, std::size_t byte);

}  // namespace qgemv
