#pragma once
// Splits [0, count) into `threads` contiguous ranges and runs fn(begin, end) on each, one
// std::thread per range (std::jthread is missing from the NDK's libc++), joining before returning.
#include <cstdint>
#include <thread>
#include <vector>

namespace qgemv {

template <typename Fn>
void parallel_ranges(std::int64_t count, std::int64_t threads, Fn&& fn) {
  if (threads <= 1) {
    fn(std::int64_t{0}, count);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (std::int64_t t = 0; t < threads; ++t) {
    pool.emplace_back([&fn, t, threads, count] { fn(count * t / threads, count * (t + 1) / threads); });
  }
  for (auto& thread : pool) thread.join();
}

}  // namespace qgemv
