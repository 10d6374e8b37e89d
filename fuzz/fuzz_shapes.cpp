// libFuzzer target: qgemv::config::parse_shapes on arbitrary text, with and without --group-size.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string_view>

#include "config/shapes.hpp"
#include "oracle.hpp"

namespace {

using qgemv::config::ShapesFile;
using qgemv::fuzz::check;

constexpr std::int64_t kMaxSize = std::numeric_limits<std::int32_t>::max();

bool valid_group_size(std::int64_t g) { return g > 0 && g <= kMaxSize && g % 32 == 0; }

// What parse_shapes promises of a file it accepts (docs/design.md, "Shapes files").
void check_accepted(const ShapesFile& file, std::optional<std::int64_t> group_size_override) {
  check(!file.name.empty(), "accepted an empty name");
  check(!file.shapes.empty(), "accepted no shapes");
  check(file.layers >= 1 && file.layers <= kMaxSize, "accepted a layer count out of range");
  check(valid_group_size(file.group_size), "accepted a bad file group size");
  std::set<std::string_view> names;
  for (const auto& shape : file.shapes) {
    check(!shape.name.empty(), "accepted an empty shape name");
    check(names.insert(shape.name).second, "accepted a repeated shape name");
    check(shape.n >= 1 && shape.n <= kMaxSize, "accepted n out of range");
    check(shape.k >= 1 && shape.k <= kMaxSize, "accepted k out of range");
    check(shape.count >= 1 && shape.count <= kMaxSize, "accepted count out of range");
    check(valid_group_size(shape.group_size), "accepted a bad shape group size");
    check(shape.k % shape.group_size == 0, "accepted k that is not a multiple of its group size");
    check(!group_size_override || shape.group_size == *group_size_override, "--group-size not applied");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // -32, 0, 32, 64 or 96: invalid overrides as well as valid ones.
  const std::int64_t override_value = 32 * static_cast<std::int64_t>(size % 5) - 32;
  for (const std::optional<std::int64_t> group_size : {std::optional<std::int64_t>(), std::optional(override_value)}) {
    std::optional<ShapesFile> file;
    if (qgemv::fuzz::accepts([&] { file = qgemv::config::parse_shapes(text, "fuzz.json", group_size); })) {
      check_accepted(*file, group_size);
    }
  }
  return 0;
}
