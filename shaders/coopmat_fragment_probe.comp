#version 450
// Where the driver keeps each element of the cooperative-matrix fragments coopmat multiplies
// (16 x 16 fp16 A, 16 x 8 fp16 B, 16 x 8 fp32 C). Vulkan leaves that order to the driver, and
// coopmat's weights are packed in one driver's order, so the tool runs this once per device: tiles
// whose every element holds its own row-major index are loaded, and each invocation writes what it
// holds. The host compares that with the order the packing assumes (kernels/fragment_layout.cpp).
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 32) in;

// Invocation i's elements at 16 i: A's 8, then B's 4, then C's 4; -1 where a fragment has another
// length than coopmat's (then no slot is written past it).
layout(std430, binding = 0) writeonly buffer Held { float held[]; };

shared float16_t a_tile[16 * 16];
shared float16_t b_tile[16 * 8];
shared float c_tile[16 * 8];

void main() {
  const uint lane = gl_LocalInvocationID.x;
  for (uint i = lane; i < 256; i += 32) a_tile[i] = float16_t(i);
  for (uint i = lane; i < 128; i += 32) {
    b_tile[i] = float16_t(i);
    c_tile[i] = float(i);
  }
  barrier();
  fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> a;
  fcoopmatNV<16, gl_ScopeSubgroup, 16, 8> b;
  fcoopmatNV<32, gl_ScopeSubgroup, 16, 8> c;
  coopMatLoadNV(a, a_tile, 0, 16, false);
  coopMatLoadNV(b, b_tile, 0, 8, false);
  coopMatLoadNV(c, c_tile, 0, 8, false);
  const bool as_coopmat = a.length() == 8 && b.length() == 4 && c.length() == 4;
  for (uint e = 0; e < 8; ++e) held[16 * lane + e] = as_coopmat ? float(a[e]) : -1.0;
  for (uint e = 0; e < 4; ++e) {
    held[16 * lane + 8 + e] = as_coopmat ? float(b[e]) : -1.0;
    held[16 * lane + 12 + e] = as_coopmat ? float(c[e]) : -1.0;
  }
}
