#include "quant/slice.hpp"

#include <stdexcept>

namespace qgemv::quant {

QuantData slice_channels(const QuantData& data, std::int64_t n_begin, std::int64_t n_end) {
  const auto& shape = data.shape;
  if (n_begin < 0 || n_end > shape.n || n_begin >= n_end) throw std::out_of_range("slice_channels: bad range");
  QuantData out;
  out.shape = {n_end - n_begin, shape.k, shape.group_size};
  out.seed = data.seed;
  out.x = data.x;
  out.q.assign(data.q.begin() + n_begin * shape.k, data.q.begin() + n_end * shape.k);
  out.scale.reserve(shape.groups() * out.shape.n);
  out.zero.reserve(shape.groups() * out.shape.n);
  for (std::int64_t g = 0; g < shape.groups(); ++g) {
    const auto row = g * shape.n;
    out.scale.insert(out.scale.end(), data.scale.begin() + row + n_begin, data.scale.begin() + row + n_end);
    out.zero.insert(out.zero.end(), data.zero.begin() + row + n_begin, data.zero.begin() + row + n_end);
  }
  return out;
}

}  // namespace qgemv::quant
