#pragma once
// "Did you mean ...?" for a mistyped name (shapes file keys, kernels, --dtype, --storage).
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace qgemv {

// The candidate nearest to `name` (case-insensitive edit distance, a swap of two neighbours
// counting as one edit), if near enough to be a typo of it; the first of equally near ones.
std::optional<std::string_view> closest_name(std::string_view name, std::span<const std::string_view> candidates);

// ` (did you mean "x"?)` when a candidate is near enough, otherwise ` (<label>: a, b, c)`.
std::string suggestion(std::string_view name, std::span<const std::string_view> candidates,
                       std::string_view label = "allowed");

}  // namespace qgemv
