// The integration tests trust the validation layer to report misuse; this proves it is really
// loaded and that its messages reach the log the other tests check.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace qgemv
