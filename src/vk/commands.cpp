#include "vk/commands.hpp"

#include <cstdint>
#include <limits>

namespace qgemv::vk_util {

Commands::Commands(const Context& context) : context_(context) {
  pool_ = vk::raii::CommandPool(context.device(), {vk::CommandPoolCreateFlagBits::eResetCommandBuffer,
                                                   context.queue_family()});
  vk::raii::CommandBuffers buffers(context.device(), {*pool_, vk::CommandBufferLevel::ePrimary, 1});
  buffer_ = std::move(buffers[0]);
  fence_ = vk::raii::Fence(context.device(), vk::FenceCreateInfo());
}

void Commands::run(const std::function<void(const vk::raii::CommandBuffer&)>& record) {
  buffer_.reset();
  buffer_.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
  record(buffer_);
  buffer_.end();
  context_.device().resetFences(*fence_);
  vk::CommandBuffer handle = *buffer_;
  context_.queue().submit(vk::SubmitInfo({}, {}, handle), *fence_);
  // A hung or lost device surfaces here as vk::DeviceLostError, handled by the sweep.
  const auto result = context_.device().waitForFences(*fence_, VK_TRUE, std::numeric_limits<std::uint64_t>::max());
  if (result != vk::Result::eSuccess) throw vk::SystemError(vk::make_error_code(result), "waitForFences");
}

}  // namespace qgemv::vk_util
