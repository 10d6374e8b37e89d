// Split-K across workgroups, finished in the same dispatch. A kernel whose workgroups are too few
// to fill the GPU (coopmat on 28672 x 8192 has 448; on llama1b's shapes 8 to 128) is dispatched
// with gl_NumWorkGroups.y slices of K: workgroup (w, s) sums its channels over slice s only and
// stores them in the scratch buffer; the last of a channel range's slices to arrive adds all of
// them, in slice order (so the result does not depend on which arrives last), and writes y.
// With one slice it writes y directly. The host picks the slice count (docs/kernels.md).
//
// Scratch: arrival counters, one per channel range (gl_NumWorkGroups.x of them), then the partial
// sums [slice][range][channel]. Counters are only ever incremented; a range is complete at every
// multiple of the slice count, a power of two, so the count may wrap. The host zeroes them once
// and orders dispatches that share the buffer with barriers.
//
// The includer defines SPLIT_K_CHANNELS (channels per workgroup) and, before the include,
// void store_channel(uint channel, float value) (channel within the dispatch).
#if !defined(BINDING_SCRATCH) || !defined(SPLIT_K_CHANNELS)
#error "split_k.glsl needs BINDING_SCRATCH (from the declaration) and SPLIT_K_CHANNELS"
#endif

layout(std430, binding = BINDING_SCRATCH) restrict coherent buffer Scratch { uint scratch[]; };
shared bool split_k_completes;

uint split_k_partial_at(uint slice, uint channel) {
  const uint ranges = gl_NumWorkGroups.x;
  return ranges + (slice * ranges + gl_WorkGroupID.x) * SPLIT_K_CHANNELS + channel;
}

// Called by every invocation of the workgroup (it has barriers). Invocation i < SPLIT_K_CHANNELS
// passes the sum of channel i of this workgroup's range over this slice; the others' `sum` is
// ignored.
void finish_split_k(float sum) {
  const uint local = gl_LocalInvocationIndex;
  const bool holds = local < SPLIT_K_CHANNELS;
  const uint first = gl_WorkGroupID.x * SPLIT_K_CHANNELS;
  const uint slices = gl_NumWorkGroups.y;
  if (slices == 1) {
    if (holds) store_channel(first + local, sum);
    return;
  }
  if (holds) scratch[split_k_partial_at(gl_WorkGroupID.y, local)] = floatBitsToUint(sum);
  // Release this workgroup's partials before it counts itself in.
  memoryBarrierBuffer();
  barrier();
  if (local == 0) split_k_completes = atomicAdd(scratch[gl_WorkGroupID.x], 1u) % slices == slices - 1;
  barrier();
  if (!split_k_completes) return;
  memoryBarrierBuffer();
  if (!holds) return;
  float total = 0.0;
  for (uint s = 0; s < slices; ++s) total += uintBitsToFloat(scratch[split_k_partial_at(s, local)]);
  store_channel(first + local, total);
}
