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

echo "plot_results: ok (${metrics[*]})"
