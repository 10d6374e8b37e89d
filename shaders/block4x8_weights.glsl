// Weight access for the block-4x8 layout: uvec4 P[N8][K/4], or one RGBA32UI texel at
// (k4, n8) in the texture variants. Shared by every kernel that reads this layout.
#if defined(WEIGHTS_IN_BUFFER)
layout(std430, binding = BINDING_WEIGHTS) restrict readonly buffer Weights { uvec4 weights[]; };
uvec4 load_weights(uint n8, uint k4, uint k4_count) { return weights[n8 * k4_count + k4]; }
#else
layout(binding = BINDING_WEIGHTS) uniform usampler2D weights;
uvec4 load_weights(uint n8, uint k4, uint k4_count) { return texelFetch(weights, ivec2(k4, n8), 0); }
#endif

// Channel c of a block sits in bits 4*(7-c) .. 4*(7-c)+3 of every component.
uint nibble_shift(uint c) {
#if defined(QGEMV_SWAP_NIBBLES)
  return 4u * (c ^ 1u);
#else
  return 4u * (7u - c);
#endif
}
