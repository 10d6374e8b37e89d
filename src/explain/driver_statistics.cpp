#include "explain/driver_statistics.hpp"

#include <cstring>

namespace qgemv::explain {
namespace {

std::string text_of(const char* chars, std::size_t capacity) { return std::string(chars, strnlen(chars, capacity)); }

DriverStatistic statistic(const vk::PipelineExecutableStatisticKHR& s) {
  DriverStatistic out{text_of(s.name, sizeof s.name), text_of(s.description, sizeof s.description), "", 0};
  switch (s.format) {
    case vk::PipelineExecutableStatisticFormatKHR::eBool32:
      out.format = "bool";
      out.value = s.value.b32 ? 1 : 0;
      break;
    case vk::PipelineExecutableStatisticFormatKHR::eInt64:
      out.format = "int";
      out.value = double(s.value.i64);
      break;
    case vk::PipelineExecutableStatisticFormatKHR::eUint64:
      out.format = "uint";
      out.value = double(s.value.u64);
      break;
    case vk::PipelineExecutableStatisticFormatKHR::eFloat64:
      out.format = "float";
      out.value = s.value.f64;
      break;
  }
  return out;
}

// Three calls: the count, each representation's size, then the data.
std::vector<DriverRepresentation> representations(const vk::raii::Device& device,
                                                  const vk::PipelineExecutableInfoKHR& info) {
  const auto& d = *device.getDispatcher();
  const VkPipelineExecutableInfoKHR* c_info = reinterpret_cast<const VkPipelineExecutableInfoKHR*>(&info);
  std::uint32_t count = 0;
  vk::resultCheck(vk::Result(d.vkGetPipelineExecutableInternalRepresentationsKHR(*device, c_info, &count, nullptr)),
                  "vkGetPipelineExecutableInternalRepresentationsKHR");
  std::vector<VkPipelineExecutableInternalRepresentationKHR> raw(
      count, VkPipelineExecutableInternalRepresentationKHR{
                 VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INTERNAL_REPRESENTATION_KHR, nullptr, {}, {}, VK_FALSE, 0, nullptr});
  vk::resultCheck(vk::Result(d.vkGetPipelineExecutableInternalRepresentationsKHR(*device, c_info, &count, raw.data())),
                  "vkGetPipelineExecutableInternalRepresentationsKHR");
  std::vector<std::vector<char>> data(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    data[i].resize(raw[i].dataSize);
    raw[i].pData = data[i].data();
  }
  const VkResult result = d.vkGetPipelineExecutableInternalRepresentationsKHR(*device, c_info, &count, raw.data());
  if (result != VK_SUCCESS && result != VK_INCOMPLETE) {
    vk::resultCheck(vk::Result(result), "vkGetPipelineExecutableInternalRepresentationsKHR");
  }
  std::vector<DriverRepresentation> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    DriverRepresentation r{text_of(raw[i].name, sizeof raw[i].name),
                           text_of(raw[i].description, sizeof raw[i].description), raw[i].isText == VK_TRUE, {}};
    if (r.is_text) r.text = text_of(data[i].data(), std::min(data[i].size(), std::size_t(raw[i].dataSize)));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

vk::PipelineCreateFlags capture_flags(bool with_representations) {
  vk::PipelineCreateFlags flags = vk::PipelineCreateFlagBits::eCaptureStatisticsKHR;
  if (with_representations) flags |= vk::PipelineCreateFlagBits::eCaptureInternalRepresentationsKHR;
  return flags;
}

std::vector<DriverExecutable> pipeline_executables(const vk_util::Context& context, vk::Pipeline pipeline,
                                                   bool with_representations) {
  const auto& device = context.device();
  std::vector<DriverExecutable> out;
  const auto properties = device.getPipelineExecutablePropertiesKHR(vk::PipelineInfoKHR(pipeline));
  for (std::uint32_t i = 0; i < properties.size(); ++i) {
    const auto& p = properties[i];
    DriverExecutable e{text_of(p.name, sizeof p.name), text_of(p.description, sizeof p.description), p.subgroupSize,
                       {}, {}};
    const vk::PipelineExecutableInfoKHR info(pipeline, i);
    for (const auto& s : device.getPipelineExecutableStatisticsKHR(info)) e.statistics.push_back(statistic(s));
    if (with_representations) e.representations = representations(device, info);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace qgemv::explain
