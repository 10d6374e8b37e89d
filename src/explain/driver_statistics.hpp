#pragma once
// The driver's own account of a compiled pipeline, through VK_KHR_pipeline_executable_properties:
// per executable (shader stage as the driver compiled it) its statistics (registers, instruction
// counts, spills: whatever this driver names) and, on request, its internal representations.
#include <cstdint>
#include <string>
#include <vector>

#include "vk/context.hpp"

namespace qgemv::explain {

struct DriverStatistic {
  std::string name;
  std::string description;
  std::string format;  // bool | int | uint | float
  double value = 0;
};

struct DriverRepresentation {
  std::string name;
  std::string description;
  bool is_text = false;
  std::string text;  // only when is_text
};

struct DriverExecutable {
  std::string name;
  std::string description;
  std::uint32_t subgroup_size = 0;
  std::vector<DriverStatistic> statistics;
  std::vector<DriverRepresentation> representations;
};

// The pipeline must have been created with the capture flags (capture_flags below).
std::vector<DriverExecutable> pipeline_executables(const vk_util::Context& context, vk::Pipeline pipeline,
                                                   bool with_representations);

vk::PipelineCreateFlags capture_flags(bool with_representations);

}  // namespace qgemv::explain
