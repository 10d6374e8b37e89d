#include "reference/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace qgemv::reference {
namespace {

// Unit roundoff of fp32, the precision of all GPU arithmetic whatever the storage dtype.
constexpr double kArithmeticRoundoff = 0x1p-24;
// Keeps the bound strictly positive where abs_sum and ref are both 0 (never with random data).
constexpr double kTinyBound = 1e-30;

std::string format(const char* pattern, auto... args) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

// What the element loop learns; the first offending indices name the problem in the message.
struct Scan {
  double error_sq = 0;
  double ref_sq = 0;
  std::int64_t first_non_finite = -1;
  std::int64_t first_out_of_bounds = -1;
  double first_out_of_bounds_bound = 0;
  std::int64_t worst_finite = -1;
};

double element_bound(const Tolerance& tol, const Reference& ref, std::size_t n) {
  return tol.abs_factor * ref.abs_sum[n] + tol.out_rounding * std::fabs(ref.y[n]) + tol.abs_floor + kTinyBound;
}

// Non-finite outputs are counted but kept out of the error statistics, which must stay finite
// (they go to JSON); the non-finite count alone fails the case.
void scan_element(std::span<const float> y, const Reference& ref, std::size_t n, ValidationResult& result,
                  Scan& scan) {
  if (!std::isfinite(y[n])) {
    if (result.non_finite++ == 0) scan.first_non_finite = static_cast<std::int64_t>(n);
    return;
  }
  const double expected = ref.y[n];
  const double error = std::fabs(static_cast<double>(y[n]) - expected);
  scan.error_sq += error * error;
  scan.ref_sq += expected * expected;
  if (scan.worst_finite < 0 || error > result.max_abs_error) {
    result.max_abs_error = error;
    scan.worst_finite = static_cast<std::int64_t>(n);
  }
  if (expected != 0) result.max_rel_error = std::max(result.max_rel_error, error / std::fabs(expected));
  const double bound = element_bound(result.tolerance, ref, n);
  if (error > bound && result.out_of_bounds++ == 0) {
    scan.first_out_of_bounds = static_cast<std::int64_t>(n);
    scan.first_out_of_bounds_bound = bound;
  }
}

std::string failure_message(std::span<const float> y, const Reference& ref, const ValidationResult& result,
                            const Scan& scan) {
  if (result.non_finite > 0)
    return format("%lld of %zu outputs are NaN/Inf (first at n=%lld)",
                  static_cast<long long>(result.non_finite), y.size(),
                  static_cast<long long>(scan.first_non_finite));
  if (result.out_of_bounds > 0) {
    const auto n = static_cast<std::size_t>(scan.first_out_of_bounds);
    return format(
        "y[%zu] = %.6g differs from reference %.6g by more than %.2g (%lld of %zu outputs out of bounds)", n,
        static_cast<double>(y[n]), ref.y[n], scan.first_out_of_bounds_bound,
        static_cast<long long>(result.out_of_bounds), y.size());
  }
  if (!(result.nrmse <= result.tolerance.nrmse))
    return format("nrmse %.1e exceeds %.1e", result.nrmse, result.tolerance.nrmse);
  return {};
}

}  // namespace

Tolerance tolerance_for(DType dtype, std::int64_t k) {
  // Derivation in docs/design.md ("Validation"): fp32 dequantize + dot product rounding grows
  // like u * sqrt(K) for the partial-sum trees the kernels use; the stored output adds one rounding
  // of the output type.
  const double u = kArithmeticRoundoff;
  const double root_k = std::sqrt(static_cast<double>(k));
  Tolerance tol;
  // Vulkan lets fp32 -> fp16 conversion round toward zero (a full ulp, 2^-10) and flush fp16
  // subnormals (below 2^-14) to zero, so fp16 outputs get both allowances.
  tol.out_rounding = dtype == DType::fp32 ? 0x1p-24 : 0x1p-10;
  tol.abs_floor = dtype == DType::fp32 ? 0.0 : 0x1p-14;
  tol.nrmse = 8 * u * root_k + tol.out_rounding;
  tol.abs_factor = u * (4 * root_k + 8);
  return tol;
}

ValidationResult validate(std::span<const float> y, const Reference& ref, DType dtype, std::int64_t k) {
  ValidationResult result;
  result.tolerance = tolerance_for(dtype, k);
  if (y.size() != ref.y.size() || ref.abs_sum.size() != ref.y.size()) {
    result.message = format("output has %zu elements, reference has %zu", y.size(), ref.y.size());
    return result;
  }
  Scan scan;
  for (std::size_t n = 0; n < y.size(); ++n) scan_element(y, ref, n, result, scan);
  // An all-zero reference cannot be normalized; the absolute norm is then the meaningful number.
  const double error_norm = std::sqrt(scan.error_sq);
  result.nrmse = scan.ref_sq > 0 ? error_norm / std::sqrt(scan.ref_sq) : error_norm;
  result.worst_index = scan.first_non_finite >= 0 ? scan.first_non_finite : scan.worst_finite;
  result.message = failure_message(y, ref, result, scan);
  result.passed = result.message.empty();
  return result;
}

}  // namespace qgemv::reference
