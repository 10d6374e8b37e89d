#version 450
// Roofline: reads every uvec4 of a buffer once (grid-stride) and keeps the loads alive by
// folding them into a value that is written only if it hits a constant, i.e. essentially never,
// so the measured traffic is reads alone.
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Source { uvec4 source[]; };
layout(std430, binding = 1) writeonly buffer Sink { uint sink[]; };
layout(push_constant) uniform PushConstants { uint count; } pc;

void main() {
  const uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  uvec4 acc = uvec4(0);
  for (uint i = gl_GlobalInvocationID.x; i < pc.count; i += stride) acc ^= source[i];
  const uint folded = acc.x ^ acc.y ^ acc.z ^ acc.w;
  if (folded == 0x9E3779B9u) sink[gl_GlobalInvocationID.x & 255u] = folded;
}
