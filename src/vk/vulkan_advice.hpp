#pragma once
// What to tell someone whose machine has no usable Vulkan loader, driver or device. The advice
// depends on the platform: on a desktop Linux the loader and drivers are packages to install; on
// an Android phone both come with the system image and nothing can be installed.
#include <string>

namespace qgemv::vk_util {

enum class Platform { desktop, android };

#ifdef __ANDROID__
inline constexpr Platform kThisPlatform = Platform::android;
#else
inline constexpr Platform kThisPlatform = Platform::desktop;
#endif

// The advice sentence that follows "no Vulkan loader/driver/device found: ".
std::string missing_vulkan_advice(Platform platform = kThisPlatform);

}  // namespace qgemv::vk_util
