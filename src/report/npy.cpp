#include "report/npy.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace qgemv::report {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kPreambleBytes = 10;  // magic (6) + version (2) + header length (2)
constexpr std::size_t kAlignment = 64;      // numpy aligns the data start to 64 bytes

std::string shape_tuple(const std::vector<std::int64_t>& shape) {
  // Python tuple syntax: a 1-tuple needs its trailing comma.
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string padded_header(const char* descr, const std::vector<std::int64_t>& shape) {
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape_tuple(shape) + ", }";
  const std::size_t unpadded = kPreambleBytes + header.size() + 1;  // + the closing newline
  header.append((kAlignment - unpadded % kAlignment) % kAlignment, ' ');
  return header + '\n';
}

void check_element_count(const std::filesystem::path& path, std::size_t count,
                         const std::vector<std::int64_t>& shape) {
  std::int64_t expected = 1;
  for (std::int64_t dim : shape) {
    if (dim < 0) throw std::invalid_argument("write_npy " + path.string() + ": negative dimension");
    expected *= dim;
  }
  if (static_cast<std::size_t>(expected) != count)
    throw std::invalid_argument("write_npy " + path.string() + ": " + std::to_string(count) +
                                " elements do not match the shape " + shape_tuple(shape));
}

// The format is little-endian by declaration ('<f4'); swap only on a big-endian host.
template <typename T>
std::vector<char> little_endian_bytes(std::span<const T> data) {
  std::vector<char> bytes(data.size_bytes());
  if (!bytes.empty()) std::memcpy(bytes.data(), data.data(), bytes.size());
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1)
    for (std::size_t i = 0; i < bytes.size(); i += sizeof(T)) std::reverse(&bytes[i], &bytes[i] + sizeof(T));
  return bytes;
}

template <typename T>
void write_array(const std::filesystem::path& path, std::span<const T> data,
                 const std::vector<std::int64_t>& shape, const char* descr) {
  check_element_count(path, data.size(), shape);
  const std::string header = padded_header(descr, shape);
  const auto header_len = static_cast<std::uint16_t>(header.size());
  const char preamble[4] = {1, 0, static_cast<char>(header_len & 0xff), static_cast<char>(header_len >> 8)};
  const std::vector<char> bytes = little_endian_bytes(data);

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot open " + path.string() + " for writing");
  out.write(kMagic, sizeof kMagic - 1);
  out.write(preamble, sizeof preamble);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("error writing " + path.string());
}

}  // namespace

void write_npy(const std::filesystem::path& path, std::span<const std::uint8_t> data,
               const std::vector<std::int64_t>& shape) {
  write_array(path, data, shape, "|u1");
}

void write_npy(const std::filesystem::path& path, std::span<const float> data,
               const std::vector<std::int64_t>& shape) {
  write_array(path, data, shape, "<f4");
}

void write_npy(const std::filesystem::path& path, std::span<const double> data,
               const std::vector<std::int64_t>& shape) {
  write_array(path, data, shape, "<f8");
}

}  // namespace qgemv::report
