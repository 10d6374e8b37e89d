#include "vk/buffer.hpp"

#include <fmt/format.h>

#include <cstring>

#include "util/error.hpp"
#include "vk/commands.hpp"

namespace qgemv::vk_util {
namespace {

std::uint32_t find_memory_type(const vk::PhysicalDeviceMemoryProperties& props, std::uint32_t type_bits,
                               vk::MemoryPropertyFlags wanted, vk::MemoryPropertyFlags preferred) {
  std::int64_t fallback = -1;
  for (std::uint32_t i = 0; i < props.memoryTypeCount; ++i) {
    if (!(type_bits & (1u << i))) continue;
    const auto flags = props.memoryTypes[i].propertyFlags;
    if ((flags & wanted) != wanted) continue;
    if ((flags & preferred) == preferred) return i;
    if (fallback < 0) fallback = i;
  }
  if (fallback < 0) throw UnsupportedError("no suitable Vulkan memory type for a buffer");
  return static_cast<std::uint32_t>(fallback);
}

vk::BufferUsageFlags usage_for(Buffer::Kind kind) {
  using U = vk::BufferUsageFlagBits;
  switch (kind) {
    case Buffer::Kind::upload: return U::eTransferSrc;
    case Buffer::Kind::readback: return U::eTransferDst;
    case Buffer::Kind::device: break;
  }
  return U::eStorageBuffer | U::eTransferDst | U::eTransferSrc;
}

}  // namespace

Buffer::Buffer(const Context& context, vk::DeviceSize size, Kind kind) : size_(size) {
  buffer_ = vk::raii::Buffer(context.device(), vk::BufferCreateInfo({}, size, usage_for(kind)));
  const auto requirements = buffer_.getMemoryRequirements();
  using M = vk::MemoryPropertyFlagBits;
  const auto props = context.physical_device().getMemoryProperties();
  std::uint32_t type = 0;
  switch (kind) {
    case Kind::device: type = find_memory_type(props, requirements.memoryTypeBits, M::eDeviceLocal, {}); break;
    case Kind::upload:
      type = find_memory_type(props, requirements.memoryTypeBits, M::eHostVisible | M::eHostCoherent, {});
      break;
    case Kind::readback:
      type = find_memory_type(props, requirements.memoryTypeBits, M::eHostVisible | M::eHostCoherent,
                              M::eHostCached);
      break;
  }
  try {
    memory_ = vk::raii::DeviceMemory(context.device(), vk::MemoryAllocateInfo(requirements.size, type));
  } catch (const vk::OutOfDeviceMemoryError&) {
    throw UnsupportedError(fmt::format("out of device memory allocating {} MiB", size >> 20));
  } catch (const vk::OutOfHostMemoryError&) {
    throw UnsupportedError(fmt::format("out of host memory allocating {} MiB", size >> 20));
  }
  buffer_.bindMemory(*memory_, 0);
  if (kind != Kind::device) mapped_ = memory_.mapMemory(0, VK_WHOLE_SIZE);
}

void upload(const Context& context, Commands& commands, const Buffer& target, std::span<const std::uint8_t> bytes) {
  Buffer staging(context, bytes.size(), Buffer::Kind::upload);
  std::memcpy(staging.mapped(), bytes.data(), bytes.size());
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    cmd.copyBuffer(staging.handle(), target.handle(), vk::BufferCopy(0, 0, bytes.size()));
  });
}

std::vector<std::uint8_t> download(const Context& context, Commands& commands, const Buffer& source) {
  Buffer staging(context, source.size(), Buffer::Kind::readback);
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    cmd.copyBuffer(source.handle(), staging.handle(), vk::BufferCopy(0, 0, source.size()));
  });
  const auto* begin = static_cast<const std::uint8_t*>(staging.mapped());
  return {begin, begin + source.size()};
}

void fill(Commands& commands, const Buffer& target, std::uint32_t pattern) {
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    cmd.fillBuffer(target.handle(), 0, VK_WHOLE_SIZE, pattern);
  });
}

void copy(Commands& commands, const Buffer& source, const Buffer& target) {
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    cmd.copyBuffer(source.handle(), target.handle(), vk::BufferCopy(0, 0, source.size()));
  });
}

}  // namespace qgemv::vk_util
