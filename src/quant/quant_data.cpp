#include "quant/quant_data.hpp"

#include <algorithm>
#include <random>
#include <string>

#include "quant/fp16.hpp"
#include "util/error.hpp"

namespace qgemv::quant {
namespace {

std::string dim(const char* name, std::int64_t value) {
  return std::string(name) + " (" + std::to_string(value) + ")";
}

// std::uniform_*_distribution is implementation-defined (libstdc++ and libc++ differ), so raw
// engine outputs are mapped by hand; mt19937_64's output sequence itself is fixed by the standard.
double unit_double(std::uint64_t r) { return static_cast<double>(r >> 11) * 0x1p-53; }

void fill_codes(std::mt19937_64& rng, std::vector<std::uint8_t>& q) {
  // 16 codes per 64-bit draw, most significant nibble first, so generating lm_head-sized q
  // (N=128256, K=4096: 525M codes) costs 33M draws instead of 525M. N*K is a multiple of 32
  // (K % G == 0, G % 32 == 0), so there is never a partial draw.
  std::uint8_t* out = q.data();
  for (std::size_t i = 0; i < q.size(); i += 16) {
    const std::uint64_t r = rng();
    for (int j = 0; j < 16; ++j) out[i + j] = static_cast<std::uint8_t>((r >> (60 - 4 * j)) & 0xfu);
  }
}

void fill_uniform(std::mt19937_64& rng, std::vector<float>& values, double low, double width) {
  for (float& v : values) v = static_cast<float>(low + width * unit_double(rng()));
}

void round_all_to_half(std::vector<float>& values) {
  for (float& v : values) v = round_to_half(v);
}

}  // namespace

void check_shape(const ProblemShape& shape) {
  if (shape.group_size <= 0) throw UsageError(dim("group size", shape.group_size) + " must be positive");
  if (shape.group_size % 32 != 0)
    throw UsageError(dim("group size", shape.group_size) + " must be a multiple of 32");
  if (shape.n < 1) throw UsageError(dim("N", shape.n) + " must be at least 1");
  if (shape.k < shape.group_size)
    throw UsageError(dim("K", shape.k) + " must be at least the group size (" +
                     std::to_string(shape.group_size) + ")");
  if (shape.k % shape.group_size != 0)
    throw UsageError(dim("K", shape.k) + " must be a multiple of the group size (" +
                     std::to_string(shape.group_size) + ")");
}

QuantData generate_random(const ProblemShape& shape, std::uint64_t seed) {
  check_shape(shape);
  QuantData data;
  data.shape = shape;
  data.seed = seed;
  data.q.resize(static_cast<std::size_t>(shape.n * shape.k));
  data.scale.resize(static_cast<std::size_t>(shape.groups() * shape.n));
  data.zero.resize(data.scale.size());
  data.x.resize(static_cast<std::size_t>(shape.k));

  // The draw order (q, scale, zero, x) is part of the reproducibility contract: a seed recorded
  // in a result file must regenerate the same data in any later version.
  std::mt19937_64 rng(seed);
  fill_codes(rng, data.q);
  fill_uniform(rng, data.scale, 0.005, 0.01);
  fill_uniform(rng, data.zero, -0.01, 0.02);
  fill_uniform(rng, data.x, -1.0, 2.0);
  return data;
}

std::string_view to_string(Quantization quantization) {
  return quantization == Quantization::symmetric ? "symmetric" : "affine";
}

QuantData make_symmetric(QuantData data) {
  std::fill(data.zero.begin(), data.zero.end(), 0.0f);
  return data;
}

void round_to_dtype(QuantData& data, DType dtype) {
  if (dtype == DType::fp32) return;
  round_all_to_half(data.x);
  round_all_to_half(data.scale);
  round_all_to_half(data.zero);
}

std::vector<std::uint8_t> pack_nibble_pairs(const QuantData& data) {
  // K is even, so consecutive flat pairs never straddle two rows.
  std::vector<std::uint8_t> pairs(data.q.size() / 2);
  for (std::size_t i = 0; i < pairs.size(); ++i)
    pairs[i] = static_cast<std::uint8_t>(data.q[2 * i] << 4 | data.q[2 * i + 1]);
  return pairs;
}

}  // namespace qgemv::quant
