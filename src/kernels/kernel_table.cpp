#include "kernels/kernel_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "kernels/fragment_layout.hpp"
#include "util/error.hpp"
#include "util/suggest.hpp"

namespace qgemv::kernels {
namespace {

const embedded::Table*& test_modules() {
  static const embedded::Table* modules = nullptr;
  return modules;
}

template <typename T>
bool contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::baseline: return "baseline";
    case Role::reproduced: return "reproduced";
    case Role::tuned: return "tuned";
    case Role::test_only: return "test-only";
  }
  return "?";
}

std::uint32_t KernelDesc::binding(std::string_view resource) const {
  for (const auto& [name, number] : bindings) {
    if (name == resource) return number;
  }
  throw std::invalid_argument(fmt::format("kernel {} declares no binding for {}", name, resource));
}

const Flavour& KernelDesc::flavour(std::string_view wanted) const {
  for (const auto& f : flavours) {
    if (f.name == wanted) return f;
  }
  throw std::logic_error(fmt::format("kernel {} has no flavour \"{}\"", name, wanted));
}

std::string KernelDesc::reproduces_for(DType dtype) const {
  if (reproduces.empty()) return {};
  if (contains(extension_dtypes, dtype)) {
    return fmt::format("extension of {} ({} is not in the original); built with {}", reproduces,
                       qgemv::to_string(dtype), compiler);
  }
  return fmt::format("{}; built with {}", reproduces, compiler);
}

vk::DescriptorType descriptor_type(std::string_view resource, Storage storage) {
  using T = vk::DescriptorType;
  if (resource == kScratch) return T::eStorageBuffer;
  if (resource == "weights") return storage == Storage::bb ? T::eStorageBuffer : T::eCombinedImageSampler;
  if (resource == "qparams") return T::eStorageBuffer;
  const bool io_images = storage == Storage::tt;
  if (resource == "input") return io_images ? T::eCombinedImageSampler : T::eStorageBuffer;
  if (resource == "output") return io_images ? T::eStorageImage : T::eStorageBuffer;
  throw std::logic_error(fmt::format("no resource {}", resource));
}

std::vector<vk::DescriptorType> descriptor_layout(const KernelDesc& kernel, Storage storage) {
  std::vector<vk::DescriptorType> out(kernel.bindings.size());
  for (const auto& [resource, number] : kernel.bindings) out.at(number) = descriptor_type(resource, storage);
  return out;
}

bool register_test_modules(const embedded::Table& modules) {
  test_modules() = &modules;
  return true;
}

const std::vector<KernelDesc>& kernel_table() {
  static const std::vector<KernelDesc> table = [] {
    std::vector<KernelDesc> out;
    for (const auto& [name, bytes] : embedded::kernel_declarations()) {
      const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      for (auto& kernel : parse_declaration(text, fmt::format("shaders/{}.kernel.json", name))) {
        if (kernel.test_only && !test_modules()) continue;
#if defined(QGEMV_TEST_SLOW_COOP)
        if (kernel.name == "coop") kernel.summary += " [SLOWED: built with QGEMV_TEST_SLOW_COOP, test only]";
#endif
#if defined(QGEMV_REPRODUCED_GLSLANG)
        if (kernel.compiler == "glslc -O" && !kernel.reproduces.empty()) {
          kernel.compiler = "glslangValidator -V (QGEMV_REPRODUCED_GLSLC_O=OFF)";
        }
#endif
#if defined(QGEMV_OWN_KERNELS_COMPILER)
        if (kernel.reproduces.empty()) kernel.compiler = QGEMV_OWN_KERNELS_COMPILER " (QGEMV_OWN_KERNELS_COMPILER)";
#endif
        out.push_back(std::move(kernel));
      }
    }
    // Baseline first, then reproduced, tuned and test-only kernels: the order of sweeps and tables.
    std::stable_sort(out.begin(), out.end(), [](const KernelDesc& a, const KernelDesc& b) { return a.role < b.role; });
    return out;
  }();
  return table;
}

std::vector<const KernelDesc*> default_kernels() {
  std::vector<const KernelDesc*> out;
  for (const auto& kernel : kernel_table()) {
    if (!kernel.test_only && kernel.in_default_run) out.push_back(&kernel);
  }
  return out;
}

const KernelDesc& baseline_kernel() {
  for (const auto& kernel : kernel_table()) {
    if (kernel.role == Role::baseline) return kernel;
  }
  throw std::logic_error("no kernel declares the role baseline");
}

namespace {
const KernelDesc* lookup(std::string_view name) {
  for (const auto& kernel : kernel_table()) {
    if (kernel.name == name) return &kernel;
  }
  return nullptr;
}
}  // namespace

std::string reproduces_of(std::string_view kernel, DType dtype) {
  const auto* k = lookup(kernel);
  return k ? k->reproduces_for(dtype) : std::string();
}

bool is_extension(std::string_view kernel, DType dtype) {
  const auto* k = lookup(kernel);
  return k && !k->reproduces.empty() && contains(k->extension_dtypes, dtype);
}

quant::Quantization quantization_of(std::string_view kernel) {
  const auto* k = lookup(kernel);
  return k ? k->quantization : quant::Quantization::affine;
}

const KernelDesc& find_kernel(std::string_view name) {
  std::vector<std::string_view> known;
  for (const auto& kernel : kernel_table()) {
    if (kernel.name == name) return kernel;
    if (!kernel.test_only) known.push_back(kernel.name);
  }
  throw UsageError(fmt::format("unknown kernel \"{}\"{}", name, suggestion(name, known, "known")));
}

KSplit k_split(const KernelDesc& kernel, std::int64_t n, std::int64_t k, std::int64_t group_size) {
  if (!kernel.split_k) return {};
  return split_along_k(*kernel.split_k, kernel.channels_per_workgroup, n, k, group_size);
}

std::optional<std::uint32_t> Dispatch::constant(std::string_view name) const {
  for (const auto& [key, value] : constants) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::uint64_t scratch_bytes(const KernelDesc& kernel, std::int64_t n, std::uint32_t k_slices) {
  const std::uint64_t channels = kernel.channels_per_workgroup;
  const auto ranges = (static_cast<std::uint64_t>(n) + channels - 1) / channels;
  return 4 * (ranges + std::uint64_t{k_slices} * ranges * channels);
}

Dispatch dispatch_for(const KernelDesc& kernel, const TuneConfig& config) {
  if (kernel.split_k) {
    return {kernel.channels_per_workgroup, {{std::string(kSubgroupsAlongK), kernel.split_k->subgroups}},
            kernel.flavours.front().name};
  }
  if (!kernel.tunable) return {kernel.channels_per_workgroup, {}, kernel.flavours.front().name};
  return {config.channels_per_workgroup(),
          {{"workgroup_size", config.workgroup_size()},
           {"threads_per_block", config.threads_per_block},
           {"loads_per_step", config.loads_per_step},
           {"prefetch", config.prefetch ? 1u : 0u},
           {"interleaved", config.interleaved ? 1u : 0u},
           {"decode", static_cast<std::uint32_t>(config.decode)}},
          config.flavour()};
}

Dispatch fit_to_shape(const KernelDesc& kernel, Dispatch dispatch, std::int64_t n, std::int64_t k,
                      std::int64_t group_size) {
  if (!kernel.split_k) return dispatch;
  const auto split = k_split(kernel, n, k, group_size);
  for (auto& [name, value] : dispatch.constants) {
    if (name == kSubgroupsAlongK) value = split.subgroups;
  }
  dispatch.k_slices = split.slices;
  return dispatch;
}

std::vector<vk_util::SpecializationConstant> specialization(const KernelDesc& kernel, const Dispatch& dispatch,
                                                            std::int64_t group_size) {
  std::vector<vk_util::SpecializationConstant> out;
  for (const auto& [name, id] : kernel.specialization) {
    if (name == "group_size" || name == "k4_per_group") {
      out.push_back({id, static_cast<std::uint32_t>(name == "group_size" ? group_size : group_size / 4)});
      continue;
    }
    const auto value = dispatch.constant(name);
    if (!value) {
      throw std::logic_error(fmt::format("kernel {}: no value for specialization constant {}", kernel.name, name));
    }
    out.push_back({id, *value});
  }
  return out;
}

std::string variant_name(const KernelDesc& kernel, DType dtype, Storage storage, std::string_view flavour) {
  if (flavour.empty()) return fmt::format("{}.{}.{}", kernel.name, to_string(dtype), to_string(storage));
  return fmt::format("{}.{}.{}.{}", kernel.name, to_string(dtype), to_string(storage), flavour);
}

std::vector<std::string> variant_names(const KernelDesc& kernel) {
  std::vector<std::string> out;
  for (auto dtype : kernel.dtypes) {
    for (auto storage : kernel.storages) {
      for (const auto& flavour : kernel.flavours) out.push_back(variant_name(kernel, dtype, storage, flavour.name));
    }
  }
  return out;
}

std::vector<std::uint32_t> load_spirv(const KernelDesc& kernel, DType dtype, Storage storage, std::string_view flavour) {
  return load_spirv(variant_name(kernel, dtype, storage, flavour));
}

std::vector<std::uint32_t> load_spirv(std::string_view name) {
  for (const auto* table : {&embedded::spirv_modules(), test_modules()}) {
    if (!table) continue;
    for (const auto& [module_name, bytes] : *table) {
      if (module_name != name) continue;
      std::vector<std::uint32_t> words(bytes.size() / 4);
      std::memcpy(words.data(), bytes.data(), words.size() * 4);
      return words;
    }
  }
  throw UnsupportedError(fmt::format("variant {} is not built into this binary", name));
}

std::string unsupported_reason(const KernelDesc& kernel, DType dtype, Storage storage, const vk_util::Context& context,
                               std::string_view flavour) {
  if (!contains(kernel.dtypes, dtype) || !contains(kernel.storages, storage)) {
    return fmt::format("{} has no {} {} variant", kernel.name, to_string(dtype), to_string(storage));
  }
  std::vector<Feature> needed;
  for (const auto& r : kernel.requirements) {
    if ((!r.dtype || *r.dtype == dtype) && (!r.storage || *r.storage == storage)) needed.push_back(r.feature);
  }
  if (!flavour.empty()) {
    for (auto f : kernel.flavour(flavour).features) needed.push_back(f);
  }
  for (auto f : needed) {
    if (!device_has(f, context)) return fmt::format("device lacks {} ({} needs it)", info(f).vulkan_name, kernel.name);
  }
  if (kernel.layout == quant::Layout::coopmat_fragment16) return fragment_layout_problem(context);
  return {};
}

std::string configuration_problem(const KernelDesc& kernel, DType dtype, Storage storage, const TuneConfig& config,
                                  std::int64_t group_size, const vk_util::Context& context) {
  if (auto why = config_problem(config, group_size, context.info()); !why.empty()) return why;
  return unsupported_reason(kernel, dtype, storage, context, dispatch_for(kernel, config).flavour);
}

}  // namespace qgemv::kernels
