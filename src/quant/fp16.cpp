#include "quant/fp16.hpp"

#include <bit>

// Pure integer implementation: the result must not depend on the host FPU's rounding mode or on
// F16C/NEON availability, because the reference has to agree bit for bit with what we upload.
namespace qgemv::quant {
namespace {

constexpr std::uint32_t kFloatInf = 0x7f800000u;
constexpr std::uint16_t kHalfInf = 0x7c00u;
constexpr std::uint16_t kHalfQuietBit = 0x0200u;

// Shifts `value` right by `shift` bits, rounding to nearest with ties to even.
std::uint32_t shift_right_rne(std::uint32_t value, unsigned shift) {
  const std::uint32_t kept = value >> shift;
  const std::uint32_t rest = value & ((1u << shift) - 1u);
  const std::uint32_t half = 1u << (shift - 1u);
  return kept + ((rest > half || (rest == half && (kept & 1u))) ? 1u : 0u);
}

std::uint16_t nan_to_half(std::uint32_t abs_bits) {
  // Keep the top payload bits so half -> float -> half is the identity for every NaN; a payload
  // that would vanish becomes the quiet bit, so the result can never turn into infinity.
  const auto payload = static_cast<std::uint16_t>((abs_bits >> 13) & 0x3ffu);
  return static_cast<std::uint16_t>(kHalfInf | (payload != 0 ? payload : kHalfQuietBit));
}

}  // namespace

std::uint16_t float_to_half(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t abs_bits = bits & 0x7fffffffu;
  if (abs_bits > kFloatInf) return static_cast<std::uint16_t>(sign | nan_to_half(abs_bits));
  const std::uint32_t exponent = abs_bits >> 23;  // biased by 127
  if (exponent >= 143) return static_cast<std::uint16_t>(sign | kHalfInf);  // >= 2^16 (or inf)
  if (exponent >= 113) {
    // Normal half (>= 2^-14). Rebias 127 -> 15; a rounding carry may correctly ripple into the
    // exponent, up to infinity for values >= 65520.
    const std::uint32_t rebased = abs_bits - (112u << 23);
    return static_cast<std::uint16_t>(sign | shift_right_rne(rebased, 13));
  }
  // Subnormal half: the result counts units of 2^-24. Values below 2^-25 round to zero, and
  // shifts over 24 would drop the whole significand anyway.
  const unsigned shift = 126u - exponent;
  if (shift > 24) return sign;
  const std::uint32_t significand = (abs_bits & 0x7fffffu) | 0x800000u;
  return static_cast<std::uint16_t>(sign | shift_right_rne(significand, shift));
}

float half_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1fu;
  const std::uint32_t mantissa = bits & 0x3ffu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24 is exact in float (a normal float).
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return std::bit_cast<float>(std::bit_cast<std::uint32_t>(magnitude) | sign);
  }
  if (exponent == 31) return std::bit_cast<float>(sign | kFloatInf | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

}  // namespace qgemv::quant
