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

// The drift rule (docs/measurement.md, "Drift"), for the sweep and decode alike: after the
// repetitions, when `unstable` says any of them is not stationary, every measurement drops its
// repetitions and takes a fresh set once; those timings say `remeasured`. What is still unstable
// then keeps its stability verdict for the reports. std::nullopt when interrupted.
using UnstableTest = std::function<bool(const std::vector<Timing>&)>;
std::optional<std::vector<Timing>> take_remeasuring_once(const std::vector<Measurement*>& measurements,
                                                         const std::atomic<bool>& interrupted,
                                                         const std::function<void(std::size_t)>& before_each,
                                                         const UnstableTest& unstable);

// Any timing's own repetitions unstable: the test for measurements that are not paired.
bool any_timing_unstable(const std::vector<Timing>& timings);

}  // namespace qgemv::bench
