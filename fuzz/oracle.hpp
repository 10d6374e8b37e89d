#pragma once
// The oracle both fuzz targets share: bad input may only be rejected with qgemv::UsageError (exit
// code 2, docs/design.md, "Exit codes"). Any other exception, or an accepted input that breaks a promise of the parser,
// is a bug: it is printed and the process aborts, so libFuzzer reports it and saves the input.
#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>

#include "util/error.hpp"

namespace qgemv::fuzz {

[[noreturn]] inline void bug(const char* what) {
  std::fprintf(stderr, "fuzz oracle: %s\n", what);
  std::abort();
}

inline void check(bool holds, const char* promise) {
  if (!holds) bug(promise);
}

// Runs `parse`: true when it accepted the input, false when it rejected it with a UsageError.
template <class Parse>
bool accepts(Parse&& parse) {
  try {
    parse();
    return true;
  } catch (const UsageError&) {
    return false;
  } catch (const std::exception& e) {
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> type(
        abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), &std::free);
    std::fprintf(stderr, "fuzz oracle: %s escaped: %s\n", type ? type.get() : typeid(e).name(), e.what());
    std::abort();
  } catch (...) {
    bug("an exception not derived from std::exception escaped");
  }
}

}  // namespace qgemv::fuzz
