#pragma once
// The device capabilities a kernel declaration may require ("requires" in shaders/*.kernel.json):
// each one's name in the declaration, the SPIR-V capability a module that uses it declares (what
// the reflection test checks), and whether a device has it.
#include <span>
#include <string_view>

#include "vk/context.hpp"

namespace qgemv::kernels {

enum class Feature {
  storage_buffer_8bit,
  storage_buffer_16bit,
  subgroup_arithmetic,
  denorm_preserve_float32,
  cooperative_matrix_fp16,
};

struct FeatureInfo {
  Feature feature;
  std::string_view name;              // as written in a declaration
  std::string_view spirv_capability;  // OpCapability of a module that needs it
  std::string_view vulkan_name;       // what a skipped case says the device lacks
};

std::span<const FeatureInfo> feature_infos();
const FeatureInfo& info(Feature feature);
// std::invalid_argument naming the known features when `name` is not one.
Feature parse_feature(std::string_view name);
bool device_has(Feature feature, const vk_util::Context& context);

}  // namespace qgemv::kernels
