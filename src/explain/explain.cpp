#include "explain/explain.hpp"

#include <fmt/format.h>

#include "kernels/kernel_table.hpp"
#include "util/error.hpp"
#include "vk/pipeline.hpp"

namespace qgemv::explain {
namespace {

constexpr double kWeightsPerBlock = 32;
constexpr std::int64_t kKnownGroupSize = 128;

void add_notes(VariantExplanation& v, const SpirvModule& module) {
  const auto& census = v.census;
  for (const auto& loop : census.nested) {
    if (loop.trip_count == 0) {
      v.notes.push_back(fmt::format("loop %{} inside the inner loop: trip count not stated by the module, counted once",
                                    loop.header));
    }
  }
  if (census.constant_branches_folded) {
    v.notes.push_back("branches on specialization constants counted on the side these constants take");
  }
  if (v.storage == Storage::bb && !census.per_iteration.weight_load_bits.empty()) {
    for (const auto& [bits, loads] : census.per_iteration.weight_load_bits) {
      if (bits != 4 * v.weights_per_load) {
        v.notes.push_back(fmt::format("a weight load of {} bits where the layout says {} weights per load", bits,
                                      v.weights_per_load));
      }
    }
  }
  (void)module;
}

}  // namespace

std::uint32_t weights_per_load(quant::Layout layout) {
  // Two 4-bit codes a byte: legacy loads 4 bytes (u8vec4 / RGBA8UI), block 4x8 16 (uvec4 / RGBA32UI).
  return layout == quant::Layout::legacy_interleaved ? 8 : 32;
}

VariantExplanation explain_variant(const kernels::KernelDesc& kernel, DType dtype, Storage storage,
                                   const kernels::TuneConfig& config) {
  VariantExplanation v;
  v.kernel = &kernel;
  v.dtype = dtype;
  v.storage = storage;

  if (kernel.tunable) v.tune_config = config.to_string();
  // The census does not depend on the group size; 128 stands in for it (the shipped models' value).
  const auto dispatch = kernels::dispatch_for(kernel, config);
  for (const auto& c : kernels::specialization(kernel, dispatch, kKnownGroupSize)) v.specialization[c.id] = c.value;
  v.flavour = dispatch.flavour;
  v.module = kernels::variant_name(kernel, dtype, storage, v.flavour);
  const SpirvModule module(kernels::load_spirv(kernel, dtype, storage, v.flavour));
  const Bindings bindings{kernel.binding("weights"), kernel.binding("qparams"), kernel.binding("input"),
                          kernel.binding("output")};
  v.census = census_inner_loop(module, bindings, v.specialization);
  v.totals = module_totals(module);
  v.weights_per_load = weights_per_load(kernel.layout);
  if (!v.census.found) {
    v.notes.push_back("no loop reads the weight binding: nothing to count per 32 weights");
    return v;
  }
  v.weights_per_iteration = v.census.per_iteration[Category::weight_load] * v.weights_per_load;
  v.per_32_weights = v.census.per_iteration.scaled(kWeightsPerBlock / v.weights_per_iteration);
  add_notes(v, module);
  return v;
}

Explanation run_explain(const ExplainOptions& options) {
  Explanation out;
  for (const auto* kernel : options.kernels) {
    for (const auto dtype : options.dtypes) {
      for (const auto storage : options.storages) out.variants.push_back(explain_variant(*kernel, dtype, storage, options.config));
    }
  }
  if (!options.driver) {
    out.driver_statistics = "not asked for (--no-driver)";
    return out;
  }
  vk_util::ContextOptions context_options;
  context_options.device_selector = options.device;
  context_options.validation_layer = options.validation_layer;
  context_options.pipeline_executable_info = true;
  vk_util::Context context(context_options);
  out.device = context.info();
  if (!context.features().pipeline_executable_info) {
    out.driver_statistics = "the device does not expose VK_KHR_pipeline_executable_properties";
    for (auto& v : out.variants) v.driver_skipped = out.driver_statistics;
    return out;
  }
  out.driver_statistics = "available";
  for (auto& v : out.variants) {
    v.driver_skipped = kernels::unsupported_reason(*v.kernel, v.dtype, v.storage, context, v.flavour);
    if (!v.driver_skipped.empty()) continue;
    const auto spirv = kernels::load_spirv(*v.kernel, v.dtype, v.storage, v.flavour);
    std::vector<vk_util::SpecializationConstant> constants;
    for (const auto& [id, value] : v.specialization) constants.push_back({id, value});
    vk_util::PipelineDesc desc{spirv, kernels::descriptor_layout(*v.kernel, v.storage), sizeof(kernels::PushConstants), constants,
                               1, capture_flags(options.representations)};
    const vk_util::ComputePipeline pipeline(context, desc);
    v.driver = pipeline_executables(context, pipeline.handle(), options.representations);
  }
  if (options.validation_layer && context.validation_log().count > 0) {
    throw std::runtime_error(fmt::format("the validation layer reported {} message(s), first: {}",
                                         context.validation_log().count,
                                         context.validation_log().first_messages.front()));
  }
  return out;
}

}  // namespace qgemv::explain
