#version 450
// Tuned kernel over the block-4x8 layout (same packed weights as coop). What coop fixes at
// build time is a specialization constant here, so --tune can search it per shape and device
// (ids from coop_tuned.kernel.json): workgroup size = blocks per workgroup x threads per block,
// threads per block along K, consecutive uvec4 loads in flight per thread, loading the next
// step's weights before using this step's, and which k each load of a step reads. The reduction
// is a build flavour, not a constant: SUBGROUP_REDUCTION (subgroupAdd) needs subgroup arithmetic,
// the other flavour (a shared-memory tree) needs nothing beyond Vulkan 1.1.
// The decode (DECODE, values in the order of kernels::Decode), none with an int->float conversion
// (quarter rate on many GPUs): the shifted decode spends a shift, a mask-or and an FMA per weight,
// two of them on the integer pipe; the masked one a mask-or, a subtraction and an FMA, with one
// shift per 8 weights, moving work from the integer pipe (half as wide as the float pipe on NVIDIA
// since Volta) to the float pipe; the mixed one skips the subtraction for the two nibbles of 8
// that sit high enough for their bias to cost little precision. Scale and zero (and any bias) are
// folded in once per channel per step.
// The denormal decode is also a build flavour (DENORMAL_DECODE), because the module must preserve
// fp32 denormals: a masked nibble with a zero exponent field is the denormal q * 2^(p-149), so a
// mask and an FMA per weight suffice, with no bias at all (x is pre-scaled by 2^100 so the
// products are normal floats). Drivers that flush them (NVIDIA's: results/README.md) cannot run it.
#extension GL_GOOGLE_include_directive : require
#if defined(SUBGROUP_REDUCTION)
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#if defined(DENORMAL_DECODE) && !defined(QGEMV_DENORMALS_UNDECLARED)
#extension GL_EXT_spirv_intrinsics : require
// OpCapability DenormPreserve (4464), OpExecutionMode DenormPreserve (4459) for 32-bit floats.
spirv_execution_mode(extensions = ["SPV_KHR_float_controls"], capabilities = [4464], 4459, 32);
#endif
#include "common.glsl"
#include "block4x8_weights.glsl"

layout(local_size_x_id = WORKGROUP_SIZE_ID) in;
layout(constant_id = THREADS_PER_BLOCK_ID) const uint THREADS_PER_BLOCK = 64;  // power of two
layout(constant_id = LOADS_PER_STEP_ID) const uint LOADS_PER_STEP = 4;        // U * 4 must divide G
layout(constant_id = PREFETCH_ID) const uint PREFETCH = 0;  // 1: software-pipelined weight loads
// 0: each invocation reads LOADS_PER_STEP consecutive uvec4 (one quantization group per step);
// 1: load u of all invocations of a block reads consecutive uvec4, so each load instruction is
//    contiguous across invocations, at the price of one scale/zero fold per load.
layout(constant_id = INTERLEAVED_ID) const uint INTERLEAVED = 0;
// 0 shifted, 1 masked, 2 mixed, 3 denormal (with the DENORMAL_DECODE flavour only).
layout(constant_id = DECODE_ID) const uint DECODE = 0;

// [channel][invocation]
shared float partials[8][gl_WorkGroupSize.x];

// The nibble at bit `position` moved to mantissa bits 19..22 of 2^23: exactly the float
// 2^23 + q * 2^19, with no conversion instruction. The implicit 2^23 is then only 2^4 above the
// code's unit, so removing it later (kBiasedZero below) costs 4 of the 24 bits.
float biased_code(uint word, uint position) {
  const uint aligned = position <= 19u ? word << (19u - position) : word >> (position - 19u);
  return uintBitsToFloat((aligned & 0x00780000u) | 0x4B000000u);
}
const float kBiasedZero = 12582912.0;   // 2^23 + 8 * 2^19: biased_code of the code 8
const float kCodeUnit = 1.0 / 524288.0;  // 2^-19

// The masked decode leaves a nibble where it is when it starts at bit 16 or below (the 4 bits
// below the exponent stay clear) and shifts the word right by 12 once for the three above, so
// (word & mask) | exponent of 2^23 is the float 2^23 + q * 2^p. Subtracting 2^23 + 8 * 2^p is
// exact (both lie in [2^23, 2^24)), which leaves (q - 8) * 2^p: no large bias is ever summed, so
// low positions lose no precision. (fma(x, b, -x * 2^23) would save the subtraction only where
// fma is fused, which Vulkan does not promise: lavapipe's is not.)
uint masked_position(uint c) { return nibble_shift(c) <= 16u ? nibble_shift(c) : nibble_shift(c) - 12u; }
float masked_bias(uint c) { return 8388608.0 + 8.0 * float(1u << masked_position(c)); }
// The mixed decode leaves the bias in where the nibble sits at bit 16: each product
// x * (2^23 + q 2^16) then rounds at 2^-24 of x 2^23, i.e. 2^-17 of x in code units. Measured on
// lavapipe's smoke shapes: nrmse 2e-6, a third of the fp32 tolerance (exact decodes: 1e-7); at
// bit 12 as well it failed them.
bool keeps_bias(uint c) { return DECODE == 2 && masked_position(c) >= 16u; }
float masked_code(uint word, uint shifted, uint c) {
  const uint source = nibble_shift(c) <= 16u ? word : shifted;
  const float biased = uintBitsToFloat((source & (0xFu << masked_position(c))) | 0x4B000000u);
  return keeps_bias(c) ? biased : biased - masked_bias(c);
}

// x times kDenormalXScale keeps every product x * q * 2^(p-149) a normal float
// for |x| between about 2^-60 and 2^27.
const float kDenormalXScale = 1.2676506002282294e30;    // 2^100
const float kDenormalXUnscale = 7.888609052210118e-31;  // 2^-100
float denormal_code(uint word, uint shifted, uint c) {
  const uint source = nibble_shift(c) <= 16u ? word : shifted;
  return uintBitsToFloat(source & (0xFu << masked_position(c)));
}

uint step_k4(uint base, uint u, uint lane) {
  return INTERLEAVED != 0 ? base + u * THREADS_PER_BLOCK + lane : base + lane * LOADS_PER_STEP + u;
}

// `checked` false: the caller knows every k4 of the step is below k4_count (a full step), so the
// driver, inlining a constant, drops the comparisons and selects from the inner loop.
void load_step(uint n8, uint base, uint lane, uint k4_count, bool checked, out uvec4 packed[LOADS_PER_STEP]) {
  [[unroll]] for (uint u = 0; u < LOADS_PER_STEP; ++u) {
    const uint k4 = step_k4(base, u, lane);
    packed[u] = !checked || k4 < k4_count ? load_weights(n8, k4, k4_count) : uvec4(0);
  }
}

// One channel's share of a group: sum_k x ((q - 8) s + z), over k of one quantization group.
// Shifted decode: dot = sum_k x b with b = biased_code = 2^23 + q * 2^19, so the share is
// s * 2^-19 * (dot - kBiasedZero * sum_k x) + z * sum_k x.
// Masked decode: dot = sum_k x (q - 8) 2^p, so it is (s * 2^-p) * dot + z * sum_k x.
// Denormal decode: x and x_sum are scaled by 2^100 and dot = sum_k x q 2^(p-49), so it is
// (s * 2^(49-p)) * dot + ((z - 8 s) * 2^-100) * x_sum (both factors are exact powers of two).
float group_share(uint c, float scale, float zero, float dot, float x_sum) {
#if defined(DENORMAL_DECODE)
  return (scale * uintBitsToFloat((176u - masked_position(c)) << 23)) * dot +
         ((zero - 8.0 * scale) * kDenormalXUnscale) * x_sum;
#else
  if (DECODE != 0) {
    const float unbiased = keeps_bias(c) ? fma(-masked_bias(c), x_sum, dot) : dot;
    return (scale * (1.0 / float(1u << masked_position(c)))) * unbiased + zero * x_sum;
  }
  return (scale * kCodeUnit) * fma(-kBiasedZero, x_sum, dot) + zero * x_sum;
#endif
}

void fold(uint n8, uint k4, float dot_b[8], float x_sum, inout float acc[8]) {
  const uint g = (4 * k4) / GROUP_SIZE;
  const uint at = ((g * pc.padded_n + n8 * 8) * 2) / 4;
  [[unroll]] for (uint j = 0; j < 4; ++j) {
    const vec4 v = load_qparams4(at + j);
    acc[2 * j] += group_share(2 * j, v.x, v.y, dot_b[2 * j], x_sum);
    acc[2 * j + 1] += group_share(2 * j + 1, v.z, v.w, dot_b[2 * j + 1], x_sum);
  }
}

void accumulate_step(uint n8, uint base, uint lane, uint k4_count, bool checked, uvec4 packed[LOADS_PER_STEP],
                     inout float acc[8]) {
  float dot_b[8];
  [[unroll]] for (uint c = 0; c < 8; ++c) dot_b[c] = 0.0;
  float x_sum = 0.0;
  [[unroll]] for (uint u = 0; u < LOADS_PER_STEP; ++u) {
    const uint k4 = step_k4(base, u, lane);
    // Past the end x reads as 0, which zeroes every term of the missing weights.
    vec4 xv = !checked || k4 < k4_count ? load_x4(k4) : vec4(0.0);
#if defined(DENORMAL_DECODE)
    xv *= kDenormalXScale;
#endif
    x_sum += (xv.x + xv.y) + (xv.z + xv.w);
    [[unroll]] for (uint r = 0; r < 4; ++r) {
#if defined(DENORMAL_DECODE)
      const uint shifted = packed[u][r] >> 12u;
      [[unroll]] for (uint c = 0; c < 8; ++c) dot_b[c] += xv[r] * denormal_code(packed[u][r], shifted, c);
#else
      if (DECODE != 0) {
        const uint shifted = packed[u][r] >> 12u;
        [[unroll]] for (uint c = 0; c < 8; ++c) dot_b[c] += xv[r] * masked_code(packed[u][r], shifted, c);
      } else {
        [[unroll]] for (uint c = 0; c < 8; ++c) dot_b[c] += xv[r] * biased_code(packed[u][r], nibble_shift(c));
      }
#endif
    }
    if (INTERLEAVED != 0) {
      fold(n8, min(k4, k4_count - 1), dot_b, x_sum, acc);
      [[unroll]] for (uint c = 0; c < 8; ++c) dot_b[c] = 0.0;
      x_sum = 0.0;
    }
  }
  // Contiguous steps stay inside one group because 4 * LOADS_PER_STEP divides G.
  if (INTERLEAVED == 0) fold(n8, min(step_k4(base, 0, lane), k4_count - 1), dot_b, x_sum, acc);
}

void main() {
  const uint local = gl_LocalInvocationID.x;
  const uint lane = local % THREADS_PER_BLOCK;
  const uint blocks_per_workgroup = gl_WorkGroupSize.x / THREADS_PER_BLOCK;
  const uint n8 = gl_WorkGroupID.x * blocks_per_workgroup + local / THREADS_PER_BLOCK;
  const uint blocks = (pc.n + 7) / 8;
  const uint k4_count = pc.k / 4;

  float acc[8];
  [[unroll]] for (uint c = 0; c < 8; ++c) acc[c] = 0.0;
  if (n8 < blocks) {
    const uint stride = THREADS_PER_BLOCK * LOADS_PER_STEP;
    if (PREFETCH != 0) {
      uvec4 next[LOADS_PER_STEP];
      load_step(n8, 0, lane, k4_count, true, next);
      for (uint base = 0; base < k4_count; base += stride) {
        uvec4 current[LOADS_PER_STEP];
        [[unroll]] for (uint u = 0; u < LOADS_PER_STEP; ++u) current[u] = next[u];
        if (base + stride < k4_count) load_step(n8, base + stride, lane, k4_count, true, next);
        accumulate_step(n8, base, lane, k4_count, true, current, acc);
      }
    } else {
      // Full steps without bounds checks, then at most one partial step with them.
      const uint full_end = k4_count - k4_count % stride;
      uvec4 current[LOADS_PER_STEP];
      for (uint base = 0; base < full_end; base += stride) {
        load_step(n8, base, lane, k4_count, false, current);
        accumulate_step(n8, base, lane, k4_count, false, current, acc);
      }
      if (full_end < k4_count) {
        load_step(n8, full_end, lane, k4_count, true, current);
        accumulate_step(n8, full_end, lane, k4_count, true, current, acc);
      }
    }
  }

#if defined(SUBGROUP_REDUCTION)
  {
    // The host only picks this when THREADS_PER_BLOCK is a multiple of the subgroup size, so no
    // subgroup spans two blocks.
    [[unroll]] for (uint c = 0; c < 8; ++c) acc[c] = subgroupAdd(acc[c]);
    if (subgroupElect()) {
      [[unroll]] for (uint c = 0; c < 8; ++c) partials[c][gl_SubgroupID] = acc[c];
    }
    barrier();
    if (lane == 0 && n8 < blocks) {
      const uint first_subgroup = local / gl_SubgroupSize;
      const uint count = THREADS_PER_BLOCK / gl_SubgroupSize;
      float sums[8];
      [[unroll]] for (uint c = 0; c < 8; ++c) {
        sums[c] = 0.0;
        for (uint s = 0; s < count; ++s) sums[c] += partials[c][first_subgroup + s];
      }
      store_block(n8, sums);
    }
  }
#else
  {
    [[unroll]] for (uint c = 0; c < 8; ++c) partials[c][local] = acc[c];
    barrier();
    for (uint half_width = THREADS_PER_BLOCK / 2; half_width > 0; half_width /= 2) {
      if (lane < half_width) {
        [[unroll]] for (uint c = 0; c < 8; ++c) partials[c][local] += partials[c][local + half_width];
      }
      barrier();
    }
    if (lane == 0 && n8 < blocks) {
      float sums[8];
      [[unroll]] for (uint c = 0; c < 8; ++c) sums[c] = partials[c][local];
      store_block(n8, sums);
    }
  }
#endif
}
