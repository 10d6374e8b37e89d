#version 450
// Symmetric int4 cooperative kernel (q4gsw_coop.kernel.json): ExecuTorch's current weight-only int4
// GEMV pipeline. One workgroup of 64 threads per block of 8 output channels; thread t loops
// k4 = t, t+64, ... over K/4, each iteration one 128-bit ivec4 weight load from the q4gsw block
// layout, one vec4 of x and (on a new group) two vec4 of scales; no zeros. A shared-memory tree
// reduction, one barrier per level, then thread 0 writes the 8 outputs. As in the original, the
// group is specialised as K4_per_group (group size / 4, constant_id 4) and integer arithmetic is
// signed. The original also declares apply_bias (constant_id 3) and a bias buffer but never reads
// them in this version, so glslc -O drops both; they are left out here.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

#if !defined(K4_PER_GROUP_ID)
#error "the specialization-constant id comes from the kernel declaration"
#endif

#define WGS 64
layout(local_size_x = WGS) in;

layout(constant_id = K4_PER_GROUP_ID) const int K4_per_group = 0;

// Block (n8, k4) of the q4gsw layout: ivec4 P[N8][K/4], or one RGBA32UI texel at (k4, n8). The
// image is unsigned (its format's numeric type must match the sampler); the bits are the same.
#if defined(WEIGHTS_IN_BUFFER)
layout(std430, binding = BINDING_WEIGHTS) restrict readonly buffer Weights { ivec4 weights[]; };
ivec4 load_weight_block(int k4, int n8, int K4) { return weights[n8 * K4 + k4]; }
#else
layout(binding = BINDING_WEIGHTS) uniform usampler2D weights;
ivec4 load_weight_block(int k4, int n8, int K4) { return ivec4(texelFetch(weights, ivec2(k4, n8), 0)); }
#endif

// Nibble `col` of component `row` holds channel 8*n8 + row + 4*(col & 1) at k = 4*k4 + col/2,
// stored as the signed code + 8.
float extract_4bit(ivec4 block, int col, int row) {
#if defined(QGEMV_SWAP_NIBBLES)
  col ^= 1;
#endif
  return float(((block[row] >> (4 * col)) & 0xF) - 8);
}

shared vec4 partial_sums[WGS][2];

void main() {
  const int lid = int(gl_LocalInvocationID.x);
  const int n8 = int(gl_WorkGroupID.x);
  const int n = n8 << 3;
  const int n4 = n8 << 1;
  const int K4 = (int(pc.k) + 3) >> 2;
  // Scale rows are padded to whole blocks of 8 channels.
  const int N4 = int(pc.padded_n) >> 2;
  if (n >= int(pc.n)) return;  // a whole workgroup returns together

  vec4 out_tile[2];
  out_tile[0] = vec4(0.0);
  out_tile[1] = vec4(0.0);
  vec4 scales[2];
  const vec4 zeros = vec4(0.0);  // symmetric: the original keeps a zeros tile fixed at 0

  int cur_group_idx = int(pc.k);  // larger than any group index
  for (int k4 = lid; k4 < K4; k4 += WGS) {
    const int group_idx = k4 / K4_per_group;
    if (group_idx != cur_group_idx) {
      scales[0] = load_qparams4(uint(group_idx * N4 + n4));
      scales[1] = load_qparams4(uint(group_idx * N4 + n4 + 1));
      cur_group_idx = group_idx;
    }
    const vec4 in_texel = load_x4(uint(k4));
    const ivec4 block = load_weight_block(k4, n8, K4);
    [[unroll]] for (int k4i = 0; k4i < 4; ++k4i) {
      vec4 w[2];
      [[unroll]] for (int half_block = 0; half_block < 2; ++half_block) {
        const int col = 2 * k4i + half_block;
        w[half_block] = vec4(extract_4bit(block, col, 0), extract_4bit(block, col, 1), extract_4bit(block, col, 2),
                             extract_4bit(block, col, 3));
        w[half_block] = fma(w[half_block], scales[half_block], zeros);
        out_tile[half_block] = fma(vec4(in_texel[k4i]), w[half_block], out_tile[half_block]);
      }
    }
  }

  partial_sums[lid][0] = out_tile[0];
  partial_sums[lid][1] = out_tile[1];
  memoryBarrierShared();
  barrier();
  for (int i = WGS / 2; i > 0; i /= 2) {
    if (lid < i) {
      partial_sums[lid][0] += partial_sums[lid + i][0];
      partial_sums[lid][1] += partial_sums[lid + i][1];
    }
    memoryBarrierShared();
    barrier();
  }

  if (lid == 0) {
    const vec4 lo = partial_sums[0][0], hi = partial_sums[0][1];
    store_block(uint(n8), float[8](lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w));
  }
}
