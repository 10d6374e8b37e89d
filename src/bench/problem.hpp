#pragma once
// The data of one shape x dtype: generated, rounded, packed and referenced once, then shared by
// every kernel and storage variant that runs on it.
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
  const quant::PackedWeights& packed(quant::Layout layout);  // packed on first use

 private:
  config::Shape shape_;
  DType dtype_;
  quant::QuantData data_;
  std::unique_ptr<reference::Reference> reference_;
  std::map<quant::Layout, quant::PackedWeights> packed_;
};

}  // namespace qgemv::bench
