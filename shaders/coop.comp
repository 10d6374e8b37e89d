#version 450
// Cooperative kernel (coop.kernel.json): one workgroup of 64 threads per block of 8 output
// channels; each iteration is one 128-bit uvec4 load (4 k x 8 channels) from the block-4x8 layout;
// partials are combined by a shared-memory tree reduction, one barrier per level. As in the shader
// it reproduces, each thread keeps its 8 partials as two vec4 and shares them as a [thread][2]
// vec4 array, and the group size is a specialization constant.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

#define THREADS 64
layout(local_size_x = THREADS) in;

#include "block4x8_weights.glsl"

shared vec4 partial_sums[THREADS][2];

// Adds the products of thread `lane`'s share of K (k4 = lane, lane + 64, ...) to `out_texels`.
void accumulate_share(uint lane, uint n8, uint k4_count, inout vec4 out_texels[2]) {
  vec4 scales[2];
  vec4 zeros[2];
  uint loaded_group = 0xffffffffu;
  for (uint k4 = lane; k4 < k4_count; k4 += THREADS) {
    const uint g = (4 * k4) / GROUP_SIZE;
    if (g != loaded_group) {
      // qparams [K/G][padded_n][2]: one vec4 = (s[n], z[n], s[n+1], z[n+1]).
      const uint at = ((g * pc.padded_n + n8 * 8) * 2) / 4;
      vec4 pairs[4];
      [[unroll]] for (uint j = 0; j < 4; ++j) pairs[j] = load_qparams4(at + j);
      scales[0] = vec4(pairs[0].xz, pairs[1].xz);
      zeros[0] = vec4(pairs[0].yw, pairs[1].yw);
      scales[1] = vec4(pairs[2].xz, pairs[3].xz);
      zeros[1] = vec4(pairs[2].yw, pairs[3].yw);
      loaded_group = g;
    }
    const vec4 xv = load_x4(k4);
    const uvec4 packed = load_weights(n8, k4, k4_count);
    [[unroll]] for (uint r = 0; r < 4; ++r) {
      vec4 w[2];
      [[unroll]] for (uint half_block = 0; half_block < 2; ++half_block) {
        [[unroll]] for (uint c = 0; c < 4; ++c) {
          w[half_block][c] = float((packed[r] >> nibble_shift(4 * half_block + c)) & 15u) - 8.0;
        }
        w[half_block] = fma(w[half_block], scales[half_block], zeros[half_block]);
        out_texels[half_block] = fma(vec4(xv[r]), w[half_block], out_texels[half_block]);
      }
    }
  }
}

void main() {
  const uint t = gl_LocalInvocationID.x;
  const uint n8 = gl_WorkGroupID.x;
  const uint k4_count = pc.k / 4;

  vec4 out_texels[2];
  out_texels[0] = vec4(0.0);
  out_texels[1] = vec4(0.0);
#if defined(QGEMV_TEST_SLOW_COOP)
  // Test-only slowdown (cmake -DQGEMV_TEST_SLOW_COOP=ON): every thread also does the shares of
  // three other threads, so the workgroup does 4x the work; the sum is then exactly 4x the true
  // one and the scaling by 1/4 below is exact. The shares differ per thread, so no compiler can
  // fold the extra passes away.
  [[unroll]] for (uint pass = 0; pass < 4; ++pass) {
    accumulate_share((t + 16 * pass) % THREADS, n8, k4_count, out_texels);
  }
  out_texels[0] *= 0.25;
  out_texels[1] *= 0.25;
#else
  accumulate_share(t, n8, k4_count, out_texels);
#endif

  partial_sums[t][0] = out_texels[0];
  partial_sums[t][1] = out_texels[1];
  memoryBarrierShared();
  barrier();
  for (uint stride = THREADS / 2; stride > 0; stride /= 2) {
    if (t < stride) {
      partial_sums[t][0] += partial_sums[t + stride][0];
      partial_sums[t][1] += partial_sums[t + stride][1];
    }
    memoryBarrierShared();
    barrier();
  }

  if (t == 0) {
    const vec4 lo = partial_sums[0][0], hi = partial_sums[0][1];
    store_block(n8, float[8](lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w));
  }
}
