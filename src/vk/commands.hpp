#pragma once
#include <functional>

#include "vk/context.hpp"

namespace qgemv::vk_util {

// One reusable command buffer with its fence: record, submit, wait. The benchmark is strictly
// sequential, so one of these per context is all that is needed.
class Commands {
 public:
  explicit Commands(const Context& context);

  // Records with `record`, submits, and blocks until the GPU has finished.
  void run(const std::function<void(const vk::raii::CommandBuffer&)>& record);

 private:
  const Context& context_;
  vk::raii::CommandPool pool_{nullptr};
  vk::raii::CommandBuffer buffer_{nullptr};
  vk::raii::Fence fence_{nullptr};
};

}  // namespace qgemv::vk_util
