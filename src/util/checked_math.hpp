#pragma once
// Byte counts of a case are products of user-given sizes: computed in 64 bits, and a product that
// would not fit is an error rather than a wrapped, too-small allocation.
#include <cstdint>

#include "util/error.hpp"

namespace qgemv {

inline std::uint64_t checked_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) throw UnsupportedError("a buffer size overflows 64 bits");
  return product;
}

inline std::uint64_t checked_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) throw UnsupportedError("a buffer size overflows 64 bits");
  return sum;
}

}  // namespace qgemv
