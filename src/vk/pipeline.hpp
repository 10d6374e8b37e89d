#pragma once
// A compute pipeline built from embedded SPIR-V, with its descriptor layout and as many
// descriptor sets as the caller wants to rotate through (one per cold-cache weight copy).
#include <cstdint>
#include <span>
#include <vector>

#include "vk/context.hpp"

namespace qgemv::vk_util {

struct SpecializationConstant {
  std::uint32_t id;
  std::uint32_t value;
};

struct PipelineDesc {
  std::span<const std::uint32_t> spirv;
  std::vector<vk::DescriptorType> bindings;  // binding i has type bindings[i]
  std::uint32_t push_constant_bytes = 0;
  std::vector<SpecializationConstant> specialization;
  std::uint32_t descriptor_sets = 1;
  vk::PipelineCreateFlags create_flags{};  // e.g. capture statistics (`explain`)
};

class ComputePipeline {
 public:
  ComputePipeline(const Context& context, const PipelineDesc& desc);

  // Points binding `binding` of set `set` at a whole buffer.
  void bind_buffer(std::uint32_t set, std::uint32_t binding, vk::Buffer buffer, vk::DeviceSize offset,
                   vk::DeviceSize range);

  // Points binding `binding` of set `set` at an image in GENERAL layout (sampler null for a
  // storage image).
  void bind_image(std::uint32_t set, std::uint32_t binding, vk::ImageView view, vk::Sampler sampler);

  // Binds pipeline + set `set`, pushes constants and dispatches.
  void dispatch(const vk::raii::CommandBuffer& cmd, std::uint32_t set, std::span<const std::uint8_t> push,
                std::uint32_t groups_x, std::uint32_t groups_y = 1) const;

  vk::Pipeline handle() const { return *pipeline_; }

 private:
  const Context& context_;
  std::vector<vk::DescriptorType> bindings_;
  vk::raii::ShaderModule module_{nullptr};
  vk::raii::DescriptorSetLayout set_layout_{nullptr};
  vk::raii::PipelineLayout layout_{nullptr};
  vk::raii::Pipeline pipeline_{nullptr};
  vk::raii::DescriptorPool pool_{nullptr};
  std::vector<vk::raii::DescriptorSet> sets_;
};

}  // namespace qgemv::vk_util
