#include <gtest/gtest.h>

#include <string_view>

#include "util/suggest.hpp"

namespace qgemv {
namespace {

constexpr std::string_view kKeys[] = {"name", "n", "k", "count", "group_size", "scope"};

TEST(Suggest, OneSlipFindsTheName) {
  EXPECT_EQ(closest_name("grup_size", kKeys), "group_size");
  EXPECT_EQ(closest_name("cuont", kKeys), "count");  // two neighbours swapped: one edit
  EXPECT_EQ(closest_name("Scope", kKeys), "scope");  // case does not count
}

TEST(Suggest, NothingCloseIsNoSuggestion) {
  EXPECT_EQ(closest_name("m", kKeys), std::nullopt);  // one edit of one letter is a different name
  EXPECT_EQ(closest_name("layers", kKeys), std::nullopt);
  EXPECT_EQ(closest_name("x", {}), std::nullopt);
}

TEST(Suggest, TheFirstOfEquallyNearOnesWins) {
  constexpr std::string_view storages[] = {"bb", "bt", "tt"};
  EXPECT_EQ(closest_name("bbb", storages), "bb");
  constexpr std::string_view near[] = {"abcd", "abce"};
  EXPECT_EQ(closest_name("abcx", near), "abcd");
}

TEST(Suggest, SuggestionTextFallsBackToTheList) {
  EXPECT_EQ(suggestion("grup_size", kKeys), R"( (did you mean "group_size"?))");
  EXPECT_EQ(suggestion("m", kKeys), " (allowed: name, n, k, count, group_size, scope)");
  constexpr std::string_view dtypes[] = {"fp32", "fp16"};
  EXPECT_EQ(suggestion("fp64", dtypes, "known"), " (known: fp32, fp16)");
}

}  // namespace
}  // namespace qgemv
