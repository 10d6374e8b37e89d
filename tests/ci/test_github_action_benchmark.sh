#!/usr/bin/env bash
# What github-action-benchmark (tool: googlecpp, default alert-threshold 200%) would say about two
# runs of an unchanged binary written with --format gbench-median: no alert. And, so that this
# test can fail, what it says about the second run made 3x slower on paper: an alert for every
# time-valued entry.
#
#   tests/ci/test_github_action_benchmark.sh QGEMV_BENCH
set -euo pipefail
bench=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "node missing (Debian: nodejs; scripts/bootstrap.sh installs it)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# CTest pins lavapipe (QGEMV_DEVICE=llvmpipe) so a machine with a GPU runs this on the CPU driver too.
device=()
[[ -n ${QGEMV_DEVICE:-} ]] && device=(--device "$QGEMV_DEVICE")
# Lavapipe runs a dispatch on its worker threads, and on a loaded host (this suite runs beside
# builds) their wake-ups, not the shader, set the time: medians of two runs 55x apart on a 2-core
# machine at load 35. Run inline (LP_NUM_THREADS=0) the medians agreed within 11%.
export LP_NUM_THREADS=${LP_NUM_THREADS:-0}
sweep() {
  "$bench" "${device[@]}" --shapes smoke.json --repetitions 10 --min-time 0.01 --cold-cache off --roofline off --quiet \
    --format gbench-median --out "$1"
}
sweep "$dir/previous.json"
sweep "$dir/current.json"

echo "== two runs of the same binary"
node "$here/gha_benchmark_alert.js" "$dir/previous.json" "$dir/current.json" | tee "$dir/verdict.txt"
grep -q "^0 alert(s) over [1-9]" "$dir/verdict.txt"

# A run 3x slower: every time-valued entry triples (a cv, a fraction of the mean, would not).
node -e '
  const fs = require("fs");
  const doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  for (const b of doc.benchmarks) {
    if (b.aggregate_unit === "percentage") continue;
    b.real_time *= 3;
    b.cpu_time *= 3;
  }
  fs.writeFileSync(process.argv[2], JSON.stringify(doc));
' "$dir/current.json" "$dir/slower.json"
echo "== the second run against itself 3x slower"
status=0
node "$here/gha_benchmark_alert.js" "$dir/current.json" "$dir/slower.json" >"$dir/slower.txt" || status=$?
cat "$dir/slower.txt"
((status == 1))
expected=$(node -e '
  const doc = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(doc.benchmarks.filter((b) => b.aggregate_unit !== "percentage").length);
' "$dir/current.json")
grep -q "^$expected alert(s)" "$dir/slower.txt"
echo "ok"
