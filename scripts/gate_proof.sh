#!/usr/bin/env bash
# Proof that the lavapipe gate can be trusted (docs/measurement.md, "The lavapipe gate and its
# proof"): a baseline recorded on an idle machine, then with stress-ng keeping every core busy,
# RUNS gate runs of the unchanged binary (each failure is a false alarm) and RUNS gate runs of a
# build whose coop does >= 1.25x the work (each failure is a catch). Prints a table and the gate's
# wall time. A benchmark, not a test: it takes minutes and needs stress-ng (apt-get install stress-ng).
#
#   scripts/gate_proof.sh [RUNS] [SLOW_RUNS]      (default 20 20)
#
#   QGEMV_BENCH       the unchanged binary (default build/qgemv-bench)
#   QGEMV_SLOW_BENCH  the slower binary (default: build-slow/qgemv-bench, configured here with
#                     -DQGEMV_TEST_SLOW_COOP=ON and built if missing)
#   QGEMV_STRESS      stress-ng workers (default: one per core; 0 runs the gate on an idle machine)
#   QGEMV_GATE_ARGS   compare options of the gate (default: --metric speedup --threshold 10%)
#   QGEMV_DEVICE      the device the gate runs on (default llvmpipe)
#   QGEMV_TIMER       --timer of the sweep (default: cpu on llvmpipe, whose timestamps are wall time
#                     and under stress-ng measure the load; gpu on anything else)
#   QGEMV_PROOF_KEEP  a folder to keep the baseline and each run's result and report in (default: none)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
slow_runs=${2:-20}
bench=${QGEMV_BENCH:-build/qgemv-bench}
slow=${QGEMV_SLOW_BENCH:-build-slow/qgemv-bench}
workers=${QGEMV_STRESS:-$(nproc)}
read -r -a gate_args <<<"${QGEMV_GATE_ARGS:---metric speedup --threshold 10%}"
# The gate's sweep; scripts/ci_gate.sh reads the same settings.
export QGEMV_SHAPES=gate.json QGEMV_REPETITIONS=10 QGEMV_DEVICE=${QGEMV_DEVICE:-llvmpipe}
default_timer=gpu
[[ $QGEMV_DEVICE != llvmpipe ]] || default_timer=cpu
export QGEMV_RUN_ARGS="--kernels legacy,coop --cold-cache off --roofline off --timer ${QGEMV_TIMER:-$default_timer}"

[[ -x $bench ]] || { echo "gate_proof: $bench not built" >&2; exit 2; }
if [[ ! -x $slow ]]; then
  cmake -S . -B build-slow -DCMAKE_BUILD_TYPE=Release -DQGEMV_TEST_SLOW_COOP=ON >&2
  cmake --build build-slow -j"$(nproc)" --target qgemv-bench >&2
fi
if ((workers > 0)) && ! command -v stress-ng >/dev/null; then
  echo "gate_proof: stress-ng not found (apt-get install stress-ng), or QGEMV_STRESS=0" >&2
  exit 2
fi

work=$(mktemp -d)
stress_pid=
cleanup() {
  [[ -n $stress_pid ]] && kill "$stress_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

load_at_baseline=$(cut -d' ' -f1-3 /proc/loadavg)
echo "gate_proof: recording the baseline on the idle machine (load average $load_at_baseline)" >&2
# shellcheck disable=SC2086
"$bench" --shapes "$QGEMV_SHAPES" --repetitions "$QGEMV_REPETITIONS" --device "$QGEMV_DEVICE" $QGEMV_RUN_ARGS \
  --quiet --out "$work/baseline.json"

if ((workers > 0)); then
  stress-ng --cpu "$workers" --timeout 0 >/dev/null 2>&1 &
  stress_pid=$!
fi

keep=${QGEMV_PROOF_KEEP:-}
[[ -z $keep ]] || { mkdir -p "$keep" && cp "$work/baseline.json" "$keep/"; }

# One gate run ($2 names it): prints "exit wall_seconds inconclusive_cases".
gate() {
  local binary=$1 name=$2 start end status=0
  start=$(date +%s.%N)
  QGEMV_BENCH=$binary QGEMV_OUT="$work/new.json" scripts/ci_gate.sh "$work/baseline.json" "${gate_args[@]}" \
    --allow-device-change >"$work/gate.txt" 2>&1 || status=$?
  end=$(date +%s.%N)
  if ((status != 0 && status != 1)); then cat "$work/gate.txt" >&2; fi
  # Before the echo: the caller reads this line from a process substitution and moves on at once.
  if [[ -n $keep ]]; then
    cp "$work/gate.txt" "$keep/$name.txt"
    [[ ! -e $work/new.json ]] || mv "$work/new.json" "$keep/$name.json"
  fi
  echo "$status $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') $(grep -c "INCONCLUSIVE (" "$work/gate.txt")"
}

false_alarms=0 catches=0 errors=0 wall_max=0 wall_sum=0 count=0 inconclusive_runs=0
record_wall() {
  wall_sum=$(awk -v a="$wall_sum" -v b="$1" 'BEGIN { print a + b }')
  wall_max=$(awk -v a="$wall_max" -v b="$1" 'BEGIN { print (b > a ? b : a) }')
  count=$((count + 1))
}
for ((i = 1; i <= runs; i++)); do
  read -r status wall inconclusive < <(gate "$bench" "unchanged-$i")
  record_wall "$wall"
  ((inconclusive == 0)) || inconclusive_runs=$((inconclusive_runs + 1))
  case $status in 0) ;; 1) false_alarms=$((false_alarms + 1)) ;; *) errors=$((errors + 1)) ;; esac
  echo "gate_proof: unchanged run $i/$runs: exit $status (${wall} s, $inconclusive inconclusive)" >&2
done
for ((i = 1; i <= slow_runs; i++)); do
  read -r status wall inconclusive < <(gate "$slow" "slower-$i")
  record_wall "$wall"
  ((inconclusive == 0)) || inconclusive_runs=$((inconclusive_runs + 1))
  case $status in 1) catches=$((catches + 1)) ;; 0) ;; *) errors=$((errors + 1)) ;; esac
  echo "gate_proof: slower-coop run $i/$slow_runs: exit $status (${wall} s, $inconclusive inconclusive)" >&2
done

# A stress-ng that died early would make this a proof on an idle machine.
if ((workers > 0)) && ! kill -0 "$stress_pid" 2>/dev/null; then
  echo "gate_proof: stress-ng was no longer running at the end" >&2
  exit 2
fi
printf '| gate (%s, --timer %s) on %s, %s stress-ng workers | result |\n|:--|--:|\n' "${gate_args[*]}" \
  "${QGEMV_TIMER:-$default_timer}" "$QGEMV_DEVICE" "$workers"
printf '| false alarms, unchanged binary | %d / %d |\n' "$false_alarms" "$runs"
printf '| catches, coop with 4x work (-DQGEMV_TEST_SLOW_COOP=ON) | %d / %d |\n' "$catches" "$slow_runs"
printf '| errors (exit 2 or worse) | %d |\n' "$errors"
printf '| runs with an INCONCLUSIVE (unstable) case | %d / %d |\n' "$inconclusive_runs" "$count"
load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)
printf '| load average (1, 5, 15 min) at the baseline / after the gate runs | %s / %s |\n' "$load_at_baseline" "$load_at_end"
printf '| gate wall time, mean / max | %.1f s / %.1f s |\n' "$(awk -v a="$wall_sum" -v n="$count" 'BEGIN { print a / n }')" "$wall_max"
