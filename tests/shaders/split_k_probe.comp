#version 450
// Drives shaders/split_k.glsl alone (tests/integration/test_split_k.cpp): workgroup (w, s) hands
// channel c of range w the partial sum 16 n + s + 1 (n = 64 w + c), so a complete sum over S slices
// is 16 S n + S (S + 1) / 2, exact in fp32, and a missing or doubled slice shows.
#extension GL_GOOGLE_include_directive : require

// More invocations than channels, as coopmat has (256 for 64).
layout(local_size_x = 96) in;

layout(push_constant) uniform Push { uint n; } pc;
layout(std430, binding = 0) restrict writeonly buffer Output { float y[]; };

void store_channel(uint channel, float value) {
  if (channel < pc.n) y[channel] = value;
}
#define BINDING_SCRATCH 1
#define SPLIT_K_CHANNELS 64u
#include "split_k.glsl"

void main() {
  const uint n = gl_WorkGroupID.x * SPLIT_K_CHANNELS + gl_LocalInvocationIndex;
  finish_split_k(float(16u * n + gl_WorkGroupID.y + 1u));
}
