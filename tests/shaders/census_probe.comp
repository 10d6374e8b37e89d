#version 450
// A small shader with a known inner loop for the SPIR-V census tests
// (tests/unit/test_spirv_census.cpp): per iteration one uvec4 weight load, an [[unroll]] loop of 4
// trips each doing one x load, one shift, one and, one conversion and one multiply-add, and a
// branch on a specialization constant that only one side of is counted.
#extension GL_EXT_control_flow_attributes : require
layout(local_size_x = 64) in;
layout(constant_id = 0) const uint EXTRA_QPARAM_LOAD = 0;

layout(std430, binding = 0) readonly buffer Weights { uvec4 weights[]; };
layout(std430, binding = 1) readonly buffer QParams { float qparams[]; };
layout(std430, binding = 2) readonly buffer Input { float x[]; };
layout(std430, binding = 3) writeonly buffer Output { float y[]; };
layout(push_constant) uniform PushConstants { uint count; } pc;

void main() {
  const uint t = gl_LocalInvocationID.x;
  float acc = 0.0;
  for (uint i = t; i < pc.count; i += 64) {
    const uvec4 w = weights[i];
    [[unroll]] for (uint j = 0; j < 4; ++j) {
      acc += float((w[j] >> 4u) & 15u) * x[4 * i + j];
    }
    if (EXTRA_QPARAM_LOAD != 0) acc += qparams[i];
  }
  y[t] = acc;
}
