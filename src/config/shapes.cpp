#include "config/shapes.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <span>

#include <nlohmann/json.hpp>

#include "util/embedded.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/json_error.hpp"
#include "util/suggest.hpp"

namespace qgemv::config {
namespace {

using nlohmann::json;

constexpr std::int64_t kDefaultGroupSize = 128;
// Sizes feed 32-bit shader indices and push constants; the cap also keeps n * k far from overflow.
constexpr std::int64_t kMaxValue = std::numeric_limits<std::int32_t>::max();

constexpr std::string_view kFileKeys[] = {"name", "description", "group_size", "layers", "shapes"};
constexpr std::string_view kFileRequired[] = {"name", "shapes"};
constexpr std::string_view kShapeKeys[] = {"name", "n", "k", "count", "group_size", "scope"};
constexpr std::string_view kShapeRequired[] = {"name", "n", "k"};

// A whole range array or a long string must not flood the one-line error, and a value nested
// deep must not be walked recursively: containers are shown to two levels, then "...".
void append_bounded(const json& value, int levels, std::string& out) {
  if (!value.is_structured()) {
    out += value.dump();
  } else if (levels == 0 || value.empty()) {
    out += value.is_array() ? (value.empty() ? "[]" : "[...]") : (value.empty() ? "{}" : "{...}");
  } else {
    out += value.is_array() ? '[' : '{';
    bool first = true;
    for (const auto& [key, element] : value.items()) {
      if (!std::exchange(first, false)) out += ',';
      if (out.size() > 64) {
        out += "...";
        break;
      }
      if (value.is_object()) out += json(key).dump() + ":";
      append_bounded(element, levels - 1, out);
    }
    out += value.is_array() ? ']' : '}';
  }
}

std::string got(const json& value) {
  constexpr std::size_t kMax = 40;
  std::string text;
  append_bounded(value, 2, text);
  if (text.size() > kMax) {
    std::size_t cut = kMax - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    text = text.substr(0, cut) + "...";
  }
  return " (got " + text + ")";
}

// Shape names become folder names (--dump) and table cells, so they are kept to characters that
// are safe in both: no path separator, no "..", no control character.
constexpr std::size_t kMaxShapeName = 64;
bool safe_shape_name(std::string_view name) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == '+';
  };
  const bool starts_well = !name.empty() && allowed(name[0]) && name[0] != '.' && name[0] != '-';
  return starts_well && name.size() <= kMaxShapeName && std::all_of(name.begin(), name.end(), allowed);
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

std::string json_quoted(std::string_view text) { return json(text).dump(); }

std::string index_path(const std::string& base, std::size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

// nlohmann keeps the last of two equal keys silently; a file that says "n" twice is almost
// certainly a mistake, so the parse callback tracks the JSON path and rejects the duplicate.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const std::string& source) : source_(source) {}

  bool on_event(json::parse_event_t event, const json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start: frames_.push_back({true, {}, {}, 0}); break;
      case E::array_start: frames_.push_back({false, {}, {}, 0}); break;
      case E::key: add_key(parsed.get<std::string>()); break;
      case E::object_end:
      case E::array_end: frames_.pop_back(); element_done(); break;
      case E::value: element_done(); break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;    // objects: the key whose value is being parsed
    std::size_t index;  // arrays: elements completed so far
  };

  void element_done() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }

  void add_key(const std::string& key) {
    Frame& top = frames_.back();
    if (!top.keys.insert(key).second) {
      throw UsageError(source_ + ": " + path_to_top() + ": duplicate key " + json_quoted(key));
    }
    top.key = key;
  }

  std::string path_to_top() const {
    std::string path = "$";
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      path = frames_[i].object ? path + "." + frames_[i].key : index_path(path, frames_[i].index);
    }
    return path;
  }

  const std::string& source_;
  std::vector<Frame> frames_;
};

// A group size remembers where it came from so a K that does not fit can name the culprit.
struct GroupSize {
  std::int64_t value;
  std::string origin;
};

// File-level settings every shape entry inherits.
struct Defaults {
  GroupSize group_size;
  bool has_layers;  // per-layer is then the natural default scope
};

struct Sizes {
  std::vector<std::int64_t> values;
  bool is_range;
};

class Parser {
 public:
  Parser(const std::string& source, std::optional<std::int64_t> group_size_override)
      : source_(source), override_(group_size_override) {}

  ShapesFile parse(std::string_view text) const {
    const json root = parse_json(text);
    check_object(root, "$", kFileKeys, kFileRequired);
    ShapesFile file;
    file.source = source_;
    file.name = read_name(root["name"], "$.name");
    if (root.contains("description")) file.description = read_string(root["description"], "$.description");
    if (has_control_character(file.description)) fail("$.description", "must not hold control characters");
    const GroupSize group_size = file_group_size(root);
    file.group_size = group_size.value;
    if (root.contains("layers")) file.layers = read_positive(root["layers"], "$.layers");
    file.has_token_counts = root.contains("layers");
    read_shapes(root["shapes"], {group_size, root.contains("layers")}, file);
    return file;
  }

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw UsageError(source_ + ": " + path + ": " + what);
  }

  json parse_json(std::string_view text) const {
    // nlohmann would call this "unexpected end of input" at line 1, which hides the real mistake.
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      throw UsageError(source_ + ": empty file (expected a JSON object with \"name\" and \"shapes\")");
    }
    check_json_depth(text, source_);
    DuplicateKeyCheck check(source_);
    try {
      return json::parse(text, [&check](int, json::parse_event_t event, json& parsed) {
        return check.on_event(event, parsed);
      });
    } catch (const json::parse_error& e) {
      throw UsageError(source_ + ": " + line_and_column(text, e.byte) + ": invalid JSON: " + reason(e));
    } catch (const json::exception& e) {  // a number beyond double's range (1e400) is out_of_range
      throw UsageError(source_ + ": invalid JSON: " + reason(e));
    }
  }

  // Drops nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 5: " boilerplate;
  // its column counts bytes, ours characters.
  static std::string reason(const json::exception& e) {
    std::string text = json_error_text(e);
    if (const auto end = text.find(": "); text.starts_with("parse error") && end != std::string::npos) {
      text.erase(0, end + 2);
    }
    return text;
  }

  void check_object(const json& value, const std::string& path, std::span<const std::string_view> allowed,
                    std::span<const std::string_view> required) const {
    if (!value.is_object()) fail(path, "must be an object" + got(value));
    for (const auto& [key, unused] : value.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(path, "unknown key " + json_quoted(key) + suggestion(key, allowed));
      }
    }
    for (std::string_view key : required) {
      if (!value.contains(key)) fail(path, "missing required key " + json_quoted(key));
    }
  }

  std::string read_string(const json& value, const std::string& path) const {
    if (!value.is_string()) fail(path, "must be a string" + got(value));
    return value.get<std::string>();
  }

  std::string read_name(const json& value, const std::string& path) const {
    std::string name = read_string(value, path);
    if (name.empty()) fail(path, "must not be empty");
    if (has_control_character(name)) fail(path, "must not hold control characters" + got(value));
    return name;
  }

  std::string read_shape_name(const json& value, const std::string& path) const {
    std::string name = read_name(value, path);
    if (!safe_shape_name(name)) {
      fail(path, "must be up to " + std::to_string(kMaxShapeName) +
                     " letters, digits and . _ - +, starting with a letter or digit" + got(value));
    }
    return name;
  }

  std::int64_t read_positive(const json& value, const std::string& path) const {
    const std::string what = "must be a positive integer";
    const std::string too_large = "must be at most " + std::to_string(kMaxValue);
    if (value.is_number_float()) reject_float(value, path, what, too_large);
    if (!value.is_number_integer()) fail(path, what + got(value));
    // nlohmann keeps every integer without a minus sign as unsigned; past uint64 it is a float (above).
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxValue)) {
      fail(path, too_large + got(value));
    }
    const auto number = value.get<std::int64_t>();
    if (number <= 0) fail(path, what + got(value));
    return number;
  }

  // A size written 2048.0 or 2e3 is refused rather than truncated: the file should say what it means.
  [[noreturn]] void reject_float(const json& value, const std::string& path, const std::string& what,
                                 const std::string& too_large) const {
    const double number = value.get<double>();
    if (number > static_cast<double>(kMaxValue)) fail(path, too_large + got(value));
    if (number <= 0) fail(path, what + got(value));
    if (number != std::floor(number)) fail(path, "must be a whole number" + got(value));
    fail(path, "must be written as an integer, without a decimal point or exponent" + got(value));
  }

  Sizes read_sizes(const json& value, const std::string& path) const {
    if (!value.is_array()) {
      if (!value.is_number()) {
        fail(path, "must be a positive integer or an array of them" + got(value));
      }
      return {{read_positive(value, path)}, false};
    }
    if (value.empty()) fail(path, "must not be an empty array");
    Sizes sizes{{}, true};
    for (std::size_t i = 0; i < value.size(); ++i) {
      sizes.values.push_back(read_positive(value[i], index_path(path, i)));
    }
    return sizes;
  }

  void check_group_size(const GroupSize& group_size) const {
    if (group_size.value % 32 != 0) {
      fail(group_size.origin, "must be a multiple of 32" + got(group_size.value));
    }
  }

  // The override wins over every group size in the file, but a malformed value is still an error.
  GroupSize resolve_group_size(const json& holder, const std::string& path, GroupSize fallback) const {
    GroupSize group_size = fallback;
    if (holder.contains("group_size")) group_size = {read_positive(holder["group_size"], path), path};
    if (override_) group_size = {*override_, "--group-size"};
    check_group_size(group_size);
    return group_size;
  }

  GroupSize file_group_size(const json& root) const {
    if (override_ && (*override_ <= 0 || *override_ > kMaxValue || *override_ % 32 != 0)) {
      throw UsageError("--group-size: must be a positive multiple of 32" + got(*override_));
    }
    return resolve_group_size(root, "$.group_size", {kDefaultGroupSize, "the default"});
  }

  void check_k(std::int64_t k, const std::string& path, const GroupSize& group_size) const {
    const std::string group =
        "the group size, " + std::to_string(group_size.value) + " from " + group_size.origin;
    if (k < group_size.value) fail(path, "must be at least " + group + got(k));
    if (k % group_size.value != 0) fail(path, "must be a multiple of " + group + got(k));
  }

  Scope read_scope(const json& shape, const std::string& path, bool file_has_layers) const {
    if (!shape.contains("scope")) return file_has_layers ? Scope::layer : Scope::model;
    const std::string scope = read_string(shape["scope"], path + ".scope");
    if (scope == "layer") return Scope::layer;
    if (scope == "model") return Scope::model;
    fail(path + ".scope", "must be \"layer\" or \"model\"" + got(shape["scope"]));
  }

  void read_shapes(const json& shapes, const Defaults& defaults, ShapesFile& file) const {
    if (!shapes.is_array()) fail("$.shapes", "must be an array" + got(shapes));
    if (shapes.empty()) fail("$.shapes", "must not be empty");
    std::map<std::string, std::string> seen;  // expanded name -> path of the entry that made it
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      const std::string path = index_path("$.shapes", i);
      for (Shape& shape : read_shape(shapes[i], path, defaults, file)) {
        const auto [it, fresh] = seen.emplace(shape.name, path);
        if (!fresh) {
          fail(path + ".name",
               "duplicate shape name " + json_quoted(shape.name) + " (first in " + it->second + ")");
        }
        file.shapes.push_back(std::move(shape));
      }
    }
  }

  std::vector<Shape> read_shape(const json& entry, const std::string& path, const Defaults& defaults,
                                ShapesFile& file) const {
    check_object(entry, path, kShapeKeys, kShapeRequired);
    Shape base;
    base.name = read_shape_name(entry["name"], path + ".name");
    const Sizes ns = read_sizes(entry["n"], path + ".n");
    const Sizes ks = read_sizes(entry["k"], path + ".k");
    if (entry.contains("count")) {
      base.count = read_positive(entry["count"], path + ".count");
      file.has_token_counts = true;
    }
    const GroupSize group_size = resolve_group_size(entry, path + ".group_size", defaults.group_size);
    base.group_size = group_size.value;
    base.scope = read_scope(entry, path, defaults.has_layers);
    return expand(base, ns, ks, path, group_size);
  }

  std::vector<Shape> expand(const Shape& base, const Sizes& ns, const Sizes& ks, const std::string& path,
                            const GroupSize& group_size) const {
    for (std::size_t j = 0; j < ks.values.size(); ++j) {
      check_k(ks.values[j], ks.is_range ? index_path(path + ".k", j) : path + ".k", group_size);
    }
    const bool range = ns.is_range || ks.is_range;
    std::vector<Shape> shapes;
    for (std::int64_t n : ns.values) {
      for (std::int64_t k : ks.values) {
        Shape shape = base;
        shape.n = n;
        shape.k = k;
        // Appended piecewise: GCC 12 warns falsely (-Wrestrict) about "_" + std::string.
        if (range) shape.name.append("_").append(std::to_string(n)).append("x").append(std::to_string(k));
        shapes.push_back(std::move(shape));
      }
    }
    return shapes;
  }

  const std::string& source_;
  std::optional<std::int64_t> override_;
};

const embedded::Table::value_type* find_builtin(const std::string& name) {
  for (const auto& entry : embedded::shapes_files()) {
    if (entry.first == name || entry.first == name + ".json") return &entry;
  }
  return nullptr;
}

}  // namespace

ShapesFile parse_shapes(std::string_view json_text, const std::string& source,
                        std::optional<std::int64_t> group_size_override) {
  return Parser(source, group_size_override).parse(json_text);
}

ShapesFile load_shapes(const std::string& name_or_path, std::optional<std::int64_t> group_size_override) {
  std::error_code error;
  const bool exists = std::filesystem::exists(name_or_path, error);
  // Only "not there" may fall through to the built-ins; any other failure is about the path itself.
  if (error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory) {
    throw UsageError(name_or_path + ": cannot access: " + error.message());
  }
  if (exists) return parse_shapes(read_input_file(name_or_path, "shapes file"), name_or_path, group_size_override);
  if (const auto* builtin = find_builtin(name_or_path)) {
    const auto bytes = builtin->second;
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return parse_shapes(text, "builtin:" + std::string(builtin->first), group_size_override);
  }
  // Compared without ".json", which would make "nope.json" look like a typo of "smoke.json".
  std::vector<std::string> stems = builtin_shapes_names();
  for (std::string& stem : stems) stem = std::filesystem::path(stem).stem().string();
  const std::vector<std::string_view> names(stems.begin(), stems.end());
  const std::string wanted = std::filesystem::path(name_or_path).extension() == ".json"
                                 ? std::filesystem::path(name_or_path).stem().string()
                                 : name_or_path;
  throw UsageError(name_or_path + ": no such file and no built-in shapes file of that name" +
                   suggestion(wanted, names, "built in"));
}

std::vector<std::string> builtin_shapes_names() {
  std::vector<std::string> names;
  for (const auto& entry : embedded::shapes_files()) names.emplace_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace qgemv::config
