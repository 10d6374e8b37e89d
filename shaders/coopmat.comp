#version 450
// int4 GEMV on cooperative matrices (VK_NV_cooperative_matrix: NVIDIA's tensor cores). Every
// other kernel spends about three instructions per weight (make a float of the nibble, remove its
// bias, multiply-add). Here the decode costs about one per weight: nibbles become exact fp16 values
// q - 8 two at a time (a mask-or and a packed subtraction per pair) and the multiply-adds happen in
// matrix products of 16 channels x 16 k against x, with fp32 accumulation.
//
// Products: A (16 x 16, fp16) = the codes q - 8 of one tile of 16 channels x 16 k, exact; B (16 x 8)
// = x of those 16 k in column 0 and, for fp32 x, x cut to fp16's 11 significand bits in column 0
// and the rest times 2^11 in column 1 (columns 2..7 unread), so x keeps 22 of its 24 bits (the
// factor keeps the rest out of fp16's subnormals for |x| down to 2^-14; |x| beyond fp16's range,
// 65504, is out of reach); C (16 x 8, fp32): row r, columns 0 + 1 is
// channel r's sum of (q - 8) x. Scale and zero apply once per channel per quantization group:
// y += scale * sum (q - 8) x + zero * sum x.
//
// The weights are packed in the products' own fragment order (layout coopmat_fragment16), so one
// 32-bit word is what one invocation holds of one A tile: no shuffles, one uvec4 per invocation
// per 4 tiles. Vulkan leaves that order to the driver; this is NVIDIA's (580 on the H200). The tool
// probes the driver's order once per device (coopmat_fragment_probe.comp) and skips this kernel
// where it differs: checking it here, in every workgroup, cost 1.5-10% (results/README.md).
//
// Geometry: a workgroup is SPLIT subgroups of 32 (local_size_y, a specialization constant the host
// picks per shape) over the same 64 channels; their partial sums meet in shared memory. Where the
// channel ranges are too few to fill the GPU the host also splits K across gl_NumWorkGroups.y
// workgroups (split_k.glsl): subgroup w of slice s takes the quantization groups s SPLIT + w, and
// every SPLIT x slices-th after it. The host's rule is in docs/kernels.md.
#extension GL_GOOGLE_include_directive : require
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_shader_subgroup_shuffle : require
#define INPUT_DECLARED_BY_KERNEL 1  // scalars: an invocation reads x at two k 8 apart
#include "common.glsl"

// Row w of the workgroup is subgroup w. At least 2 rows: the final sums take one invocation per
// channel (the declaration's min_subgroups).
layout(local_size_x = 32, local_size_y_id = SUBGROUPS_ALONG_K_ID) in;
const uint SPLIT = gl_WorkGroupSize.y;

#define ATile fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>
#define XTile fcoopmatNV<16, gl_ScopeSubgroup, 16, 8>
#define Sums fcoopmatNV<32, gl_ScopeSubgroup, 16, 8>

// Quad q of channel tiles (64 channels), k-block b (16 k): 32 invocations x uvec4, component j =
// tile j of the quad.
layout(std430, binding = BINDING_WEIGHTS) restrict readonly buffer Weights { uvec4 weights[]; };
layout(std430, binding = BINDING_INPUT) restrict readonly buffer Input { STORE_T x[]; };

const uint kChannels = 64;
shared float partials[SPLIT][kChannels];

void store_channel(uint channel, float value) {
  if (channel < pc.n) y[pc.out_offset + channel] = STORE_T(value);
}
#define SPLIT_K_CHANNELS kChannels
#include "split_k.glsl"

// The word's pairs of nibbles (bits 0-3 with 16-19, 4-7 with 20-23, 8-11 with 24-27, 12-15 with
// 28-31) are fragment elements (0, 1), (2, 3), (4, 5), (6, 7). OR-ed under the exponent of 1024 a
// nibble at bit 0 is the half 1024 + q; under that of 64, a nibble at bit 4 is 64 + q: both exact.
ATile decode_tile(uint word) {
  const uint high = word >> 8;
  const f16vec2 p0 = unpackFloat2x16((word & 0x000F000Fu) | 0x64006400u) - f16vec2(1032.0);
  const f16vec2 p1 = unpackFloat2x16((word & 0x00F000F0u) | 0x54005400u) - f16vec2(72.0);
  const f16vec2 p2 = unpackFloat2x16((high & 0x000F000Fu) | 0x64006400u) - f16vec2(1032.0);
  const f16vec2 p3 = unpackFloat2x16((high & 0x00F000F0u) | 0x54005400u) - f16vec2(72.0);
  ATile a;
  a[0] = p0.x; a[1] = p0.y; a[2] = p1.x; a[3] = p1.y;
  a[4] = p2.x; a[5] = p2.y; a[6] = p3.x; a[7] = p3.y;
  return a;
}

const uint kHeadMask = 0xFFFFE000u;  // sign, exponent, 10 of the 23 fraction bits
const float kRemainderScale = 2048.0;
const float kRemainderUnscale = 1.0 / 2048.0;

// Invocation (g, t)'s share of the x tile of a k-block: its x at k = g (top) and g + 8 (bottom) of
// the block as elements 0 and 2 (column 2t) and, for fp32, their scaled remainders as elements 1
// and 3 (column 2t + 1); where t > 0, for fp16, zeros. Every invocation adds its two x to x_sum
// (the four t of a g alike).
XTile x_tile(float top, float bottom, uint t, inout float x_sum) {
  x_sum += top + bottom;
#if defined(DTYPE_FP32)
  // x cut after its 11 leading significand bits (fp16's) by a mask, not by a conversion round
  // trip, which NVIDIA's compiler folds away (measured: the remainder came out 0). The rest is
  // exact in fp32; rounded to fp16 it keeps x to 2^-21.
  const float top_head = uintBitsToFloat(floatBitsToUint(top) & kHeadMask);
  const float bottom_head = uintBitsToFloat(floatBitsToUint(bottom) & kHeadMask);
  const float16_t top_half = float16_t(top_head);
  const float16_t bottom_half = float16_t(bottom_head);
  const float16_t top_rest = float16_t((top - top_head) * kRemainderScale);
  const float16_t bottom_rest = float16_t((bottom - bottom_head) * kRemainderScale);
#else
  const float16_t top_half = float16_t(top);
  const float16_t bottom_half = float16_t(bottom);
  const float16_t top_rest = float16_t(0.0);
  const float16_t bottom_rest = float16_t(0.0);
#endif
  // Only column 0 (and 1) of the sums is read, so columns 2-7 may hold any finite products: for
  // fp32 every invocation puts its x in B, four selects per block fewer, 3-8% faster; fp16 keeps the
  // zeros, 3-4% faster with them on lm_head (both measured: results/README.md, section 11).
#if defined(DTYPE_FP32)
  const bool used = true;
#else
  const bool used = t == 0;
#endif
  XTile b;
  b[0] = used ? top_half : float16_t(0.0);
  b[1] = used ? top_rest : float16_t(0.0);
  b[2] = used ? bottom_half : float16_t(0.0);
  b[3] = used ? bottom_rest : float16_t(0.0);
  return b;
}

vec2 qparam(uint group, uint n) {
  const vec4 both = load_qparams4((group * pc.padded_n + n) / 2);
  return n % 2 == 0 ? both.xy : both.zw;
}

void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint warp = gl_LocalInvocationID.y;
  const uint g = lane / 4, t = lane % 4;

  const uint k_blocks = pc.k / 16;
  const uint blocks_per_group = GROUP_SIZE / 16;
  const uint groups = pc.k / GROUP_SIZE;
  const uint quad = gl_WorkGroupID.x;

  // acc[tile][0]: channel g of the tile, [1]: channel g + 8 (meaningful where t == 0).
  float acc[4][2];
  [[unroll]] for (uint i = 0; i < 4; ++i) acc[i][0] = acc[i][1] = 0.0;

  const uint subgroups_along_k = SPLIT * gl_NumWorkGroups.y;
  for (uint group = gl_WorkGroupID.y * SPLIT + warp; group < groups; group += subgroups_along_k) {
    Sums sums[4];
    [[unroll]] for (uint i = 0; i < 4; ++i) sums[i] = Sums(0.0);
    float x_sum = 0.0;
    // The whole group's weights first: G / 16 loads in flight per invocation.
    uvec4 packed[GROUP_SIZE / 16];
    [[unroll]] for (uint b = 0; b < GROUP_SIZE / 16; ++b) {
      packed[b] = weights[(quad * k_blocks + group * blocks_per_group + b) * 32 + lane];
    }
    [[unroll]] for (uint b = 0; b < GROUP_SIZE / 16; ++b) {
      const uint k = 16 * (group * blocks_per_group + b) + g;
      const XTile xt = x_tile(float(x[k]), float(x[k + 8]), t, x_sum);
      [[unroll]] for (uint j = 0; j < 4; ++j) sums[j] = coopMatMulAddNV(decode_tile(packed[b][j]), xt, sums[j]);
    }
    // Every invocation summed x at k = g and g + 8 of each block; the eight g cover all 16.
    x_sum += subgroupShuffleXor(x_sum, 4);
    x_sum += subgroupShuffleXor(x_sum, 8);
    x_sum += subgroupShuffleXor(x_sum, 16);
    [[unroll]] for (uint i = 0; i < 4; ++i) {
      const uint n = (quad * 4 + i) * 16 + g;
      const vec2 top = qparam(group, min(n, pc.padded_n - 1));
      const vec2 bottom = qparam(group, min(n + 8, pc.padded_n - 1));
      acc[i][0] += top.x * fma(sums[i][1], kRemainderUnscale, sums[i][0]) + top.y * x_sum;
      acc[i][1] += bottom.x * fma(sums[i][3], kRemainderUnscale, sums[i][2]) + bottom.y * x_sum;
    }
  }

  if (t == 0) {
    [[unroll]] for (uint i = 0; i < 4; ++i) {
      partials[warp][i * 16 + g] = acc[i][0];
      partials[warp][i * 16 + g + 8] = acc[i][1];
    }
  }
  barrier();
  float sum = 0.0;
  if (gl_LocalInvocationIndex < kChannels) {
    for (uint s = 0; s < SPLIT; ++s) sum += partials[s][gl_LocalInvocationIndex];
  }
  finish_split_k(sum);
}
