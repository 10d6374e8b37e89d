#pragma once
// Comparison of a GPU output with the CPU reference (docs/design.md, "Validation"). The tolerances are derived in
// docs/design.md ("Validation"); they scale with the dtype's unit roundoff and sqrt(K).
#include <cstdint>
#include <span>
#include <string>

#include "reference/reference.hpp"
#include "util/dtype.hpp"

namespace qgemv::reference {

struct Tolerance {
  double nrmse = 0;       // bound on ||y - ref||_2 / ||ref||_2
  double abs_factor = 0;  // element n may differ by abs_factor * abs_sum[n] + out_rounding*|ref[n]|
  double out_rounding = 0;
  double abs_floor = 0;  // added to every element's bound: fp16 outputs may flush subnormals to 0
};

Tolerance tolerance_for(DType dtype, std::int64_t k);

struct ValidationResult {
  bool passed = false;
  double max_abs_error = 0;
  double max_rel_error = 0;  // over elements with |ref| > 0
  double nrmse = 0;
  std::int64_t non_finite = 0;     // NaN or Inf outputs (unwritten elements stay NaN)
  std::int64_t out_of_bounds = 0;  // elements outside the per-element bound
  std::int64_t worst_index = -1;
  Tolerance tolerance;
  std::string message;  // empty when passed; otherwise one line naming the first problem
};

ValidationResult validate(std::span<const float> y, const Reference& ref, DType dtype, std::int64_t k);

}  // namespace qgemv::reference
