#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS]
# Builds the libFuzzer targets of fuzz/ with clang-14 (ASan + UBSan) into build-fuzz/ and runs each
# for SECONDS (default 30), side by side. Seeds are made at run time in a fresh corpus folder:
# configs/*.json for the shapes parser; results/baselines/*.json cut down to a few cases for the
# result-document reader; a small tuning file for its reader; a few command lines (arguments
# separated by NUL bytes) for the command-line target. A crash, a sanitizer report or an exception
# other than UsageError fails the run; the input that caused it is kept in
# build-fuzz/crashes/<target>/ (replay it with
# `build-fuzz/fuzz/<target> <file>`).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=$PWD/build-fuzz
targets=(fuzz_shapes fuzz_result_document fuzz_tuning_file fuzz_command_line)
declare -A max_len=([fuzz_shapes]=4096 [fuzz_result_document]=8192 [fuzz_tuning_file]=4096 [fuzz_command_line]=512)

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++-14 -DQGEMV_FUZZ=ON \
      -DQGEMV_BUILD_TESTS=OFF
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

corpus=$build/corpus
rm -rf "$corpus"
for target in "${targets[@]}"; do mkdir -p "$corpus/$target"; done
cp configs/*.json "$corpus/fuzz_shapes/"
cat >"$corpus/fuzz_tuning_file/tuning.json" <<'EOF'
{"schema_version": 1, "tool": "qgemv-bench", "entries": [{"device": "llvmpipe", "kernel": "coop_tuned",
 "n": 2048, "k": 4096, "group_size": 128, "dtype": "fp16", "storage": "bt",
 "config": {"threads_per_block": 64, "blocks_per_workgroup": 2, "loads_per_step": 8, "reduction": "shared",
            "prefetch": true, "interleaved": false},
 "name": "t64.b2.u8.shared.pf", "median_s": 1.5e-05, "candidates": 84,
 "trials": [{"name": "t64.b2.u8.shared.pf", "median_s": 1.5e-05}]}]}
EOF
arguments() { printf '%s\0' "$@"; }  # one command line, NUL after each argument
arguments --shapes smoke.json --kernels legacy,coop --dtype fp32,fp16 >"$corpus/fuzz_command_line/kernels"
arguments --shapes tiny --seed 007 --max-time '' >"$corpus/fuzz_command_line/seed"
arguments --shapes smoke --cold-cache 64 --group-size 64 --out - >"$corpus/fuzz_command_line/cold"
arguments compare a.json b.json --threshold 5% >"$corpus/fuzz_command_line/compare"
# The baselines are megabytes of timing samples: keep what compare reads of their first cases, and
# a variant whose last case is skipped.
python3 - "$corpus/fuzz_result_document" results/baselines/*.json <<'EOF'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
keys = ("shape", "n", "k", "group_size", "kernel", "dtype", "storage", "status", "message",
        "speedup_vs_legacy")
for path in map(pathlib.Path, sys.argv[2:]):
    doc = json.loads(path.read_text())
    # Version 1 keeps raw samples, version 2 repetitions and the median: a few of either.
    timing_keys = ("timer", "unit", "median", "samples", "repetitions")
    cases = [{**{key: r.get(key) for key in keys}, "bytes": {"total": r["bytes"]["total"]},
              "timing": {k: (v[:3] if isinstance(v, list) else v) for k, v in (r.get("timing") or {}).items()
                         if k in timing_keys}} for r in doc["results"][:3]]
    small = {"schema_version": doc["schema_version"], "complete": doc["complete"],
             "context": {"device": {"name": doc["context"]["device"]["name"]}}, "results": cases}
    (out / path.name).write_text(json.dumps(small, indent=1))
    cases[-1].update(status="skipped", message="too large", timing=None, speedup_vs_legacy=None)
    (out / ("skipped-" + path.name)).write_text(json.dumps(small))
EOF

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Debian's llvm-14 names its symbolizer with the version; without one, stacks have no file:line.
[[ -x /usr/bin/llvm-symbolizer-14 ]] && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/bin/llvm-symbolizer-14}
pids=()
for target in "${targets[@]}"; do
  mkdir -p "$build/crashes/$target"
  # close_fd_mask=1: the command-line target's --help and --version print to stdout.
  "$build/fuzz/$target" "$corpus/$target" -dict="$PWD/fuzz/qgemv.dict" -close_fd_mask=1 -max_len="${max_len[$target]}" \
    -max_total_time="$seconds" -timeout=10 -use_value_profile=1 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$target/" >"$build/$target.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!targets[@]}"; do
  target=${targets[$i]}
  if wait "${pids[$i]}"; then
    echo "fuzz: $target: no crash in ${seconds} s ($(grep -o 'stat::number_of_executed_units: *[0-9]*' \
      "$build/$target.log" | grep -o '[0-9]*$') inputs)"
  else
    failed=1
    echo "fuzz: $target FAILED; the log's end (all of it in $build/$target.log):" >&2
    tail -n 60 "$build/$target.log" >&2
  fi
done
exit "$failed"
