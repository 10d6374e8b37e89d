#pragma once
// Storage buffers and their staging transfers. Every buffer owns its memory (one allocation per
// buffer keeps lifetimes obvious; the benchmark allocates a handful per case).
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "vk/context.hpp"

namespace qgemv::vk_util {

class Commands;

class Buffer {
 public:
  enum class Kind { device, upload, readback };

  Buffer(const Context& context, vk::DeviceSize size, Kind kind);

  vk::Buffer handle() const { return *buffer_; }
  vk::DeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }  // non-null for upload/readback buffers

 private:
  vk::DeviceSize size_;
  vk::raii::Buffer buffer_{nullptr};
  vk::raii::DeviceMemory memory_{nullptr};
  void* mapped_ = nullptr;
};

// Copies `bytes` into `target` through a staging buffer; waits for completion.
void upload(const Context& context, Commands& commands, const Buffer& target, std::span<const std::uint8_t> bytes);
// Copies `target` fully into host memory; waits for completion.
std::vector<std::uint8_t> download(const Context& context, Commands& commands, const Buffer& source);
// The same, as values of T (bytes past the last whole value dropped).
template <typename T>
std::vector<T> download_as(const Context& context, Commands& commands, const Buffer& source) {
  const auto bytes = download(context, commands, source);
  std::vector<T> values(bytes.size() / sizeof(T));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}
// Fills `target` with a repeated 32-bit pattern on the GPU (NaN poisoning of outputs).
void fill(Commands& commands, const Buffer& target, std::uint32_t pattern);
// GPU-side copy, used to make the cold-cache copies of uploaded weights.
void copy(Commands& commands, const Buffer& source, const Buffer& target);

}  // namespace qgemv::vk_util
