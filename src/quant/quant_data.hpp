#pragma once
// The logical int4 GEMV problem of docs/design.md, "The math", before any GPU packing. Packing, the CPU reference,
// the GPU upload and --dump all read this one structure.
#include <cstdint>
#include <string_view>
#include <vector>

#include "util/dtype.hpp"

namespace qgemv::quant {

struct ProblemShape {
  std::int64_t n = 0;           // output channels
  std::int64_t k = 0;           // input channels
  std::int64_t group_size = 0;  // G: K % G == 0, G % 32 == 0

  std::int64_t groups() const { return k / group_size; }
  std::int64_t blocks_of_8() const { return (n + 7) / 8; }  // ceil(N/8)
  std::int64_t padded_n() const { return blocks_of_8() * 8; }
};

// Throws UsageError naming the violated constraint of docs/design.md, "The math".
void check_shape(const ProblemShape& shape);

// affine: w = (q - 8) * scale + zero; symmetric: zero is 0 (scales only), as in ExecuTorch's q4gsw
// kernels. A kernel declares which it computes; its data and reference follow.
enum class Quantization { affine, symmetric };
std::string_view to_string(Quantization quantization);

struct QuantData {
  ProblemShape shape;
  std::uint64_t seed = 0;
  std::vector<std::uint8_t> q;  // [N][K], codes 0..15
  std::vector<float> scale;     // [K/G][N]
  std::vector<float> zero;      // [K/G][N]
  std::vector<float> x;         // [K]

  std::uint8_t code(std::int64_t n, std::int64_t k) const { return q[n * shape.k + k]; }
  float scale_of(std::int64_t g, std::int64_t n) const { return scale[g * shape.n + n]; }
  float zero_of(std::int64_t g, std::int64_t n) const { return zero[g * shape.n + n]; }
};

// Seeded and reproducible on every platform (own uniform mapping, not <random> distributions):
// q uniform over 0..15, x in [-1, 1), scale in [0.005, 0.015], zero in [-0.01, 0.01].
QuantData generate_random(const ProblemShape& shape, std::uint64_t seed);

// The same q, scale and x with every zero 0: a symmetric kernel's data. Derived from the affine
// data (not drawn anew), so both quantizations of a case share codes, scales and input.
QuantData make_symmetric(QuantData data);

// Rounds x, scale and zero to the values the GPU will see for `dtype` (fp16: round to nearest
// even half), so the reference computes on exactly what the kernel reads.
void round_to_dtype(QuantData& data, DType dtype);

// Source form "two codes per byte": byte = q[n][k] << 4 | q[n][k+1], even k in the high nibble.
std::vector<std::uint8_t> pack_nibble_pairs(const QuantData& data);

}  // namespace qgemv::quant
