#pragma once
#include <functional>
#include <stdexcept>

#include "vk/context.hpp"

namespace qgemv::vk_util {

// A submission that did not finish within ContextOptions::submit_timeout_s. By the time it is
// thrown the device is idle again (or lost), so unwinding may free the resources the work used.
class SubmitTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One reusable command buffer with its fence: record, submit, wait. The benchmark is strictly
// sequential, so one of these per context is all that is needed.
class Commands {
 public:
  explicit Commands(const Context& context);

  // Records with `record`, submits, and blocks until the GPU has finished. Throws
  // vk::DeviceLostError or SubmitTimeout; the caller then rebuilds the device.
  void run(const std::function<void(const vk::raii::CommandBuffer&)>& record);

  // Fault injection for the recovery tests: the next run() submits and waits as usual, then
  // reports the device lost, since no driver can be made to lose it on demand.
  void report_device_lost_after_next_submit() { inject_device_lost_ = true; }

 private:
  const Context& context_;
  vk::raii::CommandPool pool_{nullptr};
  vk::raii::CommandBuffer buffer_{nullptr};
  vk::raii::Fence fence_{nullptr};
  bool inject_device_lost_ = false;
};

}  // namespace qgemv::vk_util
