#include "vk/image.hpp"

#include <fmt/format.h>

#include <cstring>

#include "util/error.hpp"
#include "vk/buffer.hpp"
#include "vk/commands.hpp"

namespace qgemv::vk_util {
namespace {

void check_format(const Context& context, vk::Format format, bool storage) {
  const auto features = context.physical_device().getFormatProperties(format).optimalTilingFeatures;
  const auto needed = storage ? vk::FormatFeatureFlagBits::eStorageImage : vk::FormatFeatureFlagBits::eSampledImage;
  if (!(features & needed)) {
    throw UnsupportedError(fmt::format("image format {} lacks {} support", vk::to_string(format),
                                       storage ? "storage-image" : "sampled-image"));
  }
}

std::uint32_t find_device_memory(const Context& context, std::uint32_t type_bits) {
  const auto props = context.physical_device().getMemoryProperties();
  for (std::uint32_t i = 0; i < props.memoryTypeCount; ++i) {
    if ((type_bits & (1u << i)) &&
        (props.memoryTypes[i].propertyFlags & vk::MemoryPropertyFlagBits::eDeviceLocal)) {
      return i;
    }
  }
  for (std::uint32_t i = 0; i < props.memoryTypeCount; ++i) {
    if (type_bits & (1u << i)) return i;
  }
  throw UnsupportedError("no memory type for an image");
}

// Every transfer and shader access to these images is ordered by this one full barrier; the
// benchmark's timed loop never touches it, so its bluntness costs nothing measured.
void transition(const vk::raii::CommandBuffer& cmd, vk::Image image, vk::ImageLayout from, vk::ImageLayout to) {
  using A = vk::AccessFlagBits;
  vk::ImageMemoryBarrier barrier(A::eTransferWrite | A::eShaderWrite | A::eMemoryWrite,
                                 A::eTransferRead | A::eTransferWrite | A::eShaderRead | A::eShaderWrite, from, to,
                                 VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, image,
                                 {vk::ImageAspectFlagBits::eColor, 0, 1, 0, 1});
  cmd.pipelineBarrier(vk::PipelineStageFlagBits::eAllCommands, vk::PipelineStageFlagBits::eAllCommands, {}, nullptr,
                      nullptr, barrier);
}

vk::BufferImageCopy whole_image(const Image2D& image) {
  return {0, 0, 0, {vk::ImageAspectFlagBits::eColor, 0, 0, 1}, {0, 0, 0}, {image.width(), image.height(), 1}};
}

}  // namespace

std::uint32_t format_texel_bytes(vk::Format format) {
  switch (format) {
    case vk::Format::eR8G8B8A8Uint: return 4;
    case vk::Format::eR16G16B16A16Sfloat: return 8;
    case vk::Format::eR32G32B32A32Uint:
    case vk::Format::eR32G32B32A32Sfloat: return 16;
    default: throw std::logic_error("texel_bytes: unexpected format " + vk::to_string(format));
  }
}

Image2D::Image2D(const Context& context, vk::Format format, std::uint32_t width, std::uint32_t height, bool storage,
                 bool three_d)
    : format_(format), width_(width), height_(height), texel_bytes_(format_texel_bytes(format)), three_d_(three_d) {
  const auto limit = three_d ? context.info().max_image_dimension_3d : context.info().max_image_dimension_2d;
  if (width == 0 || height == 0 || width > limit || height > limit) {
    throw UnsupportedError(fmt::format("a {}x{} image exceeds maxImageDimension{} ({})", width, height,
                                       three_d ? "3D" : "2D", limit));
  }
  check_format(context, format, storage);
  using U = vk::ImageUsageFlagBits;
  const vk::ImageUsageFlags usage = U::eTransferDst | U::eTransferSrc | (storage ? U::eStorage : U::eSampled);
  image_ = vk::raii::Image(context.device(),
                           vk::ImageCreateInfo({}, three_d ? vk::ImageType::e3D : vk::ImageType::e2D, format, {width, height, 1}, 1, 1,
                                               vk::SampleCountFlagBits::e1, vk::ImageTiling::eOptimal, usage,
                                               vk::SharingMode::eExclusive, {}, vk::ImageLayout::eUndefined));
  const auto requirements = image_.getMemoryRequirements();
  try {
    memory_ = vk::raii::DeviceMemory(
        context.device(),
        vk::MemoryAllocateInfo(requirements.size, find_device_memory(context, requirements.memoryTypeBits)));
  } catch (const vk::OutOfDeviceMemoryError&) {
    throw UnsupportedError(fmt::format("out of device memory for a {}x{} image", width, height));
  }
  image_.bindMemory(*memory_, 0);
  view_ = vk::raii::ImageView(context.device(),
                              vk::ImageViewCreateInfo({}, *image_, three_d ? vk::ImageViewType::e3D : vk::ImageViewType::e2D, format, {},
                                                      {vk::ImageAspectFlagBits::eColor, 0, 1, 0, 1}));
}

void upload(const Context& context, Commands& commands, const Image2D& target, std::span<const std::uint8_t> bytes) {
  Buffer staging(context, target.size_bytes(), Buffer::Kind::upload);
  const auto n = std::min<std::uint64_t>(bytes.size(), target.size_bytes());
  std::memcpy(staging.mapped(), bytes.data(), n);
  std::memset(static_cast<std::uint8_t*>(staging.mapped()) + n, 0, target.size_bytes() - n);
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    transition(cmd, target.handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eTransferDstOptimal);
    cmd.copyBufferToImage(staging.handle(), target.handle(), vk::ImageLayout::eTransferDstOptimal,
                          whole_image(target));
    transition(cmd, target.handle(), vk::ImageLayout::eTransferDstOptimal, vk::ImageLayout::eGeneral);
  });
}

std::vector<std::uint8_t> download(const Context& context, Commands& commands, const Image2D& source) {
  Buffer staging(context, source.size_bytes(), Buffer::Kind::readback);
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    transition(cmd, source.handle(), vk::ImageLayout::eGeneral, vk::ImageLayout::eTransferSrcOptimal);
    cmd.copyImageToBuffer(source.handle(), vk::ImageLayout::eTransferSrcOptimal, staging.handle(),
                          whole_image(source));
    transition(cmd, source.handle(), vk::ImageLayout::eTransferSrcOptimal, vk::ImageLayout::eGeneral);
  });
  const auto* begin = static_cast<const std::uint8_t*>(staging.mapped());
  return {begin, begin + source.size_bytes()};
}

void record_copy(const vk::raii::CommandBuffer& cmd, const Image2D& source, const Image2D& target) {
  transition(cmd, source.handle(), vk::ImageLayout::eGeneral, vk::ImageLayout::eTransferSrcOptimal);
  transition(cmd, target.handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eTransferDstOptimal);
  const vk::ImageSubresourceLayers layers(vk::ImageAspectFlagBits::eColor, 0, 0, 1);
  cmd.copyImage(source.handle(), vk::ImageLayout::eTransferSrcOptimal, target.handle(),
                vk::ImageLayout::eTransferDstOptimal,
                vk::ImageCopy(layers, {0, 0, 0}, layers, {0, 0, 0}, {source.width(), source.height(), 1}));
  transition(cmd, target.handle(), vk::ImageLayout::eTransferDstOptimal, vk::ImageLayout::eGeneral);
  transition(cmd, source.handle(), vk::ImageLayout::eTransferSrcOptimal, vk::ImageLayout::eGeneral);
}

void fill(Commands& commands, const Image2D& target, float value) {
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    transition(cmd, target.handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eTransferDstOptimal);
    cmd.clearColorImage(target.handle(), vk::ImageLayout::eTransferDstOptimal,
                        vk::ClearColorValue(std::array<float, 4>{value, value, value, value}),
                        vk::ImageSubresourceRange(vk::ImageAspectFlagBits::eColor, 0, 1, 0, 1));
    transition(cmd, target.handle(), vk::ImageLayout::eTransferDstOptimal, vk::ImageLayout::eGeneral);
  });
}

vk::raii::Sampler make_sampler(const Context& context) {
  vk::SamplerCreateInfo info({}, vk::Filter::eNearest, vk::Filter::eNearest, vk::SamplerMipmapMode::eNearest,
                             vk::SamplerAddressMode::eClampToEdge, vk::SamplerAddressMode::eClampToEdge,
                             vk::SamplerAddressMode::eClampToEdge);
  return vk::raii::Sampler(context.device(), info);
}

}  // namespace qgemv::vk_util
