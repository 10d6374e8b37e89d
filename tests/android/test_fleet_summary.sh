#!/usr/bin/env bash
# Tests scripts/android/fleet_summary.py on crafted fleet folders: result documents of schema
# versions 1 and 2 (v2 adds fields and may leave some out), repeated runs (the median), failed
# cases, a broken file (a warning), and a folder without results (exit code 1).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
summary_py=$(cd "$here/../.." && pwd)/scripts/android/fleet_summary.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; shift; printf '  %s\n' "$@"; failed=$((failed + 1)); }

fleet=$tmp/fleet-x
mkdir -p "$fleet/SM-S928B_R5CX111" "$fleet/Pixel_8_PX8" "$fleet/empty_phone"
case_v1() {  # case_v1 <shape> <kernel> <speedup> [status]
  printf '{"shape": "%s", "n": 32, "k": 256, "kernel": "%s", "dtype": "fp16", "storage": "bb", "status": "%s", "speedup_vs_legacy": %s}' \
    "$1" "$2" "${4:-ok}" "$3"
}
for run in 1 2; do
  speedup=$([[ $run == 1 ]] && echo 2.0 || echo 3.0)
  cat >"$fleet/SM-S928B_R5CX111/r$run.json" <<DOC
{"schema_version": 1, "complete": true,
 "results": [$(case_v1 qkv legacy 1.0), $(case_v1 qkv coop "$speedup")],
 "model": {"name": "tiny", "layers": 2, "per_variant": [
   {"kernel": "coop", "dtype": "fp16", "storage": "bb", "complete": true, "tokens_per_second_bound": $((run * 100))}]}}
DOC
  cat >"$fleet/SM-S928B_R5CX111/r$run.device.json" <<DOC
{"summary": {"model": "SM-S928B", "soc": "QTI SM8650", "gpu": "Adreno (TM) 750", "driver": "Qualcomm"},
 "device": {"serial": "R5CX111"}, "exit_code": 0,
 "temperatures": {"before": {"battery_celsius": 31.2, "zones": [{"celsius": 38.5}, {"celsius": -273}]},
                  "after": {"battery_celsius": null, "zones": [{"celsius": 44}]}}}
DOC
done
# Schema 2: the same top-level results[] and model.per_variant[], with fields of its own, a failed
# case, a case without a speedup and a variant without a bound; no .device.json record at all.
cat >"$fleet/Pixel_8_PX8/run.json" <<'DOC'
{"schema_version": 2, "complete": false, "incomplete_reason": "interrupted by SIGHUP",
 "results": [
   {"shape": "qkv", "n": 32, "k": 256, "kernel": "legacy", "dtype": "fp16", "storage": "bb", "status": "ok",
    "speedup_vs_legacy": 1.0, "timing": {"repetitions": [{"seconds": 1e-5, "dispatches": 64}]}},
   {"shape": "qkv", "n": 32, "k": 256, "kernel": "coop", "dtype": "fp16", "storage": "bb", "status": "failed",
    "speedup_vs_legacy": 0.5},
   {"shape": "down", "n": 16, "k": 512, "kernel": "coop", "dtype": "fp16", "storage": "bb", "status": "skipped"}],
 "model": {"name": "tiny", "per_variant": [
   {"kernel": "coop", "dtype": "fp16", "storage": "bb", "complete": false, "tokens_per_second_bound": null,
    "role": "reproduced"}, "not an object"]}}
DOC
echo '{"schema_version": 2, "results": [' >"$fleet/Pixel_8_PX8/broken.json"

out=$(python3 "$summary_py" "$fleet" --run-id x 2>&1)
code=$?
if ((code != 0)); then
  fail "v1 and v2 documents" "exit code $code" "$out"
elif [[ $out != *"broken.json"* ]]; then
  fail "v1 and v2 documents" "the broken file was not reported" "$out"
elif problems=$(python3 - "$fleet" <<'PY'
import json, sys
folder = sys.argv[1]
doc = json.load(open(f"{folder}/summary.json"))
md = open(f"{folder}/summary.md").read()
phones = {p["folder"]: p for p in doc["phones"]}
problems = []
def shape(p, name, variant):
    return next((s for s in phones[p]["shapes"] if s["shape"] == name and s["variant"] == variant), None)
if set(phones) != {"SM-S928B_R5CX111", "Pixel_8_PX8"}:
    problems.append(f"phones {sorted(phones)}")
else:
    samsung, pixel = "SM-S928B_R5CX111", "Pixel_8_PX8"
    if shape(samsung, "qkv", "coop/fp16/bb")["speedup_vs_baseline"] != 2.5:
        problems.append("the median of two runs (2.0, 3.0) is not 2.5")
    if phones[samsung]["tokens_per_second_bound"][0]["tokens_per_second_bound"] != 150:
        problems.append("the median tokens/s bound of two runs (100, 200) is not 150")
    if phones[samsung]["soc"] != "QTI SM8650" or phones[samsung]["serial"] != "R5CX111":
        problems.append(f"the record was not read: {phones[samsung]}")
    if phones[samsung]["runs"][0]["hottest_celsius"] != {"before": 38.5, "after": 44}:
        problems.append(f"hottest: {phones[samsung]['runs'][0]['hottest_celsius']}")
    if shape(pixel, "qkv", "coop/fp16/bb")["status"] != "failed":
        problems.append("the failed case is not marked")
    if shape(pixel, "down", "coop/fp16/bb")["speedup_vs_baseline"] is not None:
        problems.append("a case without a speedup got one")
    if phones[pixel]["tokens_per_second_bound"] != [{"model": "tiny", "variant": "coop/fp16/bb", "tokens_per_second_bound": None}]:
        problems.append(f"v2 bounds: {phones[pixel]['tokens_per_second_bound']}")
    if phones[pixel]["runs"][0]["schema_version"] != 2:
        problems.append("the schema version is not recorded")
# Phones in folder order: Pixel_8_PX8, then SM-S928B_R5CX111.
for text in ("| qkv | 32x256 | coop/fp16/bb | 0.50x (failed) | 2.50x |", "| down | 16x512 | coop/fp16/bb | - (skipped) |  |",
             "| tiny | coop/fp16/bb | - | 150.0 |", "| SM-S928B (R5CX111) | QTI SM8650 |"):
    if text not in md:
        problems.append(f"summary.md lacks: {text}")
if problems:
    problems.append(md)
print("\n".join(problems))
PY
); [[ -n $problems ]]; then
  fail "v1 and v2 documents" "$problems"
else
  pass "v1 and v2 documents, medians of repeated runs, failed and incomplete cases"
fi

out=$(python3 "$summary_py" "$fleet/empty_phone" 2>&1)
code=$?
if ((code == 1)) && [[ $out == *"no result documents"* ]]; then pass "a folder without results"; else fail "a folder without results" "exit code $code" "$out"; fi
out=$(python3 "$summary_py" "$tmp/nowhere" 2>&1)
code=$?
if ((code == 2)) && [[ $out == *"no such folder"* ]]; then pass "no such folder"; else fail "no such folder" "exit code $code" "$out"; fi

echo "$passed passed, $failed failed"
((failed == 0))
