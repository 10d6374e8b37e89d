#pragma once
// Instance + the one device and compute queue the benchmark runs on. Everything is a vk::raii
// object owned here; a lost device is handled by destroying this and building a new one.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vk/device_info.hpp"
#include "vk/vulkan.hpp"

namespace qgemv::vk_util {

struct ContextOptions {
  std::string device_selector;    // "" = best device; all digits = index; else a name substring
  bool validation_layer = false;  // enable VK_LAYER_KHRONOS_validation and record its messages
  // Longest wait for one submission before it counts as hung (0: no limit). Generous, since one
  // submission can hold 16 timed dispatches of lm_head on a CPU driver.
  double submit_timeout_s = 60;
  // Enable VK_KHR_pipeline_executable_properties where the device has it (`explain`).
  bool pipeline_executable_info = false;
};

// Messages of the validation layer (warnings and errors); a test fails when any arrive.
struct ValidationLog {
  std::mutex mutex;
  std::size_t count = 0;
  std::vector<std::string> first_messages;  // the first few, for the failure message
};

// Optional device features the kernels need; each is enabled only when the device has it, and a
// kernel variant whose requirement is missing is skipped with that reason.
struct DeviceFeatures {
  bool storage_buffer_8bit = false;
  bool storage_buffer_16bit = false;
  bool shader_int8 = false;
  bool shader_float16 = false;
  bool timestamps = false;  // compute queue has timestampValidBits > 0
  bool pipeline_executable_info = false;  // VK_KHR_pipeline_executable_properties, when asked for
  // VK_NV_cooperative_matrix with the shapes the coopmat kernel multiplies (16x16 by 16x8 fp16,
  // fp32 sums, subgroup scope), on 32-invocation subgroups.
  bool cooperative_matrix_fp16 = false;

  std::vector<std::string> enabled_names() const;
};

// Loader + instance, enough for list-devices.
class Instance {
 public:
  explicit Instance(bool validation_layer);
  const vk::raii::Instance& get() const { return instance_; }
  ValidationLog& validation_log() { return *log_; }

 private:
  vk::raii::Context context_;
  vk::raii::Instance instance_{nullptr};
  std::unique_ptr<ValidationLog> log_ = std::make_unique<ValidationLog>();
  vk::raii::DebugUtilsMessengerEXT messenger_{nullptr};
};

class Context {
 public:
  explicit Context(const ContextOptions& options);

  const vk::raii::Device& device() const { return device_; }
  const vk::raii::PhysicalDevice& physical_device() const { return physical_; }
  const vk::raii::Queue& queue() const { return queue_; }
  std::uint32_t queue_family() const { return queue_family_; }
  const DeviceInfo& info() const { return info_; }
  const DeviceFeatures& features() const { return features_; }
  const ContextOptions& options() const { return options_; }
  ValidationLog& validation_log() { return instance_->validation_log(); }
  // Answers of one-time probes of this device by the layers above (the cooperative-matrix fragment
  // order), by probe name, kept as long as the device.
  std::map<std::string, std::string, std::less<>>& probe_answers() const { return probe_answers_; }

 private:
  ContextOptions options_;
  std::unique_ptr<Instance> instance_;
  vk::raii::PhysicalDevice physical_{nullptr};
  DeviceInfo info_;
  DeviceFeatures features_;
  std::uint32_t queue_family_ = 0;
  vk::raii::Device device_{nullptr};
  vk::raii::Queue queue_{nullptr};
  mutable std::map<std::string, std::string, std::less<>> probe_answers_;
};

// Index chosen by `selector` among `devices` (see ContextOptions); UsageError when none matches.
std::uint32_t select_device(const std::vector<DeviceInfo>& devices, const std::string& selector);

}  // namespace qgemv::vk_util
