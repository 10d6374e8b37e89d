#include "kernels/features.hpp"

#include <stdexcept>
#include <string>

namespace qgemv::kernels {

std::span<const FeatureInfo> feature_infos() {
  static constexpr FeatureInfo kFeatures[] = {
      {Feature::storage_buffer_8bit, "storage_buffer_8bit", "StorageBuffer8BitAccess", "storageBuffer8BitAccess"},
      {Feature::storage_buffer_16bit, "storage_buffer_16bit", "StorageBuffer16BitAccess", "storageBuffer16BitAccess"},
      {Feature::subgroup_arithmetic, "subgroup_arithmetic", "GroupNonUniformArithmetic",
       "compute subgroup arithmetic"},
      {Feature::denorm_preserve_float32, "denorm_preserve_float32", "DenormPreserve", "shaderDenormPreserveFloat32"},
      {Feature::cooperative_matrix_fp16, "cooperative_matrix_fp16", "CooperativeMatrixNV",
       "VK_NV_cooperative_matrix with fp16 16x8x16 products into fp32 (and shaderFloat16, 32-wide subgroups)"},
  };
  return kFeatures;
}

const FeatureInfo& info(Feature feature) {
  for (const auto& f : feature_infos()) {
    if (f.feature == feature) return f;
  }
  throw std::logic_error("feature without an entry in feature_infos()");
}

Feature parse_feature(std::string_view name) {
  std::string known;
  for (const auto& f : feature_infos()) {
    if (f.name == name) return f.feature;
    known += (known.empty() ? "" : ", ") + std::string(f.name);
  }
  throw std::invalid_argument("unknown feature \"" + std::string(name) + "\" (known: " + known + ")");
}

bool device_has(Feature feature, const vk_util::Context& context) {
  switch (feature) {
    case Feature::storage_buffer_8bit: return context.features().storage_buffer_8bit;
    case Feature::storage_buffer_16bit: return context.features().storage_buffer_16bit;
    case Feature::subgroup_arithmetic: return context.info().subgroup_arithmetic;
    case Feature::denorm_preserve_float32: return context.info().denorm_preserve_float32;
    case Feature::cooperative_matrix_fp16: return context.features().cooperative_matrix_fp16;
  }
  return false;
}

}  // namespace qgemv::kernels
