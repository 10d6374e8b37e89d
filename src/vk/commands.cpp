#include "vk/commands.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace qgemv::vk_util {
namespace {

std::uint64_t to_nanoseconds(double seconds) {
  if (!(seconds > 0) || seconds >= 1e9) return std::numeric_limits<std::uint64_t>::max();  // 0 or huge: no limit
  return static_cast<std::uint64_t>(std::ceil(seconds * 1e9));
}

}  // namespace

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
  const auto& device = context_.device();
  device.resetFences(*fence_);
  vk::CommandBuffer handle = *buffer_;
  context_.queue().submit(vk::SubmitInfo({}, {}, handle), *fence_);
  // A lost device surfaces here as vk::DeviceLostError, handled by the sweep.
  const double limit_s = context_.options().submit_timeout_s;
  const auto result = device.waitForFences(*fence_, VK_TRUE, to_nanoseconds(limit_s));
  if (result == vk::Result::eTimeout) {
    // The work may still be running and reading buffers the caller is about to free while the
    // exception unwinds: wait for the device to finish, or for the driver's watchdog to reset it
    // (then waitIdle throws vk::DeviceLostError), before reporting the timeout.
    device.waitIdle();
    throw SubmitTimeout(fmt::format("the GPU did not finish a submission within {} s (--gpu-timeout)", limit_s));
  }
  if (result != vk::Result::eSuccess) throw vk::SystemError(vk::make_error_code(result), "waitForFences");
  if (std::exchange(inject_device_lost_, false)) {
    throw vk::DeviceLostError("vkWaitForFences: VK_ERROR_DEVICE_LOST (injected by QGEMV_FAULT_DEVICE_LOST_AT_CASE)");
  }
}

}  // namespace qgemv::vk_util
