#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config/shapes.hpp"
#include "util/error.hpp"

namespace qgemv::config {
namespace {

namespace fs = std::filesystem;

const fs::path kConfigDir = fs::path(QGEMV_SOURCE_DIR) / "configs";

ShapesFile parse_disk(const std::string& file_name) {
  const fs::path path = kConfigDir / file_name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_shapes(text, path.string());
}

std::int64_t weights_per_token(const ShapesFile& file) {
  std::int64_t total = 0;
  for (const Shape& shape : file.shapes) total += shape.n * shape.k * shape.per_token(file.layers);
  return total;
}

std::vector<std::string> names_of(const ShapesFile& file) {
  std::vector<std::string> names;
  for (const Shape& shape : file.shapes) names.push_back(shape.name);
  return names;
}

// The message of the UsageError that parsing `text` as "bad.json" throws; "" (and a failure) if none.
std::string parse_error(const std::string& text, std::optional<std::int64_t> group_size = std::nullopt) {
  try {
    parse_shapes(text, "bad.json", group_size);
  } catch (const UsageError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a UsageError: " << e.what();
    return "";
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

// Every error must be one line that starts with "<source>: <json path>: " and says what is wrong.
void expect_error(const std::string& text, const std::string& path, const std::string& what) {
  const std::string message = parse_error(text);
  const std::string prefix = "bad.json: " + path + ": ";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

// A valid one-shape file with `shape` as the body of the only shape, for single-key mistakes.
std::string one_shape(const std::string& shape, const std::string& top = "") {
  return R"({"name": "t", )" + top + R"("shapes": [{"name": "a", )" + shape + "}]}";
}

std::string two_shapes(const std::string& second) {
  return R"({"name": "t", "shapes": [{"name": "a", "n": 8, "k": 128}, {)" + second + "}]}";
}

fs::path temp_path(const std::string& stem) {
  return fs::temp_directory_path() / ("qgemv_shapes_" + stem + "_" + std::to_string(::getpid()) + ".json");
}

// --- shipped files ------------------------------------------------------------------------------

TEST(ShapesShipped, EveryFileInConfigsParses) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(kConfigDir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string file_name = entry.path().filename().string();
    found.push_back(file_name);
    const ShapesFile file = parse_disk(file_name);
    EXPECT_EQ(file.name, entry.path().stem().string()) << file_name;
    EXPECT_FALSE(file.description.empty()) << file_name;
    EXPECT_FALSE(file.shapes.empty()) << file_name;
    EXPECT_EQ(file.source, (kConfigDir / file_name).string());
  }
  std::sort(found.begin(), found.end());
  const std::vector<std::string> expected = {"large.json",      "llama1b.json", "llama3b.json",
                                             "llama8b.json",    "qwen3-0.6b.json", "smoke.json"};
  for (const std::string& name : expected) {
    EXPECT_TRUE(std::binary_search(found.begin(), found.end(), name)) << name;
  }
}

TEST(ShapesShipped, Llama1bHasTheEightLlama32Shapes) {
  const ShapesFile file = parse_disk("llama1b.json");
  EXPECT_EQ(file.layers, 16);
  EXPECT_EQ(file.group_size, 128);
  EXPECT_TRUE(file.has_token_counts);
  struct Want {
    std::string name;
    std::int64_t n, k, per_token;
    Scope scope;
  };
  const std::vector<Want> want = {
      {"q", 2048, 2048, 16, Scope::layer},     {"k", 512, 2048, 16, Scope::layer},
      {"v", 512, 2048, 16, Scope::layer},      {"o", 2048, 2048, 16, Scope::layer},
      {"gate", 8192, 2048, 16, Scope::layer},  {"up", 8192, 2048, 16, Scope::layer},
      {"down", 2048, 8192, 16, Scope::layer},  {"lm_head", 128256, 2048, 1, Scope::model},
  };
  ASSERT_EQ(file.shapes.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const Shape& shape = file.shapes[i];
    EXPECT_EQ(shape.name, want[i].name);
    EXPECT_EQ(shape.n, want[i].n) << shape.name;
    EXPECT_EQ(shape.k, want[i].k) << shape.name;
    EXPECT_EQ(shape.count, 1) << shape.name;
    EXPECT_EQ(shape.group_size, 128) << shape.name;
    EXPECT_EQ(shape.scope, want[i].scope) << shape.name;
    EXPECT_EQ(shape.per_token(file.layers), want[i].per_token) << shape.name;
  }
  // 16 layers x 60,817,408 + lm_head 262,668,288: Llama 3.2 1B's 1.24 B parameters, less the norms.
  EXPECT_EQ(weights_per_token(file), 1'235'746'816);
}

TEST(ShapesShipped, ModelFilesMatchTheirPublishedParameterCounts) {
  // Linear weights read per token: layers x (q + k + v + o + gate + up + down) + lm_head.
  const std::map<std::string, std::pair<std::int64_t, std::int64_t>> want = {
      {"llama3b.json", {28, 3'212'574'720}},
      {"llama8b.json", {32, 7'504'658'432}},
      {"qwen3-0.6b.json", {28, 595'984'384}},
  };
  const std::vector<std::string> names = {"q", "k", "v", "o", "gate", "up", "down", "lm_head"};
  for (const auto& [file_name, layers_and_total] : want) {
    const ShapesFile file = parse_disk(file_name);
    EXPECT_EQ(names_of(file), names) << file_name;
    EXPECT_EQ(file.layers, layers_and_total.first) << file_name;
    EXPECT_EQ(weights_per_token(file), layers_and_total.second) << file_name;
    EXPECT_EQ(file.shapes.back().scope, Scope::model) << file_name;
    EXPECT_EQ(file.shapes.front().scope, Scope::layer) << file_name;
  }
}

TEST(ShapesShipped, SmokeIsTinyAndCoversTheEdgeCases) {
  const ShapesFile file = parse_disk("smoke.json");
  EXPECT_FALSE(file.has_token_counts);
  bool odd_n = false, k_equals_g = false;
  for (const Shape& shape : file.shapes) {
    EXPECT_LE(shape.n * shape.k, 1 << 20) << shape.name;
    // Every K divides by 256 so the CI can run smoke.json under any --group-size.
    EXPECT_EQ(shape.k % 256, 0) << shape.name;
    odd_n = odd_n || shape.n % 8 != 0;
    k_equals_g = k_equals_g || shape.k == shape.group_size;
  }
  EXPECT_TRUE(odd_n);
  EXPECT_TRUE(k_equals_g);
  EXPECT_NO_THROW(parse_shapes(R"({"name": "x", "shapes": [{"name": "a", "n": 1, "k": 256}]})", "x", 256));
}

TEST(ShapesShipped, LargeIsDramBoundWithoutTokenCounts) {
  const ShapesFile file = parse_disk("large.json");
  EXPECT_FALSE(file.has_token_counts);
  ASSERT_EQ(file.shapes.size(), 3u);
  EXPECT_EQ(file.shapes[0].n * file.shapes[0].k, 128256 * 2048);
  EXPECT_EQ(file.shapes[1].n * file.shapes[1].k, std::int64_t{28672} * 8192);
  EXPECT_EQ(file.shapes[2].n * file.shapes[2].k, std::int64_t{128256} * 4096);
}

// --- parsing ------------------------------------------------------------------------------------

TEST(ShapesParse, DefaultsForAMinimalFile) {
  const ShapesFile file =
      parse_shapes(R"({"name": "m", "shapes": [{"name": "a", "n": 8, "k": 256}]})", "m.json");
  EXPECT_EQ(file.name, "m");
  EXPECT_EQ(file.description, "");
  EXPECT_EQ(file.source, "m.json");
  EXPECT_EQ(file.group_size, 128);
  EXPECT_EQ(file.layers, 1);
  EXPECT_FALSE(file.has_token_counts);
  ASSERT_EQ(file.shapes.size(), 1u);
  const Shape& shape = file.shapes[0];
  EXPECT_EQ(shape.name, "a");
  EXPECT_EQ(shape.n, 8);
  EXPECT_EQ(shape.k, 256);
  EXPECT_EQ(shape.group_size, 128);
  EXPECT_EQ(shape.count, 1);
  EXPECT_EQ(shape.scope, Scope::model);
}

TEST(ShapesParse, ScopeDefaultsToLayerWhenTheFileGivesLayers) {
  const ShapesFile file = parse_shapes(
      R"({"name": "m", "layers": 4, "group_size": 32, "shapes": [
            {"name": "a", "n": 8, "k": 64, "count": 3},
            {"name": "b", "n": 8, "k": 64, "count": 2, "scope": "model"}]})",
      "m.json");
  EXPECT_TRUE(file.has_token_counts);
  EXPECT_EQ(file.layers, 4);
  ASSERT_EQ(file.shapes.size(), 2u);
  EXPECT_EQ(file.shapes[0].scope, Scope::layer);
  EXPECT_EQ(file.shapes[0].per_token(file.layers), 12);
  EXPECT_EQ(file.shapes[1].scope, Scope::model);
  EXPECT_EQ(file.shapes[1].per_token(file.layers), 2);
}

TEST(ShapesParse, ACountAloneGivesTokenCounts) {
  const ShapesFile file = parse_shapes(one_shape(R"("n": 8, "k": 128, "count": 5)"), "m.json");
  EXPECT_TRUE(file.has_token_counts);
  EXPECT_EQ(file.shapes[0].scope, Scope::model);
  EXPECT_EQ(file.shapes[0].per_token(file.layers), 5);
}

TEST(ShapesParse, ShapeGroupSizeOverridesTheFileDefault) {
  const ShapesFile file = parse_shapes(
      R"({"name": "m", "group_size": 64, "shapes": [{"name": "a", "n": 8, "k": 64},
            {"name": "b", "n": 8, "k": 256, "group_size": 256}]})",
      "m.json");
  EXPECT_EQ(file.group_size, 64);
  EXPECT_EQ(file.shapes[0].group_size, 64);
  EXPECT_EQ(file.shapes[1].group_size, 256);
}

TEST(ShapesParse, RangesExpandAsACartesianProduct) {
  const ShapesFile file = parse_shapes(
      one_shape(R"("n": [1, 100], "k": [128, 256, 384], "count": 2, "group_size": 128)"), "m.json");
  const std::vector<std::string> want = {"a_1x128",   "a_1x256",   "a_1x384",
                                         "a_100x128", "a_100x256", "a_100x384"};
  EXPECT_EQ(names_of(file), want);
  ASSERT_EQ(file.shapes.size(), 6u);
  EXPECT_EQ(file.shapes[4].n, 100);
  EXPECT_EQ(file.shapes[4].k, 256);
  for (const Shape& shape : file.shapes) {
    EXPECT_EQ(shape.count, 2);
    EXPECT_EQ(shape.group_size, 128);
  }
}

TEST(ShapesParse, ARangeOnOneAxisStillNamesBoth) {
  const ShapesFile file = parse_shapes(one_shape(R"("n": [512, 1024], "k": 2048)"), "m.json");
  EXPECT_EQ(names_of(file), (std::vector<std::string>{"a_512x2048", "a_1024x2048"}));
  const ShapesFile single = parse_shapes(one_shape(R"("n": [512], "k": 2048)"), "m.json");
  EXPECT_EQ(names_of(single), std::vector<std::string>{"a_512x2048"});
}

TEST(ShapesParse, GroupSizeOverrideReplacesEveryGroupSize) {
  // 48 in the file is not a multiple of 32, but the override replaces it before validation.
  const std::string text = R"({"name": "m", "group_size": 48, "shapes": [{"name": "a", "n": 8, "k": 256},
      {"name": "b", "n": 8, "k": 512, "group_size": 512}]})";
  const ShapesFile file = parse_shapes(text, "m.json", 256);
  EXPECT_EQ(file.group_size, 256);
  EXPECT_EQ(file.shapes[0].group_size, 256);
  EXPECT_EQ(file.shapes[1].group_size, 256);
}

TEST(ShapesParse, GroupSizeOverrideThatDoesNotFitKIsBlamed) {
  const std::string message = parse_error(one_shape(R"("n": 8, "k": 128)"), 256);
  EXPECT_EQ(message,
            "bad.json: $.shapes[0].k: must be at least the group size, 256 from --group-size (got 128)");
  const std::string not_multiple = parse_error(one_shape(R"("n": 8, "k": 384)"), 256);
  EXPECT_EQ(not_multiple,
            "bad.json: $.shapes[0].k: must be a multiple of the group size, 256 from --group-size (got 384)");
}

TEST(ShapesParse, InvalidGroupSizeOverride) {
  EXPECT_EQ(parse_error(one_shape(R"("n": 8, "k": 128)"), 48),
            "--group-size: must be a positive multiple of 32 (got 48)");
  EXPECT_EQ(parse_error(one_shape(R"("n": 8, "k": 128)"), 0),
            "--group-size: must be a positive multiple of 32 (got 0)");
}

// --- bad input: syntax --------------------------------------------------------------------------

TEST(ShapesBadInput, InvalidJsonNamesLineAndColumn) {
  EXPECT_EQ(parse_error("{\"name\": \"x\",,}"),
            "bad.json: line 1, column 14: invalid JSON: syntax error while parsing object key - unexpected ','; "
            "expected string literal");
  // Lines count from 1; the column counts characters, so "é" (two bytes) moves it by one.
  EXPECT_EQ(parse_error("{\"name\": \"x\",\n\"shapes\": [\n {\"name\": \"\u00e9\" \"n\": 8}]}"),
            "bad.json: line 3, column 17: invalid JSON: syntax error while parsing object - unexpected string "
            "literal; expected '}'");
  EXPECT_EQ(parse_error("{\"name\": \"x\", \"shapes\": [\n"),
            "bad.json: line 2, column 1: invalid JSON: syntax error while parsing value - unexpected end of "
            "input; expected '[', '{', or a literal");
}

TEST(ShapesBadInput, EmptyInput) {
  const std::string expected = R"(bad.json: empty file (expected a JSON object with "name" and "shapes"))";
  EXPECT_EQ(parse_error(""), expected);
  EXPECT_EQ(parse_error(" \n\t\r\n"), expected);
}

TEST(ShapesBadInput, NumberBeyondDoubleRange) {
  EXPECT_EQ(parse_error(one_shape(R"("n": 1e400, "k": 128)")),
            "bad.json: invalid JSON: number overflow parsing '1e400'");
}

TEST(ShapesBadInput, DuplicateJsonKeys) {
  expect_error(R"({"name": "a", "name": "b", "shapes": []})", "$", "duplicate key \"name\"");
  // The path survives a preceding range array, whose elements must not shift the shape index.
  expect_error(two_shapes(R"("name": "b", "n": [1, 2], "k": 128, "k": 256)"), "$.shapes[1]",
               "duplicate key \"k\"");
}

// --- bad input: structure -----------------------------------------------------------------------

TEST(ShapesBadInput, TopLevelNotAnObject) {
  EXPECT_EQ(parse_error("[1, 2]"), "bad.json: $: must be an object (got [1,2])");
  EXPECT_EQ(parse_error("42"), "bad.json: $: must be an object (got 42)");
  EXPECT_EQ(parse_error(R"("shapes")"), R"(bad.json: $: must be an object (got "shapes"))");
}

TEST(ShapesBadInput, UnknownTopLevelKeySuggestsTheNearest) {
  EXPECT_EQ(parse_error(R"({"name": "a", "layer": 16, "shapes": []})"),
            R"(bad.json: $: unknown key "layer" (did you mean "layers"?))");
  expect_error(R"({"name": "a", "model": "x", "shapes": []})", "$",
               "unknown key \"model\" (allowed: name, description, group_size, layers, shapes)");
}

TEST(ShapesBadInput, UnknownShapeKeySuggestsTheNearest) {
  EXPECT_EQ(parse_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "grup_size": 128)")),
            R"(bad.json: $.shapes[1]: unknown key "grup_size" (did you mean "group_size"?))");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "Count": 2)"), "$.shapes[1]",
               R"(unknown key "Count" (did you mean "count"?))");
  // A one-letter slip of a one-letter key is as likely another name: list them all.
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "m": 1)"), "$.shapes[1]",
               "unknown key \"m\" (allowed: name, n, k, count, group_size, scope)");
}

TEST(ShapesBadInput, MissingTopLevelKeys) {
  expect_error(R"({"shapes": [{"name": "a", "n": 8, "k": 128}]})", "$", "missing required key \"name\"");
  expect_error(R"({"name": "a"})", "$", "missing required key \"shapes\"");
}

TEST(ShapesBadInput, MissingShapeKeys) {
  expect_error(two_shapes(R"("n": 8, "k": 128)"), "$.shapes[1]", "missing required key \"name\"");
  expect_error(two_shapes(R"("name": "b", "k": 128)"), "$.shapes[1]", "missing required key \"n\"");
  expect_error(two_shapes(R"("name": "b", "n": 8)"), "$.shapes[1]", "missing required key \"k\"");
}

TEST(ShapesBadInput, EmptyShapesArray) {
  expect_error(R"({"name": "a", "shapes": []})", "$.shapes", "must not be empty");
}

TEST(ShapesBadInput, EmptyRangeArrays) {
  expect_error(two_shapes(R"("name": "b", "n": [], "k": 128)"), "$.shapes[1].n",
               "must not be an empty array");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": [])"), "$.shapes[1].k", "must not be an empty array");
}

// --- bad input: types ---------------------------------------------------------------------------

TEST(ShapesBadInput, WrongTopLevelTypes) {
  expect_error(R"({"name": 5, "shapes": []})", "$.name", "must be a string (got 5)");
  expect_error(R"({"name": "", "shapes": []})", "$.name", "must not be empty");
  expect_error(one_shape(R"("n": 8, "k": 128)", R"("description": ["x"], )"), "$.description",
               "must be a string (got [\"x\"])");
  expect_error(R"({"name": "a", "shapes": {"q": 1}})", "$.shapes", "must be an array (got {\"q\":1})");
  expect_error(one_shape(R"("n": 8, "k": 128)", R"("layers": true, )"), "$.layers",
               "must be a positive integer (got true)");
  expect_error(one_shape(R"("n": 8, "k": 128)", R"("group_size": "128", )"), "$.group_size",
               "must be a positive integer (got \"128\")");
}

TEST(ShapesBadInput, WrongShapeTypes) {
  expect_error(R"({"name": "t", "shapes": [{"name": "a", "n": 8, "k": 128}, 7]})", "$.shapes[1]",
               "must be an object (got 7)");
  expect_error(two_shapes(R"("name": 3, "n": 8, "k": 128)"), "$.shapes[1].name", "must be a string (got 3)");
  expect_error(two_shapes(R"("name": "b", "n": "2048", "k": 128)"), "$.shapes[1].n",
               "must be a positive integer or an array of them (got \"2048\")");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": null)"), "$.shapes[1].k",
               "must be a positive integer or an array of them (got null)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": true)"), "$.shapes[1].k", "(got true)");
  expect_error(two_shapes(R"("name": "b", "n": [8, "x"], "k": 128)"), "$.shapes[1].n[1]",
               "must be a positive integer (got \"x\")");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "count": "2")"), "$.shapes[1].count",
               "must be a positive integer (got \"2\")");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "scope": 1)"), "$.shapes[1].scope",
               "must be a string (got 1)");
}

// --- bad input: values --------------------------------------------------------------------------

TEST(ShapesBadInput, NonPositiveSizes) {
  const std::string text = R"({"name": "t", "shapes": [{"name": "a", "n": 8, "k": 128},
      {"name": "b", "n": 8, "k": 128}, {"name": "c", "n": -5, "k": 128}]})";
  EXPECT_EQ(parse_error(text), "bad.json: $.shapes[2].n: must be a positive integer (got -5)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 0)"), "$.shapes[1].k",
               "must be a positive integer (got 0)");
  expect_error(two_shapes(R"("name": "b", "n": [8, -1], "k": 128)"), "$.shapes[1].n[1]", "(got -1)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "count": 0)"), "$.shapes[1].count", "(got 0)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "group_size": -32)"), "$.shapes[1].group_size",
               "must be a positive integer (got -32)");
  expect_error(one_shape(R"("n": 8, "k": 128)", R"("layers": 0, )"), "$.layers", "(got 0)");
  expect_error(one_shape(R"("n": 8, "k": 128)", R"("group_size": 0, )"), "$.group_size", "(got 0)");
}

TEST(ShapesBadInput, FractionalSizes) {
  EXPECT_EQ(parse_error(two_shapes(R"("name": "b", "n": 2048.5, "k": 128)")),
            "bad.json: $.shapes[1].n: must be a whole number (got 2048.5)");
  // Integral but written as a float: refused rather than silently truncated.
  EXPECT_EQ(parse_error(two_shapes(R"("name": "b", "n": 2048.0, "k": 128)")),
            "bad.json: $.shapes[1].n: must be written as an integer, without a decimal point or exponent "
            "(got 2048.0)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 2e3)"), "$.shapes[1].k",
               "must be written as an integer, without a decimal point or exponent (got 2000.0)");
  expect_error(two_shapes(R"("name": "b", "n": [8, 0.5], "k": 128)"), "$.shapes[1].n[1]",
               "must be a whole number (got 0.5)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "count": 1.5)"), "$.shapes[1].count",
               "must be a whole number (got 1.5)");
  expect_error(two_shapes(R"("name": "b", "n": -8.5, "k": 128)"), "$.shapes[1].n",
               "must be a positive integer (got -8.5)");
}

TEST(ShapesBadInput, SizesTooLargeForTheShaders) {
  expect_error(two_shapes(R"("name": "b", "n": 2147483648, "k": 128)"), "$.shapes[1].n",
               "must be at most 2147483647 (got 2147483648)");
  expect_error(two_shapes(R"("name": "b", "n": 18446744073709551615, "k": 128)"), "$.shapes[1].n",
               "must be at most 2147483647");
  // Past uint64 nlohmann stores a float: still "too large", not "not an integer".
  EXPECT_EQ(parse_error(two_shapes(R"("name": "b", "n": 99999999999999999999999, "k": 128)")),
            "bad.json: $.shapes[1].n: must be at most 2147483647 (got 9.999999999999999e+22)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 1e30)"), "$.shapes[1].k",
               "must be at most 2147483647 (got 1e+30)");
  expect_error(one_shape(R"("n": 8, "k": 128)", R"("layers": 4294967296, )"), "$.layers",
               "must be at most 2147483647 (got 4294967296)");
}

TEST(ShapesBadInput, InvalidGroupSize) {
  expect_error(one_shape(R"("n": 8, "k": 96)", R"("group_size": 48, )"), "$.group_size",
               "must be a multiple of 32 (got 48)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "group_size": 16)"), "$.shapes[1].group_size",
               "must be a multiple of 32 (got 16)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "group_size": 0)"), "$.shapes[1].group_size",
               "must be a positive integer (got 0)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "group_size": -64)"), "$.shapes[1].group_size",
               "must be a positive integer (got -64)");
  expect_error(one_shape(R"("n": 8, "k": 128)", R"("group_size": 64.5, )"), "$.group_size",
               "must be a whole number (got 64.5)");
}

TEST(ShapesBadInput, KNotAMultipleOfTheGroupSize) {
  EXPECT_EQ(parse_error(two_shapes(R"("name": "b", "n": 8, "k": 200)")),
            "bad.json: $.shapes[1].k: must be a multiple of the group size, 128 from the default (got 200)");
  expect_error(one_shape(R"("n": 8, "k": 96)", R"("group_size": 64, )"), "$.shapes[0].k",
               "must be a multiple of the group size, 64 from $.group_size (got 96)");
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": [256, 320], "group_size": 256)"), "$.shapes[1].k[1]",
               "must be a multiple of the group size, 256 from $.shapes[1].group_size (got 320)");
}

TEST(ShapesBadInput, KSmallerThanTheGroupSize) {
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 64)"), "$.shapes[1].k",
               "must be at least the group size, 128 from the default (got 64)");
}

TEST(ShapesBadInput, UnknownScope) {
  expect_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "scope": "layers")"), "$.shapes[1].scope",
               R"(must be "layer" or "model" (got "layers"))");
}

TEST(ShapesBadInput, DuplicateShapeNames) {
  expect_error(two_shapes(R"("name": "a", "n": 16, "k": 128)"), "$.shapes[1].name",
               "duplicate shape name \"a\" (first in $.shapes[0])");
}

TEST(ShapesBadInput, DuplicateShapeNamesAfterRangeExpansion) {
  // The range produces "a_8x128", which the second entry also spells out.
  const std::string text = R"({"name": "t", "shapes": [{"name": "a", "n": [4, 8], "k": 128},
      {"name": "a_8x128", "n": 8, "k": 128}]})";
  expect_error(text, "$.shapes[1].name", "duplicate shape name \"a_8x128\" (first in $.shapes[0])");
  expect_error(one_shape(R"("n": [8, 8], "k": 128)"), "$.shapes[0].name", "duplicate shape name \"a_8x128\"");
}

TEST(ShapesBadInput, LongValuesAreShortenedInTheMessage) {
  std::string long_name(500, 'x');
  const std::string message = parse_error(two_shapes(R"("name": "b", "n": 8, "k": 128, "scope": ")" +
                                                     long_name + "\""));
  EXPECT_LT(message.size(), 150u) << message;
  EXPECT_NE(message.find("...)"), std::string::npos) << message;
}

// --- load_shapes --------------------------------------------------------------------------------

TEST(ShapesLoad, MissingFileListsTheBuiltIns) {
  const std::vector<std::string> builtins = builtin_shapes_names();
  ASSERT_FALSE(builtins.empty());
  EXPECT_TRUE(std::is_sorted(builtins.begin(), builtins.end()));
  EXPECT_TRUE(std::find(builtins.begin(), builtins.end(), "llama1b.json") != builtins.end());
  try {
    load_shapes("no/such/dir/nothing.json");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    const std::string message = e.what();
    std::string stems;
    for (const std::string& name : builtins) stems += (stems.empty() ? "" : ", ") + fs::path(name).stem().string();
    EXPECT_EQ(message, "no/such/dir/nothing.json: no such file and no built-in shapes file of that name (built in: " +
                           stems + ")");
    EXPECT_NE(stems.find("llama1b, llama3b"), std::string::npos) << stems;
  }
}

TEST(ShapesLoad, BuiltInsMatchTheFilesOnDisk) {
  for (const std::string& name : builtin_shapes_names()) {
    const ShapesFile builtin = load_shapes(name);
    const ShapesFile disk = parse_disk(name);
    EXPECT_EQ(builtin.source, "builtin:" + name);
    EXPECT_EQ(builtin.name, disk.name);
    EXPECT_EQ(names_of(builtin), names_of(disk)) << name;
    EXPECT_EQ(weights_per_token(builtin), weights_per_token(disk)) << name;
  }
}

TEST(ShapesLoad, BuiltInByNameWithoutExtension) {
  const ShapesFile file = load_shapes("llama1b");
  EXPECT_EQ(file.source, "builtin:llama1b.json");
  EXPECT_EQ(file.shapes.size(), 8u);
  const ShapesFile overridden = load_shapes("smoke.json", 32);
  for (const Shape& shape : overridden.shapes) EXPECT_EQ(shape.group_size, 32) << shape.name;
}

TEST(ShapesLoad, ReadsAFileByPath) {
  const fs::path path = temp_path("ok");
  std::ofstream(path) << R"({"name": "tmp", "shapes": [{"name": "a", "n": 3, "k": 64}]})";
  const ShapesFile file = load_shapes(path.string(), 64);
  fs::remove(path);
  EXPECT_EQ(file.source, path.string());
  ASSERT_EQ(file.shapes.size(), 1u);
  EXPECT_EQ(file.shapes[0].n, 3);
  EXPECT_EQ(file.shapes[0].group_size, 64);
}

TEST(ShapesLoad, ErrorsInAFileNameThePath) {
  const fs::path path = temp_path("bad");
  std::ofstream(path) << R"({"name": "tmp", "shapes": [{"name": "a", "n": 3, "k": 64}]})";
  try {
    load_shapes(path.string());
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() +
                  ": $.shapes[0].k: must be at least the group size, 128 from the default (got 64)");
  }
  fs::remove(path);
}

TEST(ShapesLoad, MistypedBuiltInSuggestsTheNearest) {
  for (const std::string name : {"llama1.json", "lama1b", "Smoke"}) {
    try {
      load_shapes(name);
      ADD_FAILURE() << "no error for " << name;
    } catch (const UsageError& e) {
      const std::string near = name == "Smoke" ? "smoke" : "llama1b";
      EXPECT_EQ(std::string(e.what()),
                name + ": no such file and no built-in shapes file of that name (did you mean \"" + near + "\"?)");
    }
  }
}

// As root, chmod 000 still reads; /proc/self/mem opens but every read at offset 0 fails.
TEST(ShapesLoad, FileThatCannotBeReadIsAUsageError) {
  try {
    load_shapes("/proc/self/mem");
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "/proc/self/mem: cannot read file: Input/output error");
  }
}

TEST(ShapesLoad, UnreadablePathIsAUsageError) {
  const fs::path dir = fs::temp_directory_path() / ("qgemv_shapes_dir_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  try {
    load_shapes(dir.string());
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), dir.string() + ": cannot read file: Is a directory");
  }
  fs::remove(dir);
}

// Hardening (issue 17): nesting, the "(got ...)" text of deep values, the shape-name character set.

TEST(ShapesHardening, NestingBeyond64LevelsIsRefusedBeforeParsing) {
  EXPECT_EQ(parse_error(std::string(100000, '[')), "bad.json: line 1, column 65: nested deeper than 64 levels");
  // Brackets inside strings do not count.
  EXPECT_NE(parse_error(R"({"name": ")" + std::string(200, '[') + R"(", "shapes": 1})").find("$.shapes: must be an array"),
            std::string::npos);
  // 64 levels are fine as far as nesting goes (the file is still wrong for other reasons).
  const std::string deep = R"({"name": "t", "shapes": )" + std::string(63, '[') + std::string(63, ']') + "}";
  EXPECT_EQ(parse_error(deep).find("nested deeper"), std::string::npos) << parse_error(deep);
}

TEST(ShapesHardening, GotTextShowsTwoLevelsOfAContainer) {
  EXPECT_EQ(parse_error(R"({"name": "t", "shapes": {"a": [[[[1]]]]}})"),
            R"(bad.json: $.shapes: must be an array (got {"a":[[...]]}))");
  EXPECT_EQ(parse_error(R"({"name": "t", "shapes": [[[[1]]]]})"),
            R"(bad.json: $.shapes[0]: must be an object (got [[[...]]]))");
}

TEST(ShapesHardening, ShapeNamesAreSafeForFoldersAndTerminals) {
  for (const char* name : {"a", "lm_head", "q.proj-2+x", "A9"}) {
    EXPECT_NO_THROW(parse_shapes(R"({"name": "t", "shapes": [{"name": ")" + std::string(name) +
                                     R"(", "n": 8, "k": 128}]})", "ok.json"))
        << name;
  }
  for (const char* name : {"../x", "/abs/x", "a/b", ".hidden", "-flag", "a b", "caf\u00e9"}) {
    const auto message = parse_error(R"({"name": "t", "shapes": [{"name": ")" + std::string(name) +
                                     R"(", "n": 8, "k": 128}]})");
    EXPECT_NE(message.find("$.shapes[0].name: must be up to 64 letters, digits and . _ - +"), std::string::npos)
        << name << ": " << message;
  }
  EXPECT_NE(parse_error(R"({"name": "t", "shapes": [{"name": ")" + std::string(65, 'a') + R"(", "n": 8, "k": 128}]})")
                .find("must be up to 64"),
            std::string::npos);
  EXPECT_EQ(parse_error(R"({"name": "a\u0007", "shapes": [{"name": "a", "n": 8, "k": 128}]})"),
            R"(bad.json: $.name: must not hold control characters (got "a\u0007"))");
  EXPECT_EQ(parse_error(R"({"name": "t", "description": "\u001b[2J", "shapes": [{"name": "a", "n": 8, "k": 128}]})"),
            "bad.json: $.description: must not hold control characters");
}

}  // namespace
}  // namespace qgemv::config
