#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "vk/vulkan.hpp"

namespace qgemv::vk_util {

// What list-devices prints and what every result file records about the device.
struct DeviceInfo {
  std::uint32_t index = 0;
  std::string name;
  std::string type;  // discrete | integrated | virtual | cpu | other
  std::uint32_t vendor_id = 0;
  std::uint32_t device_id = 0;
  std::string api_version;
  std::string driver_version;  // decoded with the vendor's convention
  std::string driver_id;       // e.g. NvidiaProprietary, MesaLlvmpipe (empty before Vulkan 1.2)
  std::string driver_name;
  std::string driver_info;
  std::uint32_t subgroup_size = 0;
  bool subgroup_arithmetic = false;  // subgroupAdd etc. supported in compute shaders
  bool denorm_preserve_float32 = false;  // a module may declare DenormPreserve 32 (Vulkan 1.2)
  std::uint32_t max_workgroup_invocations = 0;
  double timestamp_period_ns = 0;
  std::uint32_t timestamp_valid_bits = 0;  // of the compute queue family used
  std::uint64_t max_storage_buffer_range = 0;
  std::uint32_t max_image_dimension_2d = 0;
  std::uint32_t max_image_dimension_3d = 0;
  std::uint32_t max_workgroup_count_x = 0;
  std::uint64_t device_local_bytes = 0;  // largest device-local heap
};

DeviceInfo describe(const vk::raii::PhysicalDevice& device, std::uint32_t index);
std::vector<DeviceInfo> enumerate_devices(const vk::raii::Instance& instance);

// Discrete > integrated > virtual > CPU > other; ties keep enumeration order.
int type_rank(vk::PhysicalDeviceType type);

std::string decode_version(std::uint32_t version);
std::string decode_driver_version(std::uint32_t vendor_id, std::uint32_t version);

}  // namespace qgemv::vk_util
