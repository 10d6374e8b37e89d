// The advice for a machine without Vulkan names what can be done on that platform: packages on a
// desktop, nothing to install on a phone.
#include <gtest/gtest.h>

#include <string>

#include "vk/vulkan_advice.hpp"

namespace qgemv::vk_util {
namespace {

TEST(VulkanAdvice, DesktopNamesThePackages) {
  const std::string advice = missing_vulkan_advice(Platform::desktop);
  EXPECT_NE(advice.find("apt-get install libvulkan1 mesa-vulkan-drivers"), std::string::npos) << advice;
}

TEST(VulkanAdvice, AndroidSaysNothingCanBeInstalled) {
  const std::string advice = missing_vulkan_advice(Platform::android);
  EXPECT_EQ(advice.find("apt"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("Debian"), std::string::npos) << advice;
  EXPECT_NE(advice.find("cannot be installed separately"), std::string::npos) << advice;
  EXPECT_NE(advice.find("ro.hardware.vulkan"), std::string::npos) << advice;
}

TEST(VulkanAdvice, ThisBuildIsForItsPlatform) {
#ifdef __ANDROID__
  EXPECT_EQ(kThisPlatform, Platform::android);
#else
  EXPECT_EQ(kThisPlatform, Platform::desktop);
#endif
  EXPECT_EQ(missing_vulkan_advice(), missing_vulkan_advice(kThisPlatform));
}

}  // namespace
}  // namespace qgemv::vk_util
