#!/usr/bin/env bash
# Configures build-asan/, the one instrumented build that scripts/sanitize.sh and scripts/fuzz.sh
# share: ASan + UBSan everywhere (QGEMV_SANITIZE) plus the libFuzzer targets of fuzz/ (QGEMV_FUZZ),
# with clang++-14. The library is compiled once, for the tests and the fuzzers alike (only the
# parsers are compiled again, for the fuzzers' coverage: fuzz/CMakeLists.txt), and both scripts
# configure the folder through here, so that neither undoes the other's options and rebuilds it.
# Extra arguments go to cmake (e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache, which the cache keeps).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$PWD/build-asan

# clang++-14, not g++: libFuzzer comes with clang, and the build is most of sanitize.sh's time,
# which g++ 12 doubles (12 to 15 minutes against 6 on a 2-core machine). A folder configured for
# another compiler is started afresh.
if [[ -f $build/CMakeCache.txt ]] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang++-14$' "$build/CMakeCache.txt"; then
  rm -rf "$build"
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++-14 -DQGEMV_SANITIZE=ON \
      -DQGEMV_FUZZ=ON "$@"
