#pragma once
// A SPIR-V module the test build compiled (tests/shaders/*.comp), as words.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace qgemv::testing {

inline std::vector<std::uint32_t> read_spirv_words(const char* path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<std::uint32_t> words(bytes.size() / 4);
  std::memcpy(words.data(), bytes.data(), words.size() * 4);
  return words;
}

}  // namespace qgemv::testing
