#include "bench/problem.hpp"

namespace qgemv::bench {

std::uint64_t case_seed(std::uint64_t run_seed, const std::string& shape_name) {
  // FNV-1a over the name, then a splitmix64 finaliser so nearby seeds give unrelated data.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : shape_name) h = (h ^ c) * 1099511628211ull;
  std::uint64_t z = run_seed ^ h;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

Problem::Problem(const config::Shape& shape, DType dtype, std::uint64_t seed, bool with_reference)
    : shape_(shape), dtype_(dtype), with_reference_(with_reference) {
  data_ = quant::generate_random({shape.n, shape.k, shape.group_size}, seed);
  quant::round_to_dtype(data_, dtype);
  if (with_reference) reference_ = std::make_unique<reference::Reference>(reference::compute(data_));
}

const quant::QuantData& Problem::data(quant::Quantization quantization) const {
  if (quantization == quant::Quantization::affine) return data_;
  if (!symmetric_) symmetric_ = std::make_unique<quant::QuantData>(quant::make_symmetric(data_));
  return *symmetric_;
}

const reference::Reference* Problem::reference(quant::Quantization quantization) const {
  if (quantization == quant::Quantization::affine || !with_reference_) return reference();
  if (!symmetric_reference_) {
    symmetric_reference_ = std::make_unique<reference::Reference>(reference::compute(data(quantization)));
  }
  return symmetric_reference_.get();
}

// Keyed by layout alone: each layout belongs to one quantization (the declaration enforces it).
const quant::PackedWeights& Problem::packed(quant::Layout layout, quant::Quantization quantization) {
  auto it = packed_.find(layout);
  if (it == packed_.end()) it = packed_.emplace(layout, quant::pack(data(quantization), layout)).first;
  return it->second;
}

}  // namespace qgemv::bench
