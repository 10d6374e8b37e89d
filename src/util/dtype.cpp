#include "util/dtype.hpp"

namespace qgemv {

namespace {

// The one spelling of each value, in enum order: printing, parsing and suggestions all read these.
constexpr std::string_view kDTypeNames[] = {"fp32", "fp16"};
constexpr std::string_view kStorageNames[] = {"bb", "bt", "tt"};

template <typename T, std::size_t N>
std::optional<T> parse_name(std::string_view text, const std::string_view (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<T>(i);
  }
  return std::nullopt;
}

template <typename T, std::size_t N>
std::string_view name_of(T value, const std::string_view (&names)[N]) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : "?";
}

}  // namespace

std::string_view to_string(DType d) { return name_of(d, kDTypeNames); }
std::string_view to_string(Storage s) { return name_of(s, kStorageNames); }
std::optional<DType> parse_dtype(std::string_view text) { return parse_name<DType>(text, kDTypeNames); }
std::optional<Storage> parse_storage(std::string_view text) { return parse_name<Storage>(text, kStorageNames); }

template <>
std::span<const std::string_view> value_names<DType>() {
  return kDTypeNames;
}

template <>
std::span<const std::string_view> value_names<Storage>() {
  return kStorageNames;
}

}  // namespace qgemv
