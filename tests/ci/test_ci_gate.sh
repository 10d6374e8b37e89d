#!/usr/bin/env bash
# scripts/ci_gate.sh against a small baseline made here: it reruns the baseline's own sweep (every
# recorded setting, even one the baseline's command line left to a default), keeps stdout to
# compare's report alone (markdown with --format markdown) and diagnostics on stderr, and refuses a
# file that is not a result document.
#
#   tests/ci/test_ci_gate.sh QGEMV_BENCH
set -euo pipefail
bench=$(realpath "$1")
gate=$(realpath "$(dirname "$0")/../../scripts/ci_gate.sh")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export QGEMV_BENCH=$bench
fail() { echo "FAIL: $*" >&2; exit 1; }
# CTest pins lavapipe (QGEMV_DEVICE=llvmpipe) so a machine with a GPU runs this on the CPU driver too.
device=()
[[ -n ${QGEMV_DEVICE:-} ]] && device=(--device "$QGEMV_DEVICE")

# Two shapes, settings away from every default; the shapes file by a relative path, as a
# repository's baseline would name one of its own.
cat >tiny.json <<'EOF'
{"name": "tiny", "group_size": 64, "shapes": [{"name": "tile", "n": 64, "k": 256}, {"name": "odd", "n": 13, "k": 512}]}
EOF
"$bench" "${device[@]}" --shapes tiny.json --kernels legacy,coop --group-size 128 --seed 7 --repetitions 5 --min-time 0 \
  --max-time 2 --timer cpu --cold-cache off --roofline off --quiet --out base.json

# What identifies the sweep: each case's key and seed, and the settings other than the command line.
identity() {
  python3 - "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
settings = {k: v for k, v in doc["settings"].items() if k != "command_line"}
cases = [[r[k] for k in ("shape", "n", "k", "group_size", "kernel", "dtype", "storage", "seed")] for r in doc["results"]]
print(json.dumps({"settings": settings, "cases": cases}, sort_keys=True))
PY
}

echo "== the gate reruns the baseline's sweep"
status=0
QGEMV_OUT=new.json "$gate" base.json --threshold 1000% --format markdown >gate.md 2>gate.err || status=$?
cat gate.err >&2
((status == 0)) || fail "gate exited $status"
[[ $(identity new.json) == "$(identity base.json)" ]] || fail "the rerun differs: $(identity new.json)"
grep -q "^ci_gate: rerunning" gate.err || fail "no diagnostics on stderr"

echo "== stdout is compare's markdown report and nothing else"
"$bench" compare base.json new.json --threshold 1000% --format markdown >compare.md
cmp gate.md compare.md || fail "stdout differs from compare's report"
grep -q '^| ' gate.md || fail "no markdown table on stdout"
if grep -q "ci_gate" gate.md; then fail "diagnostics on stdout"; fi

echo "== a setting the command line left to its default comes from the settings block"
# The same baseline as if --kernels, --seed and --timer had not been typed: the recorded values still rule.
python3 - <<'PY'
import json
doc = json.load(open("base.json"))
doc["settings"]["command_line"] = doc["settings"]["command_line"].replace(" --kernels legacy,coop", "").replace(" --seed 7", "").replace(" --timer cpu", "")
json.dump(doc, open("untyped.json", "w"))
PY
QGEMV_OUT=new2.json "$gate" untyped.json --threshold 1000% >/dev/null 2>gate2.err || { cat gate2.err >&2; fail "gate on untyped.json"; }
[[ $(identity new2.json) == "$(identity base.json)" ]] || fail "the rerun of untyped.json differs: $(identity new2.json)"

echo "== QGEMV_RUN_ARGS replaces a recorded option"
# (compare's verdict on a sweep with fewer kernels is not the point here, only the sweep)
QGEMV_OUT=new3.json QGEMV_RUN_ARGS="--kernels coop" "$gate" base.json >/dev/null 2>gate3.err || true
[[ -s new3.json ]] || { cat gate3.err >&2; fail "no result with QGEMV_RUN_ARGS"; }
python3 -c 'import json,sys; k={r["kernel"] for r in json.load(open("new3.json"))["results"]}; sys.exit(k != {"coop"})' ||
  fail "QGEMV_RUN_ARGS --kernels coop not applied"

echo "== not a result document (Google Benchmark JSON): exit 2, one line on stderr, nothing on stdout"
echo '{"context": {"date": "2025-01-02T03:04:05+00:00"}, "benchmarks": []}' >gbench.json
status=0
"$gate" gbench.json --format markdown >bad.out 2>bad.err || status=$?
((status == 2)) || fail "a gbench file gave exit $status"
[[ ! -s bad.out ]] || fail "stdout not empty: $(cat bad.out)"
grep -q "no settings.command_line" bad.err || fail "unexpected message: $(cat bad.err)"
echo "ok"
