#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ and runs the
# unit and integration GoogleTest suites there. Any sanitizer report fails, including one from a
# qgemv-bench process an integration test started (its stderr is the test's to judge, so reports go
# to files, checked at the end). Extra arguments go to ctest (e.g. -R Shapes).
#
# The build (scripts/sanitizers/configure.sh) includes the libFuzzer targets of fuzz/, which link the
# same library: scripts/fuzz.sh runs them afterwards with nothing left to compile.
#
# Left out: the `slow` label, ci_gate.* and plot_results (performance and plotting, not our memory
# safety: they run the same binary as the integration tests), android.* (shell-script stand-ins).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-asan
reports=$build/sanitizer-reports

# scripts/sanitizers/lsan.supp names only uninstrumented system libraries (the validation layer),
# never our own code.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0"
# Debian's llvm-14 names its symbolizer with the version; without one, stacks have no file:line.
[[ -x /usr/bin/llvm-symbolizer-14 ]] && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/bin/llvm-symbolizer-14}

bash scripts/sanitizers/configure.sh
rm -rf "$reports"
mkdir -p "$reports"
cmake --build "$build" -j"$(nproc)"

# The tests' scratch folders are named after the tests: a private TMPDIR keeps this run apart from
# one in build/ at the same time.
export TMPDIR=$build/tmp
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -LE slow \
  -E '^(ci_gate\.|plot_results$|android\.)' "$@" || status=$?

shopt -s nullglob
found=("$reports"/*)
if ((${#found[@]})); then
  echo "sanitize: ${#found[@]} sanitizer report(s):" >&2
  for f in "${found[@]}"; do
    echo "==== $f" >&2
    cat "$f" >&2
  done
  exit 1
fi
((status == 0)) && echo "sanitize: clean"
exit "$status"
