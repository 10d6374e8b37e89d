// The integration tests trust the validation layer to report misuse; this proves it is really
// loaded and that its messages reach the log the other tests check.
#include <gtest/gtest.h>

#include "vk/buffer.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"

namespace qgemv {
namespace {

TEST(ValidationLayer, ReportsAnInvalidCall) {
  vk_util::Context context({"", true});
  ASSERT_EQ(context.validation_log().count, 0u);
  // A zero-sized buffer violates VUID-VkBufferCreateInfo-size-00912.
  try {
    vk::raii::Buffer buffer(context.device(), vk::BufferCreateInfo({}, 0, vk::BufferUsageFlagBits::eStorageBuffer));
  } catch (const std::exception&) {
    // Drivers may also reject it; what matters is what the layer said.
  }
  EXPECT_GT(context.validation_log().count, 0u);
}

// Synchronization validation is on too: two fills of one buffer in a command buffer with no barrier
// between them are a write-after-write hazard, which only that part of the layer reports.
TEST(ValidationLayer, ReportsAMissingBarrier) {
  vk_util::Context context({"", true});
  vk_util::Commands commands(context);
  vk_util::Buffer buffer(context, 1024, vk_util::Buffer::Kind::device);
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    cmd.fillBuffer(buffer.handle(), 0, VK_WHOLE_SIZE, 1u);
    cmd.fillBuffer(buffer.handle(), 0, VK_WHOLE_SIZE, 2u);
  });
  std::lock_guard lock(context.validation_log().mutex);
  ASSERT_GT(context.validation_log().count, 0u);
  EXPECT_NE(context.validation_log().first_messages.front().find("SYNC-HAZARD-WRITE-AFTER-WRITE"), std::string::npos)
      << context.validation_log().first_messages.front();
}

}  // namespace
}  // namespace qgemv
