#include "vk/context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "util/error.hpp"
#include "vk/vulkan_advice.hpp"

VULKAN_HPP_DEFAULT_DISPATCH_LOADER_DYNAMIC_STORAGE

namespace qgemv::vk_util {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";
constexpr std::size_t kKeptMessages = 8;

VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT,
                                                     VkDebugUtilsMessageTypeFlagsEXT,
                                                     const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                     void* user) {
  auto* log = static_cast<ValidationLog*>(user);
  std::lock_guard lock(log->mutex);
  ++log->count;
  if (log->first_messages.size() < kKeptMessages) log->first_messages.emplace_back(data->pMessage);
  return VK_FALSE;
}

bool has_layer(const vk::raii::Context& context, const char* name) {
  for (const auto& layer : context.enumerateInstanceLayerProperties()) {
    if (std::string_view(layer.layerName.data()) == name) return true;
  }
  return false;
}

bool layer_has_extension(const vk::raii::Context& context, const char* layer, std::string_view extension) {
  for (const auto& e : context.enumerateInstanceExtensionProperties(std::string(layer))) {
    if (extension == e.extensionName.data()) return true;
  }
  return false;
}

vk::raii::Context load_vulkan() {
  try {
    return vk::raii::Context();
  } catch (const std::exception& e) {
    throw EnvironmentError(fmt::format("no Vulkan loader could be opened ({}): {}", e.what(), missing_vulkan_advice()));
  }
}

bool contains_case_insensitive(std::string_view haystack, std::string_view needle) {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [&](char a, char b) { return lower(a) == lower(b); });
  return it != haystack.end();
}

bool has_device_extension(const vk::raii::PhysicalDevice& device, std::string_view name) {
  for (const auto& ext : device.enumerateDeviceExtensionProperties()) {
    if (name == ext.extensionName.data()) return true;
  }
  return false;
}

bool pipeline_executable_info_supported(const vk::raii::PhysicalDevice& device,
                                        const vk::raii::InstanceDispatcher& dispatcher) {
  vk::PhysicalDevicePipelineExecutablePropertiesFeaturesKHR supported;
  vk::PhysicalDeviceFeatures2 query;
  query.pNext = &supported;
  (*device).getFeatures2(&query, dispatcher);
  return supported.pipelineExecutableInfo;
}

// The product coopmat.comp issues: A 16x16 and B 16x8 of fp16, C and D 16x8 of fp32, per subgroup.
bool has_cooperative_matrix_fp16(const vk::raii::PhysicalDevice& device, const vk::raii::InstanceDispatcher& dispatcher) {
  if (!has_device_extension(device, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME)) return false;
  vk::PhysicalDeviceCooperativeMatrixFeaturesNV supported;
  vk::PhysicalDeviceFeatures2 query;
  query.pNext = &supported;
  (*device).getFeatures2(&query, dispatcher);
  if (!supported.cooperativeMatrix) return false;
  std::uint32_t count = 0;
  if (dispatcher.vkGetPhysicalDeviceCooperativeMatrixPropertiesNV == nullptr ||
      dispatcher.vkGetPhysicalDeviceCooperativeMatrixPropertiesNV(*device, &count, nullptr) != VK_SUCCESS) {
    return false;
  }
  std::vector<vk::CooperativeMatrixPropertiesNV> shapes(count);
  if (dispatcher.vkGetPhysicalDeviceCooperativeMatrixPropertiesNV(
          *device, &count, reinterpret_cast<VkCooperativeMatrixPropertiesNV*>(shapes.data())) != VK_SUCCESS) {
    return false;
  }
  using T = vk::ComponentTypeNV;
  return std::any_of(shapes.begin(), shapes.end(), [](const vk::CooperativeMatrixPropertiesNV& p) {
    return p.MSize == 16 && p.NSize == 8 && p.KSize == 16 && p.AType == T::eFloat16 && p.BType == T::eFloat16 &&
           p.CType == T::eFloat32 && p.DType == T::eFloat32 && p.scope == vk::ScopeNV::eSubgroup;
  });
}

}  // namespace

std::vector<std::string> DeviceFeatures::enabled_names() const {
  std::vector<std::string> names;
  if (storage_buffer_8bit) names.emplace_back("storageBuffer8BitAccess");
  if (storage_buffer_16bit) names.emplace_back("storageBuffer16BitAccess");
  if (shader_int8) names.emplace_back("shaderInt8");
  if (shader_float16) names.emplace_back("shaderFloat16");
  if (timestamps) names.emplace_back("timestamps");
  if (pipeline_executable_info) names.emplace_back("pipelineExecutableInfo");
  if (cooperative_matrix_fp16) names.emplace_back("cooperativeMatrix");
  return names;
}

Instance::Instance(bool validation_layer) : context_(load_vulkan()) {
  // Vulkan 1.1 is the floor (phones); ask for 1.2 where the loader has it for driver properties.
  const std::uint32_t loader_version = context_.enumerateInstanceVersion();
  const std::uint32_t api = loader_version >= VK_API_VERSION_1_2 ? VK_API_VERSION_1_2 : VK_API_VERSION_1_1;
  if (loader_version < VK_API_VERSION_1_1) {
    throw EnvironmentError("the Vulkan loader is older than 1.1, which qgemv-bench needs: " +
                           missing_vulkan_advice());
  }
  vk::ApplicationInfo app("qgemv-bench", 1, "qgemv-bench", 1, api);
  std::vector<const char*> layers;
  std::vector<const char*> extensions;
  if (validation_layer) {
    if (!has_layer(context_, kValidationLayer) ||
        !layer_has_extension(context_, kValidationLayer, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME)) {
      throw EnvironmentError(fmt::format("{} with {} is not installed (Debian: apt-get install vulkan-validationlayers)",
                                         kValidationLayer, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME));
    }
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    extensions.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
  }
  vk::InstanceCreateInfo info({}, &app, layers, extensions);
  // Synchronization validation on top of the default checks: the benchmark's correctness rests on
  // the barriers between uploads, dispatches and timestamp reads, which the core checks ignore.
  const vk::ValidationFeatureEnableEXT enables[] = {vk::ValidationFeatureEnableEXT::eSynchronizationValidation};
  vk::ValidationFeaturesEXT features(enables, {});
  if (validation_layer) info.pNext = &features;
  try {
    instance_ = vk::raii::Instance(context_, info);
  } catch (const vk::IncompatibleDriverError&) {
    // What the loader says when it finds no driver (ICD) at all.
    throw EnvironmentError(fmt::format("no Vulkan driver found: {}", missing_vulkan_advice()));
  } catch (const vk::SystemError& e) {
    throw EnvironmentError(fmt::format("creating a Vulkan instance failed ({}): {}", e.what(), missing_vulkan_advice()));
  }
  if (validation_layer) {
    using Severity = vk::DebugUtilsMessageSeverityFlagBitsEXT;
    using Type = vk::DebugUtilsMessageTypeFlagBitsEXT;
    vk::DebugUtilsMessengerCreateInfoEXT messenger_info(
        {}, Severity::eWarning | Severity::eError, Type::eGeneral | Type::eValidation | Type::ePerformance,
        &on_validation_message, log_.get());
    messenger_ = vk::raii::DebugUtilsMessengerEXT(instance_, messenger_info);
  }
}

std::uint32_t select_device(const std::vector<DeviceInfo>& devices, const std::string& selector) {
  if (devices.empty()) throw EnvironmentError(fmt::format("no Vulkan device found: {}", missing_vulkan_advice()));
  if (selector.empty()) {
    auto rank = [](const DeviceInfo& d) {
      static const std::vector<std::string> order = {"discrete", "integrated", "virtual", "cpu"};
      return std::find(order.begin(), order.end(), d.type) - order.begin();
    };
    return std::min_element(devices.begin(), devices.end(),
                            [&](const auto& a, const auto& b) { return rank(a) < rank(b); })
        ->index;
  }
  std::string names;
  for (const auto& d : devices) names += fmt::format("{}{}: {}", names.empty() ? "" : ", ", d.index, d.name);
  if (std::all_of(selector.begin(), selector.end(), [](unsigned char c) { return std::isdigit(c); })) {
    // from_chars, not stoul: an index past unsigned long is out of range too, not an exception.
    std::size_t index = 0;
    const auto parsed = std::from_chars(selector.data(), selector.data() + selector.size(), index);
    if (parsed.ec != std::errc{} || index >= devices.size()) {
      throw UsageError(fmt::format("--device {}: out of range (devices: {})", selector, names));
    }
    return static_cast<std::uint32_t>(index);
  }
  for (const auto& d : devices) {
    if (contains_case_insensitive(d.name, selector)) return d.index;
  }
  throw UsageError(fmt::format("--device {}: no device name contains it (devices: {})", selector, names));
}

Context::Context(const ContextOptions& options)
    : options_(options), instance_(std::make_unique<Instance>(options.validation_layer)) {
  vk::raii::PhysicalDevices physical_devices(instance_->get());
  std::vector<DeviceInfo> infos;
  for (std::uint32_t i = 0; i < physical_devices.size(); ++i) infos.push_back(describe(physical_devices[i], i));
  const auto chosen = select_device(infos, options.device_selector);
  physical_ = std::move(physical_devices[chosen]);
  info_ = infos[chosen];
  if (physical_.getProperties().apiVersion < VK_API_VERSION_1_1) {
    throw EnvironmentError(fmt::format("{} supports Vulkan {} only; qgemv-bench needs 1.1 (newer driver?)",
                                       info_.name, info_.api_version));
  }

  const auto families = physical_.getQueueFamilyProperties();
  auto family = std::find_if(families.begin(), families.end(),
                             [](const auto& f) { return bool(f.queueFlags & vk::QueueFlagBits::eCompute); });
  if (family == families.end()) throw EnvironmentError(info_.name + " has no compute queue");
  queue_family_ = static_cast<std::uint32_t>(family - families.begin());
  info_.timestamp_valid_bits = family->timestampValidBits;
  // A zero period would turn every sample into 0 s: treat it as "no timestamps" (host timing).
  features_.timestamps = family->timestampValidBits > 0 && info_.timestamp_period_ns > 0;

  // Before 1.2 the 8-bit storage and float16/int8 structs exist only through their extensions.
  const bool core12 = physical_.getProperties().apiVersion >= VK_API_VERSION_1_2;
  std::vector<const char*> extensions;
  const bool has8 = core12 || has_device_extension(physical_, VK_KHR_8BIT_STORAGE_EXTENSION_NAME);
  const bool has_f16i8 = core12 || has_device_extension(physical_, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
  if (!core12 && has8) extensions.push_back(VK_KHR_8BIT_STORAGE_EXTENSION_NAME);
  if (!core12 && has_f16i8) extensions.push_back(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);

  vk::PhysicalDeviceFeatures2 query;
  vk::PhysicalDevice16BitStorageFeatures storage16;
  vk::PhysicalDevice8BitStorageFeatures storage8;
  vk::PhysicalDeviceShaderFloat16Int8Features float16_int8;
  query.pNext = &storage16;
  void** tail = &storage16.pNext;
  if (has8) { *tail = &storage8; tail = &storage8.pNext; }
  if (has_f16i8) { *tail = &float16_int8; tail = &float16_int8.pNext; }
  (*physical_).getFeatures2(&query, *instance_->get().getDispatcher());

  // Enable exactly the features the kernels use, nothing the device happens to have besides.
  features_.storage_buffer_16bit = storage16.storageBuffer16BitAccess;
  features_.storage_buffer_8bit = storage8.storageBuffer8BitAccess;
  features_.shader_int8 = float16_int8.shaderInt8;
  features_.shader_float16 = float16_int8.shaderFloat16;
  vk::PhysicalDevice16BitStorageFeatures enable16;
  enable16.storageBuffer16BitAccess = features_.storage_buffer_16bit;
  vk::PhysicalDevice8BitStorageFeatures enable8;
  enable8.storageBuffer8BitAccess = features_.storage_buffer_8bit;
  vk::PhysicalDeviceShaderFloat16Int8Features enable_f16i8;
  enable_f16i8.shaderInt8 = features_.shader_int8;
  enable_f16i8.shaderFloat16 = features_.shader_float16;
  vk::PhysicalDeviceFeatures2 enable;
  enable.pNext = &enable16;
  tail = &enable16.pNext;
  if (has8) { *tail = &enable8; tail = &enable8.pNext; }
  if (has_f16i8) { *tail = &enable_f16i8; tail = &enable_f16i8.pNext; }
  // The driver's own statistics of a pipeline (`explain`).
  vk::PhysicalDevicePipelineExecutablePropertiesFeaturesKHR enable_executable_info(VK_TRUE);
  if (options.pipeline_executable_info &&
      has_device_extension(physical_, VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME) &&
      pipeline_executable_info_supported(physical_, *instance_->get().getDispatcher())) {
    extensions.push_back(VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME);
    *tail = &enable_executable_info;
    tail = &enable_executable_info.pNext;
    features_.pipeline_executable_info = true;
  }

  vk::PhysicalDeviceCooperativeMatrixFeaturesNV enable_cooperative_matrix(VK_TRUE);
  if (features_.shader_float16 && info_.subgroup_size == 32 &&
      has_cooperative_matrix_fp16(physical_, *instance_->get().getDispatcher())) {
    extensions.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
    *tail = &enable_cooperative_matrix;
    tail = &enable_cooperative_matrix.pNext;
    features_.cooperative_matrix_fp16 = true;
  }

  const float priority = 1.0f;
  vk::DeviceQueueCreateInfo queue_info({}, queue_family_, 1, &priority);
  vk::DeviceCreateInfo device_info({}, queue_info, {}, extensions);
  device_info.pNext = &enable;
  device_ = vk::raii::Device(physical_, device_info);
  queue_ = vk::raii::Queue(device_, queue_family_, 0);
}

}  // namespace qgemv::vk_util
