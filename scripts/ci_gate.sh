#!/usr/bin/env bash
# Example CI job step that gates a shader change on performance: run the sweep the baseline was
# made with, compare against the baseline, and exit with compare's code
# (0 pass, 1 a regression or a failed/missing case, 2 unusable input).
#
#   scripts/ci_gate.sh BASELINE.json [compare options, e.g. --metric speedup --threshold 60%]
#
# The sweep must match the baseline's (results/baselines/README.md gives each baseline's command):
#   QGEMV_BENCH        the binary (default: build/qgemv-bench)
#   QGEMV_SHAPES       shapes file (default: smoke.json)
#   QGEMV_DEVICE       device index or name substring (default: the best device)
#   QGEMV_REPETITIONS  timed dispatches per case (default: 100)
#   QGEMV_RUN_ARGS     any further run options (e.g. "--dtype fp32,fp16 --storage bb,bt,tt")
#   QGEMV_OUT          where the new result goes (default: a temporary file); keep it as a CI artifact
set -euo pipefail
(($# >= 1)) || { echo "usage: $0 BASELINE.json [compare options]" >&2; exit 2; }
baseline=$1
shift

bench=${QGEMV_BENCH:-build/qgemv-bench}
out=${QGEMV_OUT:-$(mktemp -d)/new.json}
run_args=(--shapes "${QGEMV_SHAPES:-smoke.json}" --repetitions "${QGEMV_REPETITIONS:-100}" --quiet --force --out "$out")
[[ -n ${QGEMV_DEVICE:-} ]] && run_args+=(--device "$QGEMV_DEVICE")
read -r -a extra <<<"${QGEMV_RUN_ARGS:-}"

# Exit 1 (a case failed validation) still goes on to compare, whose table names the case and which
# exits 1 for it; anything else (bad usage, no Vulkan, interrupted) ends the job here.
status=0
"$bench" "${run_args[@]}" "${extra[@]}" || status=$?
if ((status != 0 && status != 1)); then
  echo "ci_gate: the sweep exited $status" >&2
  exit "$status"
fi
echo "ci_gate: comparing $out against $baseline"
exec "$bench" compare "$baseline" "$out" "$@"
