#pragma once
// Shapes files (docs/design.md, "Shapes files"): a name, description, default group size, optional layer count, and
// shapes {name, n, k[, count][, group_size][, scope]}; "n"/"k" may be arrays (cartesian product).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qgemv::config {

// Per-layer shapes run `layers` × `count` times per token, per-model shapes `count` times.
enum class Scope { layer, model };

struct Shape {
  std::string name;
  std::int64_t n = 0;
  std::int64_t k = 0;
  std::int64_t group_size = 0;
  std::int64_t count = 1;
  Scope scope = Scope::model;

  std::int64_t per_token(std::int64_t layers) const { return scope == Scope::layer ? count * layers : count; }
};

struct ShapesFile {
  std::string name;
  std::string description;
  std::string source;  // file path, or "builtin:<name>"
  std::int64_t group_size = 0;
  std::int64_t layers = 1;
  bool has_token_counts = false;  // any shape gave a count: the model view is meaningful
  std::vector<Shape> shapes;
};

// Parses and validates; every error is a UsageError "<source>: <json path>: <what>".
// group_size_override (from --group-size) replaces every group size before validation.
ShapesFile parse_shapes(std::string_view json_text, const std::string& source,
                        std::optional<std::int64_t> group_size_override = std::nullopt);

// `name_or_path` is an existing file path, or the name of a built-in file ("llama1b.json" or
// "llama1b"). A missing file that is not built in is a UsageError listing the built-in names.
ShapesFile load_shapes(const std::string& name_or_path,
                       std::optional<std::int64_t> group_size_override = std::nullopt);

std::vector<std::string> builtin_shapes_names();

}  // namespace qgemv::config
