#!/usr/bin/env bash
# Builds a self-contained x86-64 binary (static libstdc++/libgcc, Vulkan loaded at run time) into
# OUTDIR (default devbin/), for copying to a machine that has only a Vulkan loader and a driver.
# Further arguments go to CMake (e.g. -DQGEMV_TEST_SLOW_COOP=ON); QGEMV_PORTABLE_BUILD_DIR names
# the build folder (default build-portable/), so several such builds can sit side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
outdir=${1:-devbin}
shift || true
build=${QGEMV_PORTABLE_BUILD_DIR:-build-portable}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DQGEMV_BUILD_TESTS=OFF -DQGEMV_STATIC_RUNTIME=ON "${launcher[@]}" "$@"
cmake --build "$build" -j"$(nproc)" --target qgemv-bench
mkdir -p "$outdir"
cp "$build/qgemv-bench" "$outdir/"
echo "built $outdir/qgemv-bench; needs only: $(objdump -p "$outdir/qgemv-bench" | awk '/NEEDED/ {print $2}' | xargs)"
