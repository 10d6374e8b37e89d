#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/npy.hpp"

namespace qgemv::report {
namespace {

namespace fs = std::filesystem;

class Npy : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("qgemv_npy_test_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<char> read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // Checks the preamble and returns the header text (including padding and the newline).
  std::string header_of(const std::vector<char>& bytes) {
    EXPECT_GE(bytes.size(), 10u);
    EXPECT_EQ(std::string(bytes.data(), 6), "\x93NUMPY");
    EXPECT_EQ(bytes[6], 1);  // version 1.0
    EXPECT_EQ(bytes[7], 0);
    const auto low = static_cast<unsigned char>(bytes[8]);
    const auto high = static_cast<unsigned char>(bytes[9]);
    const std::size_t length = low | high << 8;
    EXPECT_EQ((10 + length) % 64, 0u);
    return std::string(bytes.data() + 10, length);
  }

  static std::string padded(std::string dict, std::size_t total) {
    dict.resize(total - 1, ' ');
    return dict + '\n';
  }

  fs::path dir_;
};

TEST_F(Npy, Float32Matrix) {
  const std::vector<float> data = {1.0f, -2.0f, 0.5f, 3.25f, 0.0f, 1e-3f};
  const fs::path path = dir_ / "m.npy";
  write_npy(path, data, {2, 3});
  const std::vector<char> bytes = read_bytes(path);
  const std::string header = header_of(bytes);
  EXPECT_EQ(header, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 118));
  ASSERT_EQ(bytes.size(), 128u + data.size() * 4);
  EXPECT_EQ(std::memcmp(bytes.data() + 128, data.data(), data.size() * 4), 0);  // little-endian host
}

TEST_F(Npy, Uint8VectorUsesOneTuple) {
  const std::vector<std::uint8_t> data = {0, 1, 15, 8, 255};
  const fs::path path = dir_ / "q.npy";
  write_npy(path, data, {5});
  const std::vector<char> bytes = read_bytes(path);
  EXPECT_EQ(header_of(bytes), padded("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }", 118));
  ASSERT_EQ(bytes.size(), 128u + 5u);
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin() + 128, bytes.end()), data);
}

TEST_F(Npy, Float64Vector) {
  const std::vector<double> data = {0.1, -1e300, 42.0};
  const fs::path path = dir_ / "y_ref.npy";
  write_npy(path, data, {3});
  const std::vector<char> bytes = read_bytes(path);
  EXPECT_NE(header_of(bytes).find("'descr': '<f8'"), std::string::npos);
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(std::memcmp(bytes.data() + 128, data.data(), 24), 0);
}

TEST_F(Npy, EmptyArray) {
  const fs::path path = dir_ / "empty.npy";
  write_npy(path, std::span<const float>{}, {0});
  EXPECT_NE(header_of(read_bytes(path)).find("'shape': (0,)"), std::string::npos);
}

TEST_F(Npy, ShapeMismatchThrows) {
  const std::vector<float> data = {1.0f, 2.0f, 3.0f};
  EXPECT_THROW(write_npy(dir_ / "bad.npy", data, {2, 2}), std::invalid_argument);
}

TEST_F(Npy, UnwritablePathThrowsNamingIt) {
  const std::vector<float> data = {1.0f};
  const fs::path path = dir_ / "no" / "such" / "dir" / "x.npy";
  try {
    write_npy(path, data, {1});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

// The first of the usual interpreters that has numpy (a pyenv/venv python3 on PATH may lack it
// while the system one has it); empty if none.
std::string python_with_numpy() {
  for (const char* python : {"python3", "/usr/bin/python3"}) {
    const std::string probe = std::string(python) + " -c 'import numpy' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return python;
  }
  return "";
}

TEST_F(Npy, LoadsWithNumpy) {
  const std::string python = python_with_numpy();
  if (python.empty()) GTEST_SKIP() << "python3 with numpy not available";
  const std::vector<float> f = {1.5f, -2.0f, 0.25f, 8.0f, 0.0f, -1.0f};
  const std::vector<std::uint8_t> q = {0, 15, 8, 3};
  const std::vector<double> d = {0.1, 1e300};
  write_npy(dir_ / "f.npy", f, {3, 2});
  write_npy(dir_ / "q.npy", q, {4});
  write_npy(dir_ / "d.npy", d, {2});
  const std::string script =
      "import numpy as np, sys; d = sys.argv[1]\n"
      "f = np.load(d + '/f.npy'); q = np.load(d + '/q.npy'); x = np.load(d + '/d.npy')\n"
      "assert f.dtype == np.float32 and f.shape == (3, 2), (f.dtype, f.shape)\n"
      "assert (f == np.array([[1.5, -2], [0.25, 8], [0, -1]], dtype=np.float32)).all()\n"
      "assert q.dtype == np.uint8 and q.shape == (4,) and list(q) == [0, 15, 8, 3]\n"
      "assert x.dtype == np.float64 and list(x) == [0.1, 1e300]\n";
  const fs::path script_path = dir_ / "check.py";
  std::ofstream(script_path) << script;
  EXPECT_EQ(std::system((python + " '" + script_path.string() + "' '" + dir_.string() + "'").c_str()), 0);
}

}  // namespace
}  // namespace qgemv::report
