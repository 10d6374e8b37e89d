#!/usr/bin/env bash
# Builds a self-contained x86-64 binary (static libstdc++/libgcc, Vulkan loaded at run time) into
# OUTDIR (default devbin/), for copying to a machine that has only a Vulkan loader and a driver.
set -euo pipefail
cd "$(dirname "$0")/.."
outdir=${1:-devbin}
cmake -S . -B build-portable -DCMAKE_BUILD_TYPE=Release -DQGEMV_BUILD_TESTS=OFF -DQGEMV_STATIC_RUNTIME=ON
cmake --build build-portable -j"$(nproc)" --target qgemv-bench
mkdir -p "$outdir"
cp build-portable/qgemv-bench "$outdir/"
echo "built $outdir/qgemv-bench; needs only: $(objdump -p "$outdir/qgemv-bench" | awk '/NEEDED/ {print $2}' | xargs)"
