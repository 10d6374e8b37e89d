#pragma once
#include <cstdint>

namespace qgemv::quant {

// IEEE 754 binary16 conversions, round to nearest even, subnormals/inf/NaN preserved.
std::uint16_t float_to_half(float value);
float half_to_float(std::uint16_t bits);
inline float round_to_half(float value) { return half_to_float(float_to_half(value)); }

}  // namespace qgemv::quant
