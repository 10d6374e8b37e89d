// Shared by every GEMV kernel: element types per dtype, push constants, dequantization.
// Variants are selected by -D defines at build time (cmake/shaders.cmake):
//   DTYPE_FP32 | DTYPE_FP16     storage type of x, scales, zeros, y (arithmetic is always fp32)
//   STORAGE_BB                  input/output and weights in storage buffers
//   QGEMV_SWAP_NIBBLES          test-only: decodes nibbles in the wrong order
#extension GL_EXT_control_flow_attributes : require

#if defined(DTYPE_FP16)
#extension GL_EXT_shader_16bit_storage : require
#define STORE_T float16_t
#define STORE_VEC4_T f16vec4
#elif defined(DTYPE_FP32)
#define STORE_T float
#define STORE_VEC4_T vec4
#else
#error "define DTYPE_FP32 or DTYPE_FP16"
#endif

#if !defined(STORAGE_BB)
#error "define STORAGE_BB"
#endif

// Binding numbers are the contract with src/kernels/kernel_table.cpp.
#define BINDING_WEIGHTS 0
#define BINDING_QPARAMS 1
#define BINDING_INPUT 2
#define BINDING_OUTPUT 3

layout(push_constant) uniform PushConstants {
  uint n;           // valid output channels in this dispatch
  uint k;           // input channels
  uint group_size;  // quantization group size G
  uint padded_n;    // channel stride of qparams rows (ceil(n/8)*8)
} pc;

layout(std430, binding = BINDING_QPARAMS) readonly buffer QParams { STORE_VEC4_T qparams[]; };
layout(std430, binding = BINDING_INPUT) readonly buffer Input { STORE_VEC4_T x4[]; };
layout(std430, binding = BINDING_OUTPUT) writeonly buffer Output { STORE_T y[]; };

vec4 load_qparams4(uint index) { return vec4(qparams[index]); }
vec4 load_x4(uint k4) { return vec4(x4[k4]); }
void store_y(uint n, float value) { y[n] = STORE_T(value); }

// w = (q - 8) * scale + zero (SPEC §1).
float dequantize(uint code, float scale, float zero) { return (float(code) - 8.0) * scale + zero; }
