#pragma once
// coopmat_fragment16 packs weights in the order NVIDIA's driver keeps cooperative-matrix fragment
// elements (quant::coopmat_a_cell). Vulkan leaves that order to each driver, so before a coopmat
// kernel runs, the tool asks the device once (shaders/coopmat_fragment_probe.comp) instead of
// having every workgroup check it, which cost 1.5-10% (results/README.md, section 11).
#include <span>
#include <string>

#include "vk/context.hpp"

namespace qgemv::kernels {

// How the probe's output (32 invocations x 16 floats: A's 8 elements, B's 4, C's 4, each holding its
// tile's row-major index, -1 where the fragment has another length) differs from the order
// the packing assumes, e.g. "A element 2 of invocation 0 is at row 8, column 0 (coopmat_fragment16
// expects row 0, column 8)"; empty when the same.
std::string fragment_layout_mismatch(std::span<const float> held);

// Empty when the device keeps the fragments as packed; otherwise why coopmat kernels cannot run
// there. Runs the probe on the first call for a device; the answer is kept in the context.
std::string fragment_layout_problem(const vk_util::Context& context);

}  // namespace qgemv::kernels
