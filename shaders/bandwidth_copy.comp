#version 450
// Roofline: copies a buffer uvec4 by uvec4 (grid-stride); traffic is one read plus one write.
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Source { uvec4 source[]; };
layout(std430, binding = 1) writeonly buffer Destination { uvec4 destination[]; };
layout(push_constant) uniform PushConstants { uint count; } pc;

void main() {
  const uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  for (uint i = gl_GlobalInvocationID.x; i < pc.count; i += stride) destination[i] = source[i];
}
