#pragma once
// Images for the texture storage variants (bt, tt): 2D for weights, 3D of depth 1 for the tt
// input and output (ExecuTorch's texture3d tensors). Between transfers images stay in
// VK_IMAGE_LAYOUT_GENERAL, the one layout in which they can be both sampled (texelFetch) and
// written (imageStore); transfers use the TRANSFER_*_OPTIMAL layouts.
#include <cstdint>
#include <span>
#include <vector>

#include "vk/context.hpp"

namespace qgemv::vk_util {

class Commands;

class Image2D {
 public:
  // Throws UnsupportedError when the device cannot sample (or store to) `format` or the extent
  // exceeds maxImageDimension2D (maxImageDimension3D for a 3D image, which has depth 1).
  Image2D(const Context& context, vk::Format format, std::uint32_t width, std::uint32_t height, bool storage,
          bool three_d = false);

  vk::Image handle() const { return *image_; }
  vk::ImageView view() const { return *view_; }
  vk::Format format() const { return format_; }
  std::uint32_t width() const { return width_; }
  std::uint32_t height() const { return height_; }
  std::uint32_t texel_bytes() const { return texel_bytes_; }
  bool three_d() const { return three_d_; }
  std::uint64_t size_bytes() const { return std::uint64_t(width_) * height_ * texel_bytes_; }

 private:
  vk::Format format_;
  std::uint32_t width_, height_, texel_bytes_;
  bool three_d_;
  vk::raii::Image image_{nullptr};
  vk::raii::DeviceMemory memory_{nullptr};
  vk::raii::ImageView view_{nullptr};
};

std::uint32_t format_texel_bytes(vk::Format format);

// Fills the image row by row from `bytes` (width * height texels, tightly packed; shorter input is
// zero-padded) and leaves it in GENERAL layout.
void upload(const Context& context, Commands& commands, const Image2D& target, std::span<const std::uint8_t> bytes);
// The whole image, tightly packed, row by row.
std::vector<std::uint8_t> download(const Context& context, Commands& commands, const Image2D& source);
// Records a whole-image copy; `target` may be new (UNDEFINED), `source` is in GENERAL; both end
// in GENERAL.
void record_copy(const vk::raii::CommandBuffer& cmd, const Image2D& source, const Image2D& target);
// Clears every texel to a 32-bit pattern per component (NaN poisoning of output images).
void fill(Commands& commands, const Image2D& target, float value);

// A nearest, unnormalised-free sampler: texelFetch ignores filtering, but a combined image
// sampler descriptor still needs one.
vk::raii::Sampler make_sampler(const Context& context);

}  // namespace qgemv::vk_util
