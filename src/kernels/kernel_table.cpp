#include "kernels/kernel_table.hpp"

#include <fmt/format.h>

#include <cstring>

#include "util/embedded.hpp"
#include "util/error.hpp"
#include "util/suggest.hpp"

namespace qgemv::kernels {

const std::vector<KernelDesc>& kernel_table() {
  static const std::vector<KernelDesc> table = {
      {"legacy", "u8vec4 loads, interleaved layout, worker 0 sums the partials",
       quant::Layout::legacy_interleaved, 64, true},
      {"coop", "one uvec4 load per 32 codes, block 4x8 layout, tree reduction",
       quant::Layout::coop_block4x8, 8, false},
      {"coop_tuned", "block 4x8 layout, tunable workgroup shape, loads in flight and reduction",
       quant::Layout::coop_block4x8, 8, false, false, true},
      {"legacy_swapped_nibbles", "legacy decoding nibbles in the wrong order (test only)",
       quant::Layout::legacy_interleaved, 64, true, true},
      {"coop_swapped_nibbles", "coop decoding nibbles in the wrong order (test only)",
       quant::Layout::coop_block4x8, 8, false, true},
      {"coop_tuned_swapped_nibbles", "coop_tuned decoding nibbles in the wrong order (test only)",
       quant::Layout::coop_block4x8, 8, false, true, true},
  };
  return table;
}

std::vector<const KernelDesc*> default_kernels() {
  std::vector<const KernelDesc*> out;
  for (const auto& kernel : kernel_table()) {
    if (!kernel.test_only) out.push_back(&kernel);
  }
  return out;
}

const KernelDesc& find_kernel(std::string_view name) {
  std::vector<std::string_view> known;
  for (const auto& kernel : kernel_table()) {
    if (kernel.name == name) return kernel;
    known.push_back(kernel.name);
  }
  throw UsageError(fmt::format("unknown kernel \"{}\"{}", name, suggestion(name, known, "known")));
}

Dispatch dispatch_for(const KernelDesc& kernel, const TuneConfig& config) {
  if (!kernel.tunable) return {kernel.channels_per_workgroup, {}};
  // Constant ids are those of shaders/coop_tuned.comp.
  return {config.channels_per_workgroup(),
          {{0, config.workgroup_size()}, {1, config.threads_per_block}, {2, config.loads_per_step},
           {3, config.subgroup_reduction ? 1u : 0u}, {4, config.prefetch ? 1u : 0u},
           {5, config.interleaved ? 1u : 0u}}};
}

std::string variant_name(const KernelDesc& kernel, DType dtype, Storage storage) {
  return fmt::format("{}.{}.{}", kernel.name, to_string(dtype), to_string(storage));
}

std::vector<std::uint32_t> load_spirv(const KernelDesc& kernel, DType dtype, Storage storage) {
  return load_spirv(variant_name(kernel, dtype, storage));
}

std::vector<std::uint32_t> load_spirv(std::string_view name) {
  for (const auto& [module_name, bytes] : embedded::spirv_modules()) {
    if (module_name != name) continue;
    std::vector<std::uint32_t> words(bytes.size() / 4);
    std::memcpy(words.data(), bytes.data(), words.size() * 4);
    return words;
  }
  throw UnsupportedError(fmt::format("variant {} is not built into this binary", name));
}

std::string unsupported_reason(const KernelDesc& kernel, DType dtype, Storage storage,
                               const vk_util::DeviceFeatures& features) {
  if (kernel.uses_8bit_storage && storage == Storage::bb && !features.storage_buffer_8bit) {
    return "device lacks storageBuffer8BitAccess (u8vec4 weight loads)";
  }
  if (dtype == DType::fp16 && !features.storage_buffer_16bit) {
    return "device lacks storageBuffer16BitAccess (fp16 buffers)";
  }
  return {};
}

}  // namespace qgemv::kernels
