// Bad input as a user meets it (docs/design.md, "Exit codes"): exit code 2, exactly one line on stderr saying what is
// wrong (for a shapes file: the file and the JSON path), nothing on stdout, no result file.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "../support/temp_dir_test.hpp"

namespace {

namespace fs = std::filesystem;

class BadInput : public qgemv::testing::TempDirTest {
 protected:
  // Runs qgemv-bench with `args` and an --out file, checks everything but the message, and
  // returns the message: the one stderr line without "qgemv-bench: " and the newline.
  std::string rejected(const std::string& args) const {
    const fs::path out = dir_ / "result.json";
    const auto r = run("--out " + out.string() + " " + args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    const std::string prefix = "qgemv-bench: ";
    EXPECT_TRUE(r.err.starts_with(prefix) && r.err.ends_with('\n')) << r.err;
    return r.err.size() > prefix.size() ? r.err.substr(prefix.size(), r.err.size() - prefix.size() - 1) : r.err;
  }

  // A shapes file holding `text`, as the message names it.
  std::string shapes(const std::string& text) const { return write("shapes.json", text).string(); }

  std::string rejected_shapes(const std::string& text) const { return rejected("--shapes " + shapes(text)); }

  // A file with one shape whose body is `body`.
  std::string rejected_shape(const std::string& body) const {
    return rejected_shapes(R"({"name": "t", "shapes": [{"name": "a", )" + body + "}]}");
  }

  std::string file() const { return (dir_ / "shapes.json").string(); }
};

// --- shapes files -------------------------------------------------------------------------------

TEST_F(BadInput, MalformedJsonNamesLineAndColumn) {
  EXPECT_EQ(rejected_shapes("{\n  \"name\": \"b\",\n  \"shapes\": [,]\n}"),
            file() + ": line 3, column 14: invalid JSON: syntax error while parsing value - unexpected ','; "
                     "expected '[', '{', or a literal");
  EXPECT_EQ(rejected_shapes(R"({"name": "b", "shapes": [)"),
            file() + ": line 1, column 26: invalid JSON: syntax error while parsing value - unexpected end of "
                     "input; expected '[', '{', or a literal");
}

TEST_F(BadInput, EmptyFile) {
  const std::string expected = file() + R"(: empty file (expected a JSON object with "name" and "shapes"))";
  EXPECT_EQ(rejected_shapes(""), expected);
  EXPECT_EQ(rejected_shapes(" \n\t\n"), expected);
}

TEST_F(BadInput, TopLevelMustBeAnObject) {
  EXPECT_EQ(rejected_shapes("[1, 2]"), file() + ": $: must be an object (got [1,2])");
  EXPECT_EQ(rejected_shapes("7"), file() + ": $: must be an object (got 7)");
}

TEST_F(BadInput, UnknownKeySuggestsTheNearest) {
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 128, "grup_size": 128)"),
            file() + R"(: $.shapes[0]: unknown key "grup_size" (did you mean "group_size"?))");
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "layer": 16, "shapes": []})"),
            file() + R"(: $: unknown key "layer" (did you mean "layers"?))");
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 128, "bogus": 1)"),
            file() + R"(: $.shapes[0]: unknown key "bogus" (allowed: name, n, k, count, group_size, scope))");
}

TEST_F(BadInput, DuplicateKey) {
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 128, "n": 16)"), file() + R"(: $.shapes[0]: duplicate key "n")");
}

TEST_F(BadInput, MissingOrWronglyTypedField) {
  EXPECT_EQ(rejected_shape(R"("n": 8)"), file() + R"(: $.shapes[0]: missing required key "k")");
  EXPECT_EQ(rejected_shapes(R"({"shapes": []})"), file() + R"(: $: missing required key "name")");
  EXPECT_EQ(rejected_shape(R"("n": "2048", "k": 128)"),
            file() + R"(: $.shapes[0].n: must be a positive integer or an array of them (got "2048"))");
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "shapes": {"a": 1}})"),
            file() + R"(: $.shapes: must be an array (got {"a":1}))");
}

TEST_F(BadInput, NonPositiveSize) {
  EXPECT_EQ(rejected_shape(R"("n": 0, "k": 128)"), file() + ": $.shapes[0].n: must be a positive integer (got 0)");
  EXPECT_EQ(rejected_shape(R"("n": [8, -5], "k": 128)"),
            file() + ": $.shapes[0].n[1]: must be a positive integer (got -5)");
}

TEST_F(BadInput, FractionalSize) {
  EXPECT_EQ(rejected_shape(R"("n": 2048.5, "k": 128)"),
            file() + ": $.shapes[0].n: must be a whole number (got 2048.5)");
  EXPECT_EQ(rejected_shape(R"("n": 2048.0, "k": 128)"),
            file() + ": $.shapes[0].n: must be written as an integer, without a decimal point or exponent "
                     "(got 2048.0)");
}

TEST_F(BadInput, OverflowingSize) {
  EXPECT_EQ(rejected_shape(R"("n": 2147483648, "k": 128)"),
            file() + ": $.shapes[0].n: must be at most 2147483647 (got 2147483648)");
  EXPECT_EQ(rejected_shape(R"("n": 1e30, "k": 128)"),
            file() + ": $.shapes[0].n: must be at most 2147483647 (got 1e+30)");
  EXPECT_EQ(rejected_shape(R"("n": 99999999999999999999999, "k": 128)"),
            file() + ": $.shapes[0].n: must be at most 2147483647 (got 9.999999999999999e+22)");
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 1e400)"), file() + ": invalid JSON: number overflow parsing '1e400'");
}

TEST_F(BadInput, KNotAMultipleOfTheGroupSize) {
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 200)"),
            file() + ": $.shapes[0].k: must be a multiple of the group size, 128 from the default (got 200)");
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 64)"),
            file() + ": $.shapes[0].k: must be at least the group size, 128 from the default (got 64)");
}

TEST_F(BadInput, InvalidGroupSizeInTheFile) {
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 192, "group_size": 48)"),
            file() + ": $.shapes[0].group_size: must be a multiple of 32 (got 48)");
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 128, "group_size": 0)"),
            file() + ": $.shapes[0].group_size: must be a positive integer (got 0)");
  EXPECT_EQ(rejected_shape(R"("n": 8, "k": 128, "group_size": -64)"),
            file() + ": $.shapes[0].group_size: must be a positive integer (got -64)");
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "group_size": 64.5, "shapes": [{"name": "a", "n": 8, "k": 128}]})"),
            file() + ": $.group_size: must be a whole number (got 64.5)");
}

TEST_F(BadInput, EmptyShapeList) {
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "shapes": []})"), file() + ": $.shapes: must not be empty");
}

TEST_F(BadInput, DirectoryAsShapesPath) {
  fs::create_directories(dir_ / "folder");
  EXPECT_EQ(rejected("--shapes " + (dir_ / "folder").string()),
            (dir_ / "folder").string() + ": cannot read file: Is a directory");
}

// chmod 000 does not stop root; /proc/self/mem opens but cannot be read from offset 0.
TEST_F(BadInput, UnreadableShapesPath) {
  EXPECT_EQ(rejected("--shapes /proc/self/mem"), "/proc/self/mem: cannot read file: Input/output error");
}

TEST_F(BadInput, UnknownShapesNameListsTheBuiltIns) {
  const std::string missing = (dir_ / "nope.json").string();
  const std::string message = rejected("--shapes " + missing);
  EXPECT_TRUE(message.starts_with(missing + ": no such file and no built-in shapes file of that name (built in: "))
      << message;
  EXPECT_NE(message.find("llama1b, llama3b, llama8b, qwen3-0.6b, smoke)"), std::string::npos) << message;
  EXPECT_EQ(rejected("--shapes lama1b"),
            R"(lama1b: no such file and no built-in shapes file of that name (did you mean "llama1b"?))");
}

// --- command-line values ------------------------------------------------------------------------

TEST_F(BadInput, UnknownKernelSuggestsTheNearest) {
  EXPECT_EQ(rejected("--shapes smoke.json --kernels legacy,legcy"),
            R"(unknown kernel "legcy" (did you mean "legacy"?))");
  EXPECT_EQ(rejected("--shapes smoke.json --kernels fast"),
            R"(unknown kernel "fast" (known: legacy, coop, q4gsw_coop, coop_tuned, coopmat))");
}

TEST_F(BadInput, UnknownDtypeSuggestsTheNearest) {
  EXPECT_EQ(rejected("--shapes smoke.json --dtype fp32,FP16"), R"(--dtype FP16: unknown value (did you mean "fp16"?))");
  EXPECT_EQ(rejected("--shapes smoke.json --dtype fp64"), "--dtype fp64: unknown value (allowed: fp32, fp16)");
}

TEST_F(BadInput, UnknownStorageSuggestsTheNearest) {
  EXPECT_EQ(rejected("--shapes smoke.json --storage bbb"), R"(--storage bbb: unknown value (did you mean "bb"?))");
  EXPECT_EQ(rejected("--shapes smoke.json --storage xx"), "--storage xx: unknown value (allowed: bb, bt, tt)");
}

TEST_F(BadInput, DeviceIndexOutOfRange) {
  EXPECT_TRUE(rejected("--shapes smoke.json --device 99").starts_with("--device 99: out of range (devices: 0: "));
  // Past unsigned long: still out of range, not a conversion exception.
  EXPECT_TRUE(rejected("--shapes smoke.json --device 99999999999999999999999")
                  .starts_with("--device 99999999999999999999999: out of range (devices: 0: "));
}

TEST_F(BadInput, DeviceNameNoDeviceContains) {
  EXPECT_TRUE(rejected("--shapes smoke.json --device no-such-gpu")
                  .starts_with("--device no-such-gpu: no device name contains it (devices: 0: "));
}

TEST_F(BadInput, RepetitionsNotPositive) {
  EXPECT_EQ(rejected("--shapes smoke.json --repetitions -1"),
            "--repetitions: must be a positive integer up to 2147483647 (got -1)");
  EXPECT_EQ(rejected("--shapes smoke.json --repetitions 0"),
            "--repetitions: must be a positive integer up to 2147483647 (got 0)");
  EXPECT_EQ(rejected("--shapes smoke.json --repetitions abc"),
            "--repetitions: must be a positive integer up to 2147483647 (got abc)");
  EXPECT_EQ(rejected("--shapes smoke.json --repetitions 99999999999"),
            "--repetitions: must be a positive integer up to 2147483647 (got 99999999999)");
}

TEST_F(BadInput, NegativeWarmup) {
  EXPECT_EQ(rejected("--shapes smoke.json --warmup -1"), "--warmup: must be an integer from 0 to 2147483647 (got -1)");
}

TEST_F(BadInput, BadMinTime) {
  EXPECT_EQ(rejected("--shapes smoke.json --min-time -0.5"), "--min-time: must be a number of seconds >= 0 (got -0.5)");
  EXPECT_EQ(rejected("--shapes smoke.json --min-time soon"), "--min-time: must be a number of seconds >= 0 (got soon)");
}

TEST_F(BadInput, NegativeUnsignedDoesNotWrap) {
  EXPECT_EQ(rejected("--shapes smoke.json --max-binding-mib -1"),
            "--max-binding-mib: must be a positive number of MiB up to 16777216 (got -1)");
  EXPECT_EQ(rejected("--shapes smoke.json --seed -1"),
            "--seed: must be an integer from 0 to 18446744073709551615 (got -1)");
  EXPECT_EQ(rejected("--shapes smoke.json --gpu-timeout -1"), "--gpu-timeout: must be a number of seconds >= 0 (got -1)");
}

// MiB values become bytes by a shift: values that would overflow it are refused, not wrapped.
TEST_F(BadInput, MibValuesTooLargeForBytes) {
  EXPECT_EQ(rejected("--shapes smoke.json --max-binding-mib 99999999999999"),
            "--max-binding-mib: must be a positive number of MiB up to 16777216 (got 99999999999999)");
  EXPECT_EQ(rejected("--shapes smoke.json --cold-cache 99999999999999"),
            "--cold-cache 99999999999999: expected off, auto or a number of MiB from 1 to 16777216");
}

TEST_F(BadInput, ColdCacheGarbage) {
  EXPECT_EQ(rejected("--shapes smoke.json --cold-cache lots"),
            "--cold-cache lots: expected off, auto or a number of MiB from 1 to 16777216");
  EXPECT_EQ(rejected("--shapes smoke.json --cold-cache -5"),
            "--cold-cache -5: expected off, auto or a number of MiB from 1 to 16777216");
}

// A value holding a line break is quoted with the break escaped: the error stays one line.
TEST_F(BadInput, LineBreakInAValueStaysOneLine) {
  EXPECT_EQ(rejected("--shapes smoke.json --kernels \"$(printf 'co\\nop')\""),
            R"(unknown kernel "co\nop" (did you mean "coop"?))");
}

TEST_F(BadInput, GroupSizeFlagNotAMultipleOf32) {
  EXPECT_EQ(rejected("--shapes smoke.json --group-size 48"),
            "--group-size: must be a positive multiple of 32 (got 48)");
  EXPECT_EQ(rejected("--shapes smoke.json --group-size 1.5"),
            "--group-size: must be a positive multiple of 32 (got 1.5)");
}

// CLI11's own errors go through the same single line and exit code.
TEST_F(BadInput, UnknownFlagMissingValueAndStrayArgument) {
  EXPECT_EQ(rejected("--shapes smoke.json --no-such-flag"), "The following argument was not expected: --no-such-flag");
  EXPECT_EQ(rejected("--shapes"), "--shapes: 1 required TEXT missing");
  EXPECT_EQ(rejected("--shapes smoke.json extra"), "The following argument was not expected: extra");
  EXPECT_EQ(rejected("--shapes smoke.json --roofline maybe"), "--roofline: maybe not in {on,off}");
}

// --- hostile but fair input (issue 17) ----------------------------------------------------------

// Used to crash (exit 139): the "(got ...)" text serialized the deep value recursively.
TEST_F(BadInput, ShapesFileNestedTooDeep) {
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "shapes": )" + std::string(100000, '[')),
            file() + ": line 1, column 88: nested deeper than 64 levels");
}

// Used to read until memory ran out (std::bad_alloc, exit 1).
TEST_F(BadInput, ShapesFromAnEndlessDevice) {
  EXPECT_EQ(rejected("--shapes /dev/zero"), "/dev/zero: larger than 64 MiB (not a shapes file?)");
}

TEST_F(BadInput, ShapeNameOutsideTheSafeCharacters) {
  const std::string rule = "must be up to 64 letters, digits and . _ - +, starting with a letter or digit";
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "shapes": [{"name": "../x", "n": 8, "k": 128}]})"),
            file() + ": $.shapes[0].name: " + rule + R"( (got "../x"))");
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "shapes": [{"name": "/abs/x", "n": 8, "k": 128}]})"),
            file() + ": $.shapes[0].name: " + rule + R"( (got "/abs/x"))");
  // ESC and a line break arrive escaped, never raw.
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "shapes": [{"name": "a\u001b[31mb", "n": 8, "k": 128}]})"),
            file() + R"(: $.shapes[0].name: must not hold control characters (got "a\u001b[31mb"))");
  EXPECT_EQ(rejected_shapes(R"({"name": "t", "shapes": [{"name": "a\nb", "n": 8, "k": 128}]})"),
            file() + R"(: $.shapes[0].name: must not hold control characters (got "a\nb"))");
}

TEST_F(BadInput, ControlCharactersInAValueAreNeverPrintedRaw) {
  const std::string message = rejected("--shapes smoke.json --kernels \"$(printf 'co\\033[31mop')\"");
  EXPECT_TRUE(message.starts_with(R"(unknown kernel "co\x1b[31mop")")) << message;
  EXPECT_EQ(message.find('\033'), std::string::npos);
  EXPECT_TRUE(rejected("--shapes \"$(printf 'x\033y')\"")
                  .starts_with(R"(x\x1by: no such file and no built-in shapes file of that name)"));
}

// Used to be clamped silently to 2^64 - 1.
TEST_F(BadInput, SeedTooLarge) {
  EXPECT_EQ(rejected("--shapes smoke.json --seed 18446744073709551616"),
            "--seed: must be an integer from 0 to 18446744073709551615 (got 18446744073709551616)");
}

// Used to run every case twice, and the tool's own compare then rejected the file.
TEST_F(BadInput, KernelGivenTwice) {
  EXPECT_EQ(rejected("--shapes smoke.json --kernels legacy,legacy"), "--kernels: legacy given twice");
}

TEST_F(BadInput, SecondsMustBeFinite) {
  EXPECT_EQ(rejected("--shapes smoke.json --max-time inf"), "--max-time: must be a number of seconds > 0 (got inf)");
  EXPECT_EQ(rejected("--shapes smoke.json --max-time nan"), "--max-time: must be a number of seconds > 0 (got nan)");
  EXPECT_EQ(rejected("--shapes smoke.json --min-time inf"), "--min-time: must be a number of seconds >= 0 (got inf)");
}

TEST_F(BadInput, EmptyValues) {
  EXPECT_EQ(rejected("--shapes smoke.json --device ''"), "--device: must not be empty");
  EXPECT_EQ(rejected("--shapes ''"), "--shapes: must not be empty");
  const auto r = run("--shapes smoke.json --out ''");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "qgemv-bench: --out: must not be empty (a file, or - for stdout)\n");
}

// Used to be replaced by a JSON file (as root, /dev/full included, with --force).
TEST_F(BadInput, OutIsNeverANonRegularFile) {
  const auto refused = [&](const fs::path& path) {
    const auto r = run("--shapes smoke.json --force --out " + path.string());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "qgemv-bench: --out " + path.string() +
                         ": not a regular file (only a regular file is ever replaced)\n");
  };
  refused("/dev/full");
  fs::create_directory(dir_ / "folder");
  refused(dir_ / "folder");
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0644), 0);
  refused(dir_ / "fifo");
  write("target.json", "{}");
  fs::create_symlink(dir_ / "target.json", dir_ / "link.json");
  refused(dir_ / "link.json");
  EXPECT_EQ(qgemv::testing::read_file(dir_ / "target.json"), "{}");
}

// Checked before the sweep, with the reason, so a long run never ends unable to save.
TEST_F(BadInput, OutFolderNotWritable) {
  const auto r = run("--shapes smoke.json --out /sys/result.json");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.err.starts_with("qgemv-bench: --out /sys/result.json: the folder is not writable (cannot create a "
                                "file in /sys: "))
      << r.err;
}

// Used to fail every case one by one.
TEST_F(BadInput, DumpOntoARegularFile) {
  const auto path = write("file.txt", "x");
  EXPECT_EQ(rejected("--shapes smoke.json --dump " + path.string()), "--dump " + path.string() + ": not a folder");
}

TEST_F(BadInput, TuningFileNestedTooDeepOrTooLarge) {
  const auto deep = write("deep.json", std::string(100000, '['));
  EXPECT_EQ(rejected("--shapes smoke.json --tuning " + deep.string()),
            deep.string() + ": line 1, column 65: nested deeper than 64 levels");
  EXPECT_EQ(rejected("--shapes smoke.json --tuning /dev/zero"), "/dev/zero: larger than 64 MiB (not a tuning file?)");
}

TEST_F(BadInput, ResultFileNestedTooDeepOrTooLarge) {
  const auto deep = write("deep.json", std::string(100000, '{'));
  const auto r = run("compare " + deep.string() + " " + deep.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "qgemv-bench: " + deep.string() + ": line 1, column 65: nested deeper than 64 levels\n");
}

}  // namespace
