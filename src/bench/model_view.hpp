#pragma once
// Per-token view of a model shapes file: every linear layer at batch 1 is one GEMV, so GEMV time
// per token is the sum of each shape's median times its per-token count.
#include <cstdint>
#include <string>
#include <vector>

#include "bench/case_result.hpp"

namespace qgemv::bench {

struct TokenEstimate {
  std::string kernel;
  DType dtype = DType::fp32;
  Storage storage = Storage::bb;
  double seconds_per_token = 0;
  double bytes_per_token = 0;  // packed weights + qparams + input + output, times counts (double: counts may be huge)
  double tokens_per_second = 0;      // upper bound implied by GEMV time alone
  bool complete = false;             // every shape of the file ran ok for this variant
};

// One estimate per kernel x dtype x storage present in `results` (in first-seen order); empty
// when the results carry no per-token counts. A variant with fewer than `shapes_in_file` results
// (an interrupted sweep) is incomplete: a sum over part of the model would look like a faster one.
std::vector<TokenEstimate> estimate_tokens(const std::vector<CaseResult>& results, std::size_t shapes_in_file);

}  // namespace qgemv::bench
