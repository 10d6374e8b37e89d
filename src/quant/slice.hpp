#pragma once
#include <cstdint>

#include "quant/quant_data.hpp"

namespace qgemv::quant {

// Channels [n_begin, n_end) of `data` as a problem of its own (same K, G, x and seed), so a case
// too large for one binding can be packed and dispatched slice by slice.
QuantData slice_channels(const QuantData& data, std::int64_t n_begin, std::int64_t n_end);

}  // namespace qgemv::quant
