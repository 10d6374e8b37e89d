#version 450
// Cooperative kernel (SPEC §3): one workgroup of 64 threads per block of 8 output channels; each
// iteration is one 128-bit uvec4 load (4 k x 8 channels) from the block-4x8 layout; partials are
// combined by a shared-memory tree reduction, one barrier per level.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

#define THREADS 64
layout(local_size_x = THREADS) in;

#include "block4x8_weights.glsl"

// [channel][thread]: each tree level reads contiguous threads of one channel.
shared float partials[8][THREADS];

void main() {
  const uint t = gl_LocalInvocationID.x;
  const uint n8 = gl_WorkGroupID.x;
  const uint k4_count = pc.k / 4;

  float acc[8];
  float scale[8];
  float zero[8];
  [[unroll]] for (uint c = 0; c < 8; ++c) {
    acc[c] = 0.0;
    scale[c] = 0.0;
    zero[c] = 0.0;
  }

  uint loaded_group = 0xffffffffu;
  for (uint k4 = t; k4 < k4_count; k4 += THREADS) {
    const uint g = (4 * k4) / pc.group_size;
    if (g != loaded_group) {
      // qparams [K/G][padded_n][2]: one vec4 = (s[n], z[n], s[n+1], z[n+1]).
      const uint at = ((g * pc.padded_n + n8 * 8) * 2) / 4;
      [[unroll]] for (uint j = 0; j < 4; ++j) {
        const vec4 v = load_qparams4(at + j);
        scale[2 * j] = v.x;
        zero[2 * j] = v.y;
        scale[2 * j + 1] = v.z;
        zero[2 * j + 1] = v.w;
      }
      loaded_group = g;
    }
    const uvec4 packed = load_weights(n8, k4, k4_count);
    const vec4 xv = load_x4(k4);
    [[unroll]] for (uint r = 0; r < 4; ++r) {
      [[unroll]] for (uint c = 0; c < 8; ++c) {
        const uint code = (packed[r] >> nibble_shift(c)) & 15u;
        acc[c] += xv[r] * dequantize(code, scale[c], zero[c]);
      }
    }
  }

  [[unroll]] for (uint c = 0; c < 8; ++c) partials[c][t] = acc[c];
  barrier();
  [[unroll]] for (uint stride = THREADS / 2; stride > 0; stride /= 2) {
    if (t < stride) {
      [[unroll]] for (uint c = 0; c < 8; ++c) partials[c][t] += partials[c][t + stride];
    }
    barrier();
  }

  if (t == 0) {
    float sums[8];
    [[unroll]] for (uint c = 0; c < 8; ++c) sums[c] = partials[c][0];
    store_block(n8, sums);
  }
}
