#pragma once
// Round-robin repetitions: repetition 1 of every variant, then repetition 2, ... so that load that
// comes and goes on the machine (another job, clocks, thermals) hits every variant alike, and
// repetition i of two variants can be paired.
#include <atomic>
#include <functional>
#include <optional>
#include <vector>

#include "bench/timing.hpp"

namespace qgemv::bench {

// Takes repetitions from each measurement in turn until none wants more; `before_each(i)` is told
// which one is about to run (so a lost device can be blamed on it). std::nullopt when interrupted.
std::optional<std::vector<Timing>> take_interleaved(const std::vector<Measurement*>& measurements,
                                                    const std::atomic<bool>& interrupted,
                                                    const std::function<void(std::size_t)>& before_each = {});

}  // namespace qgemv::bench
