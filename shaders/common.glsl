// Shared by every GEMV kernel: element types per dtype, push constants, input/output access per
// storage variant, dequantization. Variants are selected by -D defines that cmake/kernels.cmake
// derives from the kernel's declaration (shaders/<kernel>.kernel.json, docs/kernels.md):
//   DTYPE_FP32 | DTYPE_FP16         storage type of x, scales, zeros, y (arithmetic is always fp32)
//   STORAGE_BB | STORAGE_BT | STORAGE_TT
//                                   b = buffer, t = image; first letter input/output, second weights
//   BINDING_<NAME>                  binding numbers, from the declaration's "bindings"
//   <NAME>_ID                       specialization-constant ids, from its "specialization"
//   any "defines" of the declaration, its flavour or its test-only twin (QGEMV_SWAP_NIBBLES)
#extension GL_EXT_control_flow_attributes : require

#if defined(DTYPE_FP16)
#extension GL_EXT_shader_16bit_storage : require
#define STORE_T float16_t
#define STORE_VEC4_T f16vec4
#define OUTPUT_IMAGE_FORMAT rgba16f
#elif defined(DTYPE_FP32)
#define STORE_T float
#define STORE_VEC4_T vec4
#define OUTPUT_IMAGE_FORMAT rgba32f
#else
#error "define DTYPE_FP32 or DTYPE_FP16"
#endif

#if defined(STORAGE_BB)
#define WEIGHTS_IN_BUFFER 1
#define IO_IN_BUFFERS 1
#elif defined(STORAGE_BT)
#define IO_IN_BUFFERS 1
#elif !defined(STORAGE_TT)
#error "define STORAGE_BB, STORAGE_BT or STORAGE_TT"
#endif

#if !defined(BINDING_WEIGHTS) || !defined(BINDING_QPARAMS) || !defined(BINDING_INPUT) || !defined(BINDING_OUTPUT)
#error "binding numbers come from the kernel declaration"
#endif

// The quantization group size G is specialised (one pipeline per G), as ExecuTorch does: the
// compiler sees constant loop bounds and divides by a constant. A kernel that specialises it in
// another form (q4gsw_coop: K4_per_group) declares no group_size.
#if defined(GROUP_SIZE_ID)
layout(constant_id = GROUP_SIZE_ID) const uint GROUP_SIZE = 128;
#endif

layout(push_constant) uniform PushConstants {
  uint n;               // valid output channels in this dispatch (one slice of N)
  uint k;               // input channels
  uint padded_n;        // channel stride of this slice's qparams rows (ceil(n/8)*8)
  uint out_offset;      // index of this slice's first channel in the whole output
  uint out_row_texels;  // tt: texels per row of the output image
} pc;

layout(std430, binding = BINDING_QPARAMS) restrict readonly buffer QParams { STORE_VEC4_T qparams[]; };
vec4 load_qparams4(uint index) { return vec4(qparams[index]); }

#if defined(IO_IN_BUFFERS)
// A kernel that reads x in another shape (coopmat: pairs) declares the input itself.
#if !defined(INPUT_DECLARED_BY_KERNEL)
layout(std430, binding = BINDING_INPUT) restrict readonly buffer Input { STORE_VEC4_T x4[]; };
vec4 load_x4(uint k4) { return vec4(x4[k4]); }
#endif
layout(std430, binding = BINDING_OUTPUT) restrict writeonly buffer Output { STORE_T y[]; };

// Writes the 8 outputs of block n8; channels past the slice's n are padding and never written.
void store_block(uint n8, float values[8]) {
  [[unroll]] for (uint c = 0; c < 8; ++c) {
    const uint n = n8 * 8 + c;
    if (n < pc.n) y[pc.out_offset + n] = STORE_T(values[c]);
  }
}
#else
// x as one row of K/4 RGBA texels of a 3D image (ExecuTorch's width-packed texture3d); y as RGBA
// texels wrapped into rows of out_row_texels (one row whenever N/4 fits the device's image
// width). The output image covers the padded channel count, so whole texels are written.
layout(binding = BINDING_INPUT) uniform sampler3D x_image;
layout(binding = BINDING_OUTPUT, OUTPUT_IMAGE_FORMAT) uniform restrict writeonly image3D y_image;

vec4 load_x4(uint k4) { return texelFetch(x_image, ivec3(k4, 0, 0), 0); }

void store_texel(uint texel, vec4 value) {
  imageStore(y_image, ivec3(texel % pc.out_row_texels, texel / pc.out_row_texels, 0), value);
}

void store_block(uint n8, float values[8]) {
  const uint texel = (pc.out_offset + n8 * 8) / 4;
  store_texel(texel, vec4(values[0], values[1], values[2], values[3]));
  store_texel(texel + 1, vec4(values[4], values[5], values[6], values[7]));
}
#endif

// w = (q - 8) * scale + zero.
float dequantize(uint code, float scale, float zero) { return (float(code) - 8.0) * scale + zero; }
