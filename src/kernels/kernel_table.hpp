#pragma once
// The table of GEMV kernels. Adding a kernel is one shader in shaders/ plus one row here: the
// runner reads layout, bindings and dispatch geometry from the row and never names a kernel.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/tune_config.hpp"
#include "quant/packing.hpp"
#include "util/dtype.hpp"
#include "vk/context.hpp"
#include "vk/pipeline.hpp"

namespace qgemv::kernels {

struct KernelDesc {
  std::string_view name;
  std::string_view summary;
  quant::Layout layout;
  std::uint32_t channels_per_workgroup;  // output channels one workgroup produces
  bool uses_8bit_storage;                // weights read as u8vec4 from a storage buffer
  bool test_only = false;                // deliberately broken: exists to prove validation fails it
  bool tunable = false;                  // geometry comes from a TuneConfig (specialization constants)
};

// Geometry and specialization constants of one kernel variant; `config` is used by tunable kernels.
struct Dispatch {
  std::uint32_t channels_per_workgroup;
  std::vector<vk_util::SpecializationConstant> specialization;

  std::uint32_t workgroups(std::int64_t n) const {
    return static_cast<std::uint32_t>((n + channels_per_workgroup - 1) / channels_per_workgroup);
  }
};
Dispatch dispatch_for(const KernelDesc& kernel, const TuneConfig& config);

const std::vector<KernelDesc>& kernel_table();

// Kernels run when --kernels is not given (every kernel that is not test-only).
std::vector<const KernelDesc*> default_kernels();

// UsageError suggesting the nearest known kernel (or listing them) when `name` is not in the table.
const KernelDesc& find_kernel(std::string_view name);

// Name of the embedded SPIR-V module for one variant, e.g. "coop.fp32.bb".
std::string variant_name(const KernelDesc& kernel, DType dtype, Storage storage);

// The module's words; UnsupportedError when this variant was not built.
std::vector<std::uint32_t> load_spirv(const KernelDesc& kernel, DType dtype, Storage storage);
std::vector<std::uint32_t> load_spirv(std::string_view module_name);

// Empty when the device can run the variant, else the reason it is skipped.
std::string unsupported_reason(const KernelDesc& kernel, DType dtype, Storage storage,
                               const vk_util::DeviceFeatures& features);

// Push constants shared by every kernel (shaders/common.glsl).
struct PushConstants {
  std::uint32_t n;
  std::uint32_t k;
  std::uint32_t group_size;
  std::uint32_t padded_n;
  std::uint32_t out_offset;      // first output channel of this slice
  std::uint32_t out_row_texels;  // tt only: texels per output image row
};

}  // namespace qgemv::kernels
