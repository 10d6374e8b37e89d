#include "vk/vulkan_advice.hpp"

namespace qgemv::vk_util {

std::string missing_vulkan_advice(Platform platform) {
  if (platform == Platform::android) {
    // Android's loader is /system/lib64/libvulkan.so and the GPU vendor's driver is
    // /vendor/lib64/hw/vulkan.<ro.hardware.vulkan>.so: both ship with the phone's system image.
    return "on Android the Vulkan loader and driver come with the phone's system software and cannot be "
           "installed separately (check 'getprop ro.hardware.vulkan' and that /system/lib64/libvulkan.so "
           "exists; a system update may add Vulkan 1.1, otherwise this phone cannot run qgemv-bench)";
  }
  return "install a Vulkan loader and driver (Debian/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers)";
}

}  // namespace qgemv::vk_util
