#!/usr/bin/env bash
# The whole test suite, after scripts/bootstrap.sh (README's test command; .ci/run calls it):
# 1. the CTest suite of build/ (every GPU test under the Khronos validation layer with
#    synchronization validation, any message fails);
# 2. the unit and integration tests again, built with ASan + UBSan (scripts/sanitize.sh);
# 3. a short run of each libFuzzer target (scripts/fuzz.sh; QGEMV_FUZZ_SECONDS, default 30), built
#    by stage 2 in build-asan/ along with the tests.
# Stages run in order and the first failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo "=== test.sh: $* ($(date -u +%H:%M:%S))"; }

stage "ctest (build/)"
# The arm64 Android build under emulation (label slow: a second full compile) is left to
# `ctest --test-dir build -L slow`, to keep the suite near 30 minutes on a 2-core machine.
ctest --test-dir build -j2 -LE slow --output-on-failure
stage "sanitizers (build-asan/)"
bash scripts/sanitize.sh
stage "fuzzing (build-asan/fuzz/)"
bash scripts/fuzz.sh "${QGEMV_FUZZ_SECONDS:-30}"
stage "all passed"
