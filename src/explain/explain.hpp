#pragma once
// `qgemv-bench explain`: for each kernel x dtype x storage, the census of the embedded SPIR-V's
// inner loop normalised to 32 weights, and where the driver offers it, its own statistics of the
// compiled pipeline.
#include <optional>
#include <string>
#include <vector>

#include "explain/census.hpp"
#include "explain/driver_statistics.hpp"
#include "kernels/kernel_table.hpp"
#include "util/dtype.hpp"
#include "vk/device_info.hpp"

namespace qgemv::explain {

struct ExplainOptions {
  std::vector<const kernels::KernelDesc*> kernels;
  std::vector<DType> dtypes;
  std::vector<Storage> storages;
  std::string device;             // as --device of a sweep
  bool driver = true;             // false: census only, no Vulkan device needed
  bool representations = false;   // also the driver's internal representation text (--verbose)
  bool validation_layer = false;
  kernels::TuneConfig config;     // of tunable kernels (--config)
};

struct VariantExplanation {
  const kernels::KernelDesc* kernel = nullptr;
  DType dtype = DType::fp32;
  Storage storage = Storage::bb;
  std::string module;              // embedded module name, e.g. "coop.fp32.bb"
  std::string tune_config;         // tunable kernels: the configuration its constants come from
  std::string flavour;             // the kernel's build flavour dispatched by default ("" if none)
  Specialization specialization;   // SpecId -> value, as the tool dispatches it by default
  LoopCensus census;
  ModuleTotals totals;
  std::uint32_t weights_per_load = 0;  // from the kernel's layout
  double weights_per_iteration = 0;    // weight loads per iteration x weights_per_load
  Tally per_32_weights;
  std::vector<std::string> notes;      // what the reader must know about these numbers
  std::string driver_skipped;          // why the driver's statistics are missing, when they are
  std::vector<DriverExecutable> driver;
};

struct Explanation {
  std::optional<vk_util::DeviceInfo> device;  // absent with driver = false
  std::string driver_statistics;              // "available", or why not
  std::vector<VariantExplanation> variants;
};

// Weights one load of the weight binding carries in this layout (one u8vec4 or one uvec4).
std::uint32_t weights_per_load(quant::Layout layout);

// The census of one embedded variant, without any device.
VariantExplanation explain_variant(const kernels::KernelDesc& kernel, DType dtype, Storage storage,
                                   const kernels::TuneConfig& config = {});

Explanation run_explain(const ExplainOptions& options);

}  // namespace qgemv::explain
