#version 450
// Legacy kernel (legacy.kernel.json): weights read as u8vec4 from the interleaved layout [K][N8] of
// 4 bytes, a workgroup computes 64 outputs (8 blocks of 8 channels x 8 workers along K), and
// worker 0 of each block alone sums the 8 partials. Kept faithful to the shader it reproduces: the
// point of this tool is to measure exactly that design.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

#define BLOCKS_PER_GROUP 8
#define WORKERS 8
layout(local_size_x = 64) in;

#if defined(WEIGHTS_IN_BUFFER)
#extension GL_EXT_shader_8bit_storage : require
layout(std430, binding = BINDING_WEIGHTS) restrict readonly buffer Weights { u8vec4 weights[]; };
uvec4 load_weights(uint k, uint n8, uint blocks) { return uvec4(weights[k * blocks + n8]); }
#else
// One RGBA8UI texel at (n8, k) holds the same 4 bytes.
layout(binding = BINDING_WEIGHTS) uniform usampler2D weights;
uvec4 load_weights(uint k, uint n8, uint blocks) { return texelFetch(weights, ivec2(n8, k), 0); }
#endif

// [worker][block * 8 + channel]
shared float partials[WORKERS][BLOCKS_PER_GROUP * 8];

void main() {
  // Neighbouring threads take neighbouring blocks so one k row is read contiguously.
  const uint block = gl_LocalInvocationID.x % BLOCKS_PER_GROUP;
  const uint worker = gl_LocalInvocationID.x / BLOCKS_PER_GROUP;
  const uint n8 = gl_WorkGroupID.x * BLOCKS_PER_GROUP + block;
  const uint blocks = (pc.n + 7) / 8;

  float acc[8];
  [[unroll]] for (uint c = 0; c < 8; ++c) acc[c] = 0.0;

  if (n8 < blocks) {
    const uint groups = pc.k / GROUP_SIZE;
    for (uint g = 0; g < groups; ++g) {
      // qparams [K/G][2][padded_n]: 8 scales then, a row later, 8 zeros of this block.
      const uint scale_at = (g * 2 * pc.padded_n + n8 * 8) / 4;
      const uint zero_at = scale_at + pc.padded_n / 4;
      const vec4 s_lo = load_qparams4(scale_at), s_hi = load_qparams4(scale_at + 1);
      const vec4 z_lo = load_qparams4(zero_at), z_hi = load_qparams4(zero_at + 1);
      const float scale[8] = float[8](s_lo.x, s_lo.y, s_lo.z, s_lo.w, s_hi.x, s_hi.y, s_hi.z, s_hi.w);
      const float zero[8] = float[8](z_lo.x, z_lo.y, z_lo.z, z_lo.w, z_hi.x, z_hi.y, z_hi.z, z_hi.w);

      for (uint k = g * GROUP_SIZE + 4 * worker; k < (g + 1) * GROUP_SIZE; k += 4 * WORKERS) {
        const vec4 xv = load_x4(k / 4);
        [[unroll]] for (uint r = 0; r < 4; ++r) {
          const uvec4 bytes = load_weights(k + r, n8, blocks);
          [[unroll]] for (uint i = 0; i < 4; ++i) {
#if defined(QGEMV_SWAP_NIBBLES)
            const uint first = bytes[i] & 15u, second = bytes[i] >> 4;
#else
            const uint first = bytes[i] >> 4, second = bytes[i] & 15u;
#endif
            acc[i] += xv[r] * dequantize(first, scale[i], zero[i]);
            acc[4 + i] += xv[r] * dequantize(second, scale[4 + i], zero[4 + i]);
          }
        }
      }
    }
  }

  [[unroll]] for (uint c = 0; c < 8; ++c) partials[worker][block * 8 + c] = acc[c];
  barrier();

  if (worker == 0 && n8 < blocks) {
    float sums[8];
    [[unroll]] for (uint c = 0; c < 8; ++c) {
      sums[c] = 0.0;
      [[unroll]] for (uint w = 0; w < WORKERS; ++w) sums[c] += partials[w][block * 8 + c];
    }
    store_block(n8, sums);
  }
}
