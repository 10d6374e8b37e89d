#pragma once
// Single include point for Vulkan-Hpp so every file sees the same configuration: dynamic
// dispatch (the loader is dlopen'ed by vk::raii::Context, nothing links libvulkan).
#include <vulkan/vulkan_raii.hpp>
