#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace qgemv {

// Precision of x, scales, zeros and y as stored on the GPU; arithmetic is always fp32.
enum class DType { fp32, fp16 };

// Where input/output and weights live: b = buffer, t = texture (2D image).
enum class Storage { bb, bt, tt };

std::string_view to_string(DType d);
std::string_view to_string(Storage s);
std::optional<DType> parse_dtype(std::string_view text);
std::optional<Storage> parse_storage(std::string_view text);

// Every spelling parse_dtype / parse_storage accepts, for an error to suggest one of them.
template <typename T>
std::span<const std::string_view> value_names();
template <>
std::span<const std::string_view> value_names<DType>();
template <>
std::span<const std::string_view> value_names<Storage>();

// Bytes one stored element of x / scale / zero / y occupies.
inline std::int64_t element_bytes(DType d) { return d == DType::fp32 ? 4 : 2; }

}  // namespace qgemv
