#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS]
# Runs each libFuzzer target of fuzz/ (clang-14, ASan + UBSan) for SECONDS (default 30), side by
# side. The targets are part of build-asan/, the sanitized build scripts/sanitize.sh makes
# (scripts/sanitizers/configure.sh), and link its library; only the parsers are compiled again for
# them, with the fuzzer's coverage instrumentation (fuzz/CMakeLists.txt). After sanitize.sh (as in
# scripts/test.sh) nothing is left to build; run alone, this script builds the library and the
# targets, not the tests.
# Seeds are made at run time in a fresh corpus folder: configs/*.json for the shapes parser;
# results/baselines/*.json cut down to a few cases for the result-document reader; a small tuning
# file for its reader; a few command lines (arguments separated by NUL bytes) for the command-line
# target. A crash, a sanitizer report or an exception other than UsageError fails the run; the
# input that caused it is kept in build-asan/fuzz/crashes/<target>/ (replay it with
# `build-asan/fuzz/<target> <file>`).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
# The targets' folder in build-asan/; the corpus, the crashes and the logs go there too.
fuzz_dir=$PWD/build-asan/fuzz
targets=(fuzz_shapes fuzz_result_document fuzz_tuning_file fuzz_command_line)
declare -A max_len=([fuzz_shapes]=4096 [fuzz_result_document]=8192 [fuzz_tuning_file]=4096 [fuzz_command_line]=512)

bash scripts/sanitizers/configure.sh
cmake --build build-asan -j"$(nproc)" --target "${targets[@]}"

corpus=$fuzz_dir/corpus
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
  mkdir -p "$fuzz_dir/crashes/$target"
  # close_fd_mask=1: the command-line target's --help and --version print to stdout.
  "$fuzz_dir/$target" "$corpus/$target" -dict="$PWD/fuzz/qgemv.dict" -close_fd_mask=1 -max_len="${max_len[$target]}" \
    -max_total_time="$seconds" -timeout=10 -use_value_profile=1 -print_final_stats=1 \
    -artifact_prefix="$fuzz_dir/crashes/$target/" >"$fuzz_dir/$target.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!targets[@]}"; do
  target=${targets[$i]}
  if wait "${pids[$i]}"; then
    echo "fuzz: $target: no crash in ${seconds} s ($(grep -o 'stat::number_of_executed_units: *[0-9]*' \
      "$fuzz_dir/$target.log" | grep -o '[0-9]*$') inputs)"
  else
    failed=1
    echo "fuzz: $target FAILED; the log's end (all of it in $fuzz_dir/$target.log):" >&2
    tail -n 60 "$fuzz_dir/$target.log" >&2
  fi
done
exit "$failed"
