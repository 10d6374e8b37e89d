#!/usr/bin/env bash
# Runs scripts/plot_results.py on results files the real tool writes (smoke shapes, on whatever
# Vulkan device is present) and checks the PNGs it promises exist and really are PNGs, and that a
# corrupt input exits 2.   Usage: test_plot_results.sh PATH/TO/qgemv-bench
set -euo pipefail

QGEMV_BINARY=${1:?usage: test_plot_results.sh PATH/TO/qgemv-bench}
SCRIPT="$(cd "$(dirname "$0")/../.." && pwd)/scripts/plot_results.py"
# Debian's interpreter explicitly: matplotlib comes from python3-matplotlib, and another python3
# (pyenv, a virtualenv) earlier in PATH may not have it.
PYTHON=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

for run in a b; do
  "$QGEMV_BINARY" --shapes smoke.json --repetitions 3 --warmup 1 --quiet --out "$TMP/$run.json" \
    || fail "qgemv-bench run $run exited $?"
done

"$PYTHON" "$SCRIPT" "$TMP/a.json" -o "$TMP/one" || fail "plotting a.json exited $?"
"$PYTHON" "$SCRIPT" "$TMP/a.json" "$TMP/b.json" -o "$TMP/two" || fail "plotting a.json b.json exited $?"

# The roofline plot is only written when the results carry a roofline fraction.
metrics=(gbps speedup)
grep -Eq '"roofline_fraction": *[0-9]' "$TMP/a.json" && metrics+=(roofline)

expect_png() {
  [[ -s $1 ]] || fail "$1 missing or empty"
  [[ $(head -c 8 "$1" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$1 is not a PNG"
}
for m in "${metrics[@]}"; do
  expect_png "$TMP/one/a-$m.png"
  for stem in a b compare; do expect_png "$TMP/two/$stem-$m.png"; done
done

echo '{"schema_version": 1, "results": [' > "$TMP/corrupt.json"  # truncated, as from a killed run
rc=0
"$PYTHON" "$SCRIPT" "$TMP/corrupt.json" -o "$TMP/bad" 2>"$TMP/err" || rc=$?
[[ $rc -eq 2 ]] || fail "corrupt input exited $rc, expected 2"
[[ $(wc -l < "$TMP/err") -eq 1 ]] || fail "corrupt input should give a one-line message, got: $(cat "$TMP/err")"

# Without matplotlib: one line naming the Debian package, exit 2, no traceback. A stand-in
# matplotlib package first on the path fails its import the way a missing one does.
mkdir -p "$TMP/no-mpl/matplotlib"
echo 'raise ImportError("No module named matplotlib")' > "$TMP/no-mpl/matplotlib/__init__.py"
rc=0
PYTHONPATH="$TMP/no-mpl" "$PYTHON" "$SCRIPT" "$TMP/a.json" -o "$TMP/nompl" 2>"$TMP/err" || rc=$?
[[ $rc -eq 2 ]] || fail "without matplotlib: exited $rc, expected 2"
grep -q 'python3-matplotlib' "$TMP/err" || fail "without matplotlib: the message should name python3-matplotlib: $(cat "$TMP/err")"
grep -q Traceback "$TMP/err" && fail "without matplotlib: a traceback instead of a message: $(cat "$TMP/err")"
[[ $(wc -l < "$TMP/err") -eq 1 ]] || fail "without matplotlib: expected one line, got: $(cat "$TMP/err")"

# Error bars and the log axis, on made-up results of both schemas: sizes spanning decades, a
# schema 1 timing (flat, stddev) and a schema 2 one (nested summary with a confidence interval).
cat > "$TMP/v2.json" <<'JSON'
{"schema_version": 2, "context": {"device": {"name": "made up"}}, "settings": {"shapes_file": "made-up"},
 "results": [
  {"shape": "small", "n": 8, "k": 64, "group_size": 32, "kernel": "legacy", "dtype": "fp32", "storage": "bb",
   "status": "ok", "gbps": 1.0, "speedup_vs_legacy": 1.0, "roofline_fraction": 0.001,
   "timing": {"timer": "gpu", "summary": {"count": 10, "median": 1e-5, "stddev": 1e-6, "ci_low": 0.9e-5, "ci_high": 1.2e-5}}},
  {"shape": "small", "n": 8, "k": 64, "group_size": 32, "kernel": "coop", "dtype": "fp32", "storage": "bb",
   "status": "ok", "gbps": 2.0, "speedup_vs_legacy": 2.0, "roofline_fraction": 0.002,
   "speedup": {"summary": {"count": 10, "median": 2.0, "ci_low": 1.8, "ci_high": 2.1}},
   "timing": {"timer": "gpu", "summary": {"count": 10, "median": 0.5e-5, "stddev": 1e-7}}},
  {"shape": "big", "n": 8192, "k": 8192, "group_size": 128, "kernel": "legacy", "dtype": "fp32", "storage": "bb",
   "status": "ok", "gbps": 500.0, "speedup_vs_legacy": 1.0, "roofline_fraction": 0.5,
   "timing": {"timer": "gpu", "count": 100, "median": 1e-4, "stddev": 2e-6}}
 ]}
JSON
"$PYTHON" "$SCRIPT" "$TMP/v2.json" -o "$TMP/v2" >/dev/null || fail "plotting a schema 2 file exited $?"
for m in gbps roofline speedup; do expect_png "$TMP/v2/v2-$m.png"; done
"$PYTHON" - "$SCRIPT" "$TMP/v2.json" <<'PY' || fail "error bars or log axis not as expected"
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("plot_results", sys.argv[1])
plot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plot)
results = json.load(open(sys.argv[2]))["results"]
small_legacy, small_coop, big_legacy = results
close = lambda a, b: abs(a - b) < 1e-9
# GB/s bars from the confidence interval of the time: 1.0 GB/s at 1e-5 s, interval 0.9e-5..1.2e-5 s.
low, high = plot.error_bounds(small_legacy, results, "gbps", 1.0)
assert close(low, 1 - 1 / 1.2) and close(high, 1 / 0.9 - 1), (low, high)
# Schema 1 (flat timing, no interval): one standard deviation, 2% of the median.
low, high = plot.error_bounds(big_legacy, results, "gbps", 500.0)
assert close(low, 500 - 500 / 1.02) and close(high, 500 / 0.98 - 500), (low, high)
# The speedup's own summary where the file has one.
low, high = plot.error_bounds(small_coop, results, "speedup", 2.0)
assert close(low, 0.2) and close(high, 0.1), (low, high)
# 1 to 500 GB/s spans decades: log axis; 1 to 2 does not.
assert plot.spans_decades([plot.series(results, "gbps")])
assert not plot.spans_decades([plot.series(results[:2], "gbps")])
# A single measurement has no spread to draw.
assert plot.relative_bounds({"count": 1, "median": 1.0, "stddev": 0}) is None
PY

echo "plot_results: ok (${metrics[*]})"
