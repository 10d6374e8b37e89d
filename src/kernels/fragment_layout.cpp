#include "kernels/fragment_layout.hpp"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "kernels/kernel_table.hpp"
#include "quant/packing.hpp"
#include "vk/buffer.hpp"
#include "vk/commands.hpp"
#include "vk/pipeline.hpp"

namespace qgemv::kernels {
namespace {

constexpr std::string_view kProbeName = "coopmat_fragment_probe";
// The probe's output: 32 invocations x 16 floats (A's 8 elements, then B's 4, then C's 4).
constexpr int kProbeInvocations = 32;
constexpr int kProbeValuesPerInvocation = 16;

struct Fragment {
  const char* name;
  int offset;    // first of its values in an invocation's 16
  int elements;  // per invocation
  int columns;   // of its tile, for the row-major index
  quant::TileCell (*cell)(int lane, int element);
};

constexpr Fragment kFragments[] = {
    {"A", 0, 8, 16, quant::coopmat_a_cell},
    {"B", 8, 4, 8, quant::coopmat_bc_cell},
    {"C", 12, 4, 8, quant::coopmat_bc_cell},
};

constexpr int kTileRows = 16;

std::string describe(float value, int columns) {
  if (value == -1.0f) return "missing (the driver's fragment has another length)";
  // Checked before any conversion to int, which is undefined for NaN and out-of-range values.
  if (!(value >= 0 && value < static_cast<float>(kTileRows * columns)) || value != std::floor(value)) {
    return fmt::format("{} (not an element index)", value);
  }
  const auto index = static_cast<int>(value);
  return fmt::format("at row {}, column {}", index / columns, index % columns);
}

}  // namespace

std::string fragment_layout_mismatch(std::span<const float> held) {
  if (held.size() != static_cast<std::size_t>(kProbeInvocations * kProbeValuesPerInvocation)) {
    return fmt::format("the probe returned {} values instead of {}", held.size(),
                       kProbeInvocations * kProbeValuesPerInvocation);
  }
  for (int lane = 0; lane < kProbeInvocations; ++lane) {
    for (const auto& f : kFragments) {
      for (int e = 0; e < f.elements; ++e) {
        const float value = held[static_cast<std::size_t>(lane * kProbeValuesPerInvocation + f.offset + e)];
        const quant::TileCell want = f.cell(lane, e);
        if (value == static_cast<float>(want.row * f.columns + want.column)) continue;
        return fmt::format("{} element {} of invocation {} is {} (coopmat_fragment16 expects row {}, column {})", f.name,
                           e, lane, describe(value, f.columns), want.row, want.column);
      }
    }
  }
  return {};
}

namespace {

std::vector<float> run_probe(const vk_util::Context& context) {
  constexpr auto kBytes = sizeof(float) * kProbeInvocations * kProbeValuesPerInvocation;
  vk_util::Commands commands(context);
  vk_util::Buffer held(context, kBytes, vk_util::Buffer::Kind::device);
  const auto spirv = load_spirv(kProbeName);
  vk_util::ComputePipeline pipeline(context, {spirv, {vk::DescriptorType::eStorageBuffer}, 0, {}, 1});
  pipeline.bind_buffer(0, 0, held.handle(), 0, held.size());
  commands.run([&](const vk::raii::CommandBuffer& cmd) { pipeline.dispatch(cmd, 0, {}, 1); });
  return vk_util::download_as<float>(context, commands, held);
}

}  // namespace

std::string fragment_layout_problem(const vk_util::Context& context) {
  auto& answers = context.probe_answers();
  if (auto known = answers.find(kProbeName); known != answers.end()) return known->second;
  std::string problem;
  try {
    if (auto mismatch = fragment_layout_mismatch(run_probe(context)); !mismatch.empty()) {
      problem = "the driver keeps cooperative-matrix fragments in another order than the coopmat_fragment16 "
                "layout: " + mismatch;
    }
  } catch (const vk::DeviceLostError&) {
    throw;  // the caller rebuilds the device, as for any other submission
  } catch (const vk::SystemError& e) {
    // A driver that cannot build or run the probe cannot be trusted with coopmat either: its cases
    // are skipped with the reason rather than failing the whole run.
    problem = fmt::format("the cooperative-matrix fragment probe failed ({})", e.what());
  }
  answers.emplace(kProbeName, problem);
  return problem;
}

}  // namespace qgemv::kernels
