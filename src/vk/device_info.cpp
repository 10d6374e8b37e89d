#include "vk/device_info.hpp"

#include <fmt/format.h>

namespace qgemv::vk_util {
namespace {

constexpr std::uint32_t kVendorNvidia = 0x10DE;

std::string type_name(vk::PhysicalDeviceType type) {
  switch (type) {
    case vk::PhysicalDeviceType::eDiscreteGpu: return "discrete";
    case vk::PhysicalDeviceType::eIntegratedGpu: return "integrated";
    case vk::PhysicalDeviceType::eVirtualGpu: return "virtual";
    case vk::PhysicalDeviceType::eCpu: return "cpu";
    default: return "other";
  }
}

bool has_extension(const vk::raii::PhysicalDevice& device, std::string_view name) {
  for (const auto& ext : device.enumerateDeviceExtensionProperties()) {
    if (name == ext.extensionName.data()) return true;
  }
  return false;
}

std::uint32_t compute_queue_valid_bits(const vk::raii::PhysicalDevice& device) {
  for (const auto& family : device.getQueueFamilyProperties()) {
    if (family.queueFlags & vk::QueueFlagBits::eCompute) return family.timestampValidBits;
  }
  return 0;
}

void describe_subgroups(const vk::PhysicalDeviceSubgroupProperties& subgroups, DeviceInfo& info) {
  info.subgroup_size = subgroups.subgroupSize;
  info.subgroup_arithmetic = (subgroups.supportedOperations & vk::SubgroupFeatureFlagBits::eArithmetic) &&
                             (subgroups.supportedStages & vk::ShaderStageFlagBits::eCompute);
}

}  // namespace

int type_rank(vk::PhysicalDeviceType type) {
  switch (type) {
    case vk::PhysicalDeviceType::eDiscreteGpu: return 0;
    case vk::PhysicalDeviceType::eIntegratedGpu: return 1;
    case vk::PhysicalDeviceType::eVirtualGpu: return 2;
    case vk::PhysicalDeviceType::eCpu: return 3;
    default: return 4;
  }
}

std::string decode_version(std::uint32_t version) {
  return fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(version), VK_API_VERSION_MINOR(version),
                     VK_API_VERSION_PATCH(version));
}

std::string decode_driver_version(std::uint32_t vendor_id, std::uint32_t version) {
  // NVIDIA packs 10.8.8.6 bits and prints the third part with two digits ("580.159.04").
  if (vendor_id == kVendorNvidia) {
    const auto text = fmt::format("{}.{}.{:02}", (version >> 22) & 0x3ff, (version >> 14) & 0xff, (version >> 6) & 0xff);
    return (version & 0x3f) ? fmt::format("{}.{}", text, version & 0x3f) : text;
  }
  return decode_version(version);
}

DeviceInfo describe(const vk::raii::PhysicalDevice& device, std::uint32_t index) {
  const auto props = device.getProperties();
  DeviceInfo info;
  info.index = index;
  info.name = props.deviceName.data();
  info.type = type_name(props.deviceType);
  info.vendor_id = props.vendorID;
  info.device_id = props.deviceID;
  info.api_version = decode_version(props.apiVersion);
  info.driver_version = decode_driver_version(props.vendorID, props.driverVersion);
  info.timestamp_period_ns = props.limits.timestampPeriod;
  info.timestamp_valid_bits = compute_queue_valid_bits(device);
  info.max_storage_buffer_range = props.limits.maxStorageBufferRange;
  info.max_image_dimension_2d = props.limits.maxImageDimension2D;
  info.max_image_dimension_3d = props.limits.maxImageDimension3D;
  info.max_workgroup_count_x = props.limits.maxComputeWorkGroupCount[0];
  info.max_workgroup_invocations = props.limits.maxComputeWorkGroupInvocations;

  const bool has_driver_props =
      props.apiVersion >= VK_API_VERSION_1_2 || has_extension(device, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME);
  if (has_driver_props) {
    auto chain = device.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceSubgroupProperties,
                                       vk::PhysicalDeviceDriverProperties, vk::PhysicalDeviceFloatControlsProperties>();
    const auto& driver = chain.get<vk::PhysicalDeviceDriverProperties>();
    // SPV_KHR_float_controls is core only from 1.2; before, it would need its extension enabled.
    info.denorm_preserve_float32 = props.apiVersion >= VK_API_VERSION_1_2 &&
                                   chain.get<vk::PhysicalDeviceFloatControlsProperties>().shaderDenormPreserveFloat32;
    info.driver_id = vk::to_string(driver.driverID);
    info.driver_name = driver.driverName.data();
    info.driver_info = driver.driverInfo.data();
    describe_subgroups(chain.get<vk::PhysicalDeviceSubgroupProperties>(), info);
  } else {
    auto chain = device.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceSubgroupProperties>();
    describe_subgroups(chain.get<vk::PhysicalDeviceSubgroupProperties>(), info);
  }

  const auto memory = device.getMemoryProperties();
  for (std::uint32_t i = 0; i < memory.memoryHeapCount; ++i) {
    if (memory.memoryHeaps[i].flags & vk::MemoryHeapFlagBits::eDeviceLocal) {
      info.device_local_bytes = std::max<std::uint64_t>(info.device_local_bytes, memory.memoryHeaps[i].size);
    }
  }
  return info;
}

std::vector<DeviceInfo> enumerate_devices(const vk::raii::Instance& instance) {
  std::vector<DeviceInfo> out;
  std::uint32_t index = 0;
  for (const auto& device : vk::raii::PhysicalDevices(instance)) out.push_back(describe(device, index++));
  return out;
}

}  // namespace qgemv::vk_util
