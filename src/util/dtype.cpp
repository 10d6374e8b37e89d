#include "util/dtype.hpp"

namespace qgemv {

std::string_view to_string(DType d) { return d == DType::fp32 ? "fp32" : "fp16"; }

std::string_view to_string(Storage s) {
  switch (s) {
    case Storage::bb: return "bb";
    case Storage::bt: return "bt";
    case Storage::tt: return "tt";
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view text) {
  if (text == "fp32") return DType::fp32;
  if (text == "fp16") return DType::fp16;
  return std::nullopt;
}

std::optional<Storage> parse_storage(std::string_view text) {
  if (text == "bb") return Storage::bb;
  if (text == "bt") return Storage::bt;
  if (text == "tt") return Storage::tt;
  return std::nullopt;
}

template <>
std::span<const std::string_view> value_names<DType>() {
  static constexpr std::string_view names[] = {"fp32", "fp16"};
  return names;
}

template <>
std::span<const std::string_view> value_names<Storage>() {
  static constexpr std::string_view names[] = {"bb", "bt", "tt"};
  return names;
}

}  // namespace qgemv
