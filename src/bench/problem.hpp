#pragma once
// The data of one shape x dtype: generated, rounded, packed and referenced once, then shared by
// every kernel and storage variant that runs on it. A symmetric kernel gets the same codes, scales
// and input with zeros 0 (quant::make_symmetric), made, packed and referenced on first use.
#include <cstdint>
#include <map>
#include <memory>

#include "config/shapes.hpp"
#include "quant/packing.hpp"
#include "quant/quant_data.hpp"
#include "reference/reference.hpp"

namespace qgemv::bench {

// Per-shape seed: depends on the run seed and the shape's name only, so running a subset of a
// sweep reproduces the same data for the shapes it keeps.
std::uint64_t case_seed(std::uint64_t run_seed, const std::string& shape_name);

class Problem {
 public:
  Problem(const config::Shape& shape, DType dtype, std::uint64_t seed, bool with_reference);

  const config::Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  std::uint64_t seed() const { return data_.seed; }
  const quant::QuantData& data() const { return data_; }
  const reference::Reference* reference() const { return reference_.get(); }
  // The data and reference a kernel of `quantization` computes on; not thread-safe (made lazily).
  const quant::QuantData& data(quant::Quantization quantization) const;
  const reference::Reference* reference(quant::Quantization quantization) const;
  // Packed on first use, from data(quantization).
  const quant::PackedWeights& packed(quant::Layout layout,
                                     quant::Quantization quantization = quant::Quantization::affine);

 private:
  config::Shape shape_;
  DType dtype_;
  bool with_reference_;
  quant::QuantData data_;
  std::unique_ptr<reference::Reference> reference_;
  mutable std::unique_ptr<quant::QuantData> symmetric_;
  mutable std::unique_ptr<reference::Reference> symmetric_reference_;
  std::map<quant::Layout, quant::PackedWeights> packed_;
};

}  // namespace qgemv::bench
