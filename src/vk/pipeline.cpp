#include "vk/pipeline.hpp"

#include <map>

namespace qgemv::vk_util {

ComputePipeline::ComputePipeline(const Context& context, const PipelineDesc& desc)
    : context_(context), bindings_(desc.bindings) {
  const auto& device = context.device();
  module_ = vk::raii::ShaderModule(device, vk::ShaderModuleCreateInfo({}, desc.spirv.size_bytes(), desc.spirv.data()));

  std::vector<vk::DescriptorSetLayoutBinding> layout_bindings;
  std::map<vk::DescriptorType, std::uint32_t> type_counts;
  for (std::uint32_t i = 0; i < desc.bindings.size(); ++i) {
    layout_bindings.emplace_back(i, desc.bindings[i], 1, vk::ShaderStageFlagBits::eCompute);
    type_counts[desc.bindings[i]] += desc.descriptor_sets;
  }
  set_layout_ = vk::raii::DescriptorSetLayout(device, vk::DescriptorSetLayoutCreateInfo({}, layout_bindings));

  std::vector<vk::PushConstantRange> push_ranges;
  if (desc.push_constant_bytes > 0) {
    push_ranges.emplace_back(vk::ShaderStageFlagBits::eCompute, 0, desc.push_constant_bytes);
  }
  vk::DescriptorSetLayout set_layout = *set_layout_;
  layout_ = vk::raii::PipelineLayout(device, vk::PipelineLayoutCreateInfo({}, set_layout, push_ranges));

  std::vector<vk::SpecializationMapEntry> entries;
  std::vector<std::uint32_t> values;
  for (const auto& constant : desc.specialization) {
    entries.emplace_back(constant.id, static_cast<std::uint32_t>(values.size() * sizeof(std::uint32_t)),
                         sizeof(std::uint32_t));
    values.push_back(constant.value);
  }
  vk::SpecializationInfo specialization(entries, vk::ArrayProxyNoTemporaries<const std::uint32_t>(values));
  vk::PipelineShaderStageCreateInfo stage({}, vk::ShaderStageFlagBits::eCompute, *module_, "main",
                                          entries.empty() ? nullptr : &specialization);
  pipeline_ = vk::raii::Pipeline(device, nullptr, vk::ComputePipelineCreateInfo(desc.create_flags, stage, *layout_));

  std::vector<vk::DescriptorPoolSize> sizes;
  for (const auto& [type, count] : type_counts) sizes.emplace_back(type, count);
  pool_ = vk::raii::DescriptorPool(
      device, vk::DescriptorPoolCreateInfo(vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet,
                                           desc.descriptor_sets, sizes));
  std::vector<vk::DescriptorSetLayout> layouts(desc.descriptor_sets, *set_layout_);
  sets_ = vk::raii::DescriptorSets(device, vk::DescriptorSetAllocateInfo(*pool_, layouts));
}

void ComputePipeline::bind_buffer(std::uint32_t set, std::uint32_t binding, vk::Buffer buffer, vk::DeviceSize offset,
                                  vk::DeviceSize range) {
  vk::DescriptorBufferInfo info(buffer, offset, range);
  vk::WriteDescriptorSet write(*sets_.at(set), binding, 0, bindings_.at(binding), nullptr, info);
  context_.device().updateDescriptorSets(write, nullptr);
}

void ComputePipeline::bind_image(std::uint32_t set, std::uint32_t binding, vk::ImageView view, vk::Sampler sampler) {
  vk::DescriptorImageInfo info(sampler, view, vk::ImageLayout::eGeneral);
  vk::WriteDescriptorSet write(*sets_.at(set), binding, 0, bindings_.at(binding), info);
  context_.device().updateDescriptorSets(write, nullptr);
}

void ComputePipeline::dispatch(const vk::raii::CommandBuffer& cmd, std::uint32_t set,
                               std::span<const std::uint8_t> push, std::uint32_t groups_x,
                               std::uint32_t groups_y) const {
  cmd.bindPipeline(vk::PipelineBindPoint::eCompute, *pipeline_);
  cmd.bindDescriptorSets(vk::PipelineBindPoint::eCompute, *layout_, 0, *sets_.at(set), nullptr);
  if (!push.empty()) {
    cmd.pushConstants<std::uint8_t>(*layout_, vk::ShaderStageFlagBits::eCompute, 0, push);
  }
  cmd.dispatch(groups_x, groups_y, 1);
}

}  // namespace qgemv::vk_util
