#pragma once
// The table of GEMV kernels, parsed at startup from the kernel declarations built into the binary
// (shaders/<kernel>.kernel.json; docs/kernels.md). The same declarations drive the build's SPIR-V
// variants (cmake/kernels.cmake), so adding a kernel is one shader plus one declaration: the
// runner reads layout, bindings, specialization constants, required features and dispatch
// geometry from the table and never names a kernel.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernels/features.hpp"
#include "kernels/split_k.hpp"
#include "kernels/tune_config.hpp"
#include "quant/packing.hpp"
#include "util/dtype.hpp"
#include "util/embedded.hpp"
#include "vk/context.hpp"
#include "vk/pipeline.hpp"

namespace qgemv::kernels {

// baseline: what speedups are relative to; reproduced: a shader of another project, kept
// faithful; tuned: ours; test_only: deliberately broken, exists to prove validation fails it.
enum class Role { baseline, reproduced, tuned, test_only };
std::string_view to_string(Role role);

// A feature the kernel needs, for every variant or only for one dtype / storage.
struct Requirement {
  Feature feature;
  std::optional<DType> dtype;
  std::optional<Storage> storage;
};

// A build flavour: the same source with extra defines, a variant of its own (e.g. coop_tuned's
// subgroup and shared-memory reductions). Kernels without flavours have one unnamed flavour.
struct Flavour {
  std::string name;
  std::vector<Feature> features;
};

struct KernelDesc {
  std::string name;
  std::string summary;
  Role role = Role::tuned;
  std::string reproduces;  // what it reproduces (project, file, commit); empty for our own kernels
  std::string source;      // shader file in shaders/
  std::string compiler;    // "glslc -O" or "glslangValidator -V"
  quant::Layout layout = quant::Layout::coop_block4x8;
  quant::Quantization quantization = quant::Quantization::affine;  // symmetric: no zeros, data to match
  std::uint32_t channels_per_workgroup = 8;  // output channels one workgroup produces (untuned)
  std::vector<DType> dtypes;
  std::vector<Storage> storages;
  std::vector<DType> extension_dtypes;  // dtypes the reproduced project does not have
  std::vector<std::pair<std::string, std::uint32_t>> bindings;        // weights/qparams/input/output -> binding
  std::vector<std::pair<std::string, std::uint32_t>> specialization;  // constant name -> constant_id
  std::vector<std::string> tunable_parameters;
  std::vector<Requirement> requirements;
  std::vector<Flavour> flavours;
  std::optional<SplitK> split_k;  // with a "scratch" binding and a "subgroups_along_k" constant
  bool test_only = false;  // role == test_only
  // In runs without --kernels; false for a kernel most devices cannot run (coopmat: tensor cores
  // through an NVIDIA extension), which would fill every table with skipped rows.
  bool in_default_run = true;
  bool tunable = false;    // has tunable parameters: geometry comes from a TuneConfig

  std::uint32_t binding(std::string_view resource) const;
  const Flavour& flavour(std::string_view name) const;
  // The declaration's "reproduces", marked as an extension for a dtype the original lacks.
  std::string reproduces_for(DType dtype) const;
  // Channels per slice granule when splitting N: the smallest any configuration dispatches.
  std::uint32_t split_channels() const { return tunable ? 8 : channels_per_workgroup; }
};

// Geometry and specialization values of one kernel variant; `config` is used by tunable kernels.
struct Dispatch {
  std::uint32_t channels_per_workgroup;
  // Values by the declaration's constant names (group_size is added per case: specialization()).
  std::vector<std::pair<std::string, std::uint32_t>> constants;
  std::string flavour;  // "" for a kernel without flavours
  std::uint32_t k_slices = 1;  // workgroups along K (split-K kernels)

  std::uint32_t workgroups(std::int64_t n) const {
    return static_cast<std::uint32_t>((n + channels_per_workgroup - 1) / channels_per_workgroup);
  }
  // The value of constant `name`, if the dispatch has one.
  std::optional<std::uint32_t> constant(std::string_view name) const;
  bool operator==(const Dispatch&) const = default;
};
// Without a shape: a split-K kernel at its declared subgroups, K in one workgroup (explain's view).
Dispatch dispatch_for(const KernelDesc& kernel, const TuneConfig& config);
// `dispatch` with a split-K kernel's geometry for this shape (k_split); others unchanged.
Dispatch fit_to_shape(const KernelDesc& kernel, Dispatch dispatch, std::int64_t n, std::int64_t k,
                      std::int64_t group_size);

// The pipeline's specialization constants: every constant the declaration names, at its declared
// id, valued from `dispatch` or, for group_size and k4_per_group (group_size / 4), from
// `group_size`; std::logic_error when one of them has no value.
std::vector<vk_util::SpecializationConstant> specialization(const KernelDesc& kernel, const Dispatch& dispatch,
                                                            std::int64_t group_size);

// The geometry along K of a split-K kernel for one GEMV (SplitK's rule); {1, 1} for other kernels.
KSplit k_split(const KernelDesc& kernel, std::int64_t n, std::int64_t k, std::int64_t group_size);
// Bytes of the scratch buffer (shaders/split_k.glsl) of one dispatch of `n` channels in `k_slices`
// slices: a counter per workgroup along N, then every slice's partial sums.
std::uint64_t scratch_bytes(const KernelDesc& kernel, std::int64_t n, std::uint32_t k_slices);

// The resources every GEMV kernel binds, and the descriptor type each has under `storage`; a
// kernel with split_k also binds "scratch".
constexpr std::string_view kResources[] = {"weights", "qparams", "input", "output"};
constexpr std::string_view kScratch = "scratch";
vk::DescriptorType descriptor_type(std::string_view resource, Storage storage);
// Descriptor types indexed by the binding numbers the kernel declares.
std::vector<vk::DescriptorType> descriptor_layout(const KernelDesc& kernel, Storage storage);

// Every kernel of this binary (test-only ones only in the test build).
const std::vector<KernelDesc>& kernel_table();
// Parses one declaration into its kernel and its test-only twins; std::invalid_argument naming
// `origin` on a malformed one.
std::vector<KernelDesc> parse_declaration(std::string_view json, std::string_view origin);

// Kernels run when --kernels is not given (every kernel that is not test-only or opted out).
std::vector<const KernelDesc*> default_kernels();
// The kernel speedups are relative to (role baseline).
const KernelDesc& baseline_kernel();

// For results, by kernel name: what it reproduces in `dtype` (empty for our own kernels and names
// not in this binary), and whether `dtype` is an extension of the reproduced original.
std::string reproduces_of(std::string_view kernel, DType dtype);
bool is_extension(std::string_view kernel, DType dtype);
// The quantization a kernel computes, by name (affine for names not in this binary).
quant::Quantization quantization_of(std::string_view kernel);

// UsageError suggesting the nearest known kernel (or listing them) when `name` is not in the
// table; test-only kernels are never offered.
const KernelDesc& find_kernel(std::string_view name);

// Name of the embedded SPIR-V module for one variant, e.g. "coop.fp32.bb", "coop_tuned.fp32.bb.shared".
std::string variant_name(const KernelDesc& kernel, DType dtype, Storage storage, std::string_view flavour = {});
// Every variant name the declaration builds.
std::vector<std::string> variant_names(const KernelDesc& kernel);

// The module's words; UnsupportedError when this variant was not built.
std::vector<std::uint32_t> load_spirv(const KernelDesc& kernel, DType dtype, Storage storage,
                                      std::string_view flavour = {});
std::vector<std::uint32_t> load_spirv(std::string_view module_name);

// Empty when the device has every feature the variant declares (its flavour's too when given),
// else the reason it is skipped.
std::string unsupported_reason(const KernelDesc& kernel, DType dtype, Storage storage, const vk_util::Context& context,
                               std::string_view flavour = {});

// Empty when a tunable kernel can run `config` for this dtype, storage and group size on this
// device (the configuration's own constraints, then its flavour's features), else why not.
std::string configuration_problem(const KernelDesc& kernel, DType dtype, Storage storage, const TuneConfig& config,
                                  std::int64_t group_size, const vk_util::Context& context);

// The test build registers the test-only kernels' modules here (tests/support/test_kernels.cpp),
// before main; the shipped binary has none, so its table has no test-only kernels.
bool register_test_modules(const embedded::Table& modules);

// Push constants shared by every kernel (shaders/common.glsl).
struct PushConstants {
  std::uint32_t n;
  std::uint32_t k;
  std::uint32_t padded_n;
  std::uint32_t out_offset;      // first output channel of this slice
  std::uint32_t out_row_texels;  // tt only: texels per output image row
};

}  // namespace qgemv::kernels
