#pragma once
// Moves what the Khronos validation layer reported since the last call into a result (a sweep's or
// a decode's), so each result counts its own messages.
#include <mutex>

#include "vk/context.hpp"

namespace qgemv::bench {

template <typename Result>
void collect_validation_messages(vk_util::Context& context, Result& out) {
  auto& log = context.validation_log();
  std::lock_guard lock(log.mutex);
  out.validation_messages += log.count;
  for (const auto& m : log.first_messages) out.first_validation_messages.push_back(m);
  log.count = 0;
  log.first_messages.clear();
}

}  // namespace qgemv::bench
