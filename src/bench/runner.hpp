#pragma once
// Runs one case (problem x kernel x storage) on the GPU: upload, validated run, warm-up, timed
// repetitions. Measures and returns; never prints.
#include <filesystem>
#include <optional>

#include "bench/case_result.hpp"
#include "bench/problem.hpp"
#include "kernels/kernel_table.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"

namespace qgemv::bench {

struct RunSettings {
  int warmup = 10;
  int repetitions = 100;
  bool validate = true;
  std::optional<std::filesystem::path> dump_dir;  // --dump: per-case .npy files + manifest
};

// Skips (status skipped) on a missing feature or a size over a device limit, fails (status
// failed) on a validation mismatch; vk::DeviceLostError propagates so the sweep can rebuild the
// device.
CaseResult run_case(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                    const kernels::KernelDesc& kernel, Storage storage, const RunSettings& settings);

}  // namespace qgemv::bench
