#pragma once
#include <cstdint>
#include <vector>

#include "quant/quant_data.hpp"

namespace qgemv::reference {

struct Reference {
  std::vector<double> y;        // [N], accumulated in double on the logical codes
  std::vector<double> abs_sum;  // [N], sum_k |x[k] * w[n][k]|: the scale of rounding errors
};

// y[n] = sum_k x[k] * ((q[n][k] - 8) * scale[g][n] + zero[g][n]); parallel over n.
// threads == 0 means std::thread::hardware_concurrency().
Reference compute(const quant::QuantData& data, unsigned threads = 0);

}  // namespace qgemv::reference
