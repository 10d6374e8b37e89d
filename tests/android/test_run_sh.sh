#!/usr/bin/env bash
# Tests scripts/android/run.sh against the stand-in adb in tests/android/fake-adb, whose "phone"
# runs the pushed program on this machine (the host build of qgemv-bench, on whatever Vulkan
# device is here: lavapipe in CI).
#   tests/android/test_run_sh.sh errors            refusals: no adb, no device, two devices, ...
#   tests/android/test_run_sh.sh runs QGEMV_BENCH  full runs that pull results (needs the binary)
#   tests/android/test_run_sh.sh phones QGEMV_BENCH  what real phones do: a cable dropped mid-run
#                                  then --resume, a hot phone that cools, two phones at once, a
#                                  phone that refuses the thermal and screen commands
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
run_sh=$repo/scripts/android/run.sh
group=${1:-}
bench=${2:-}
fast=(--repetitions 3 --warmup 1)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; shift; printf '  %s\n' "$@"; failed=$((failed + 1)); }

# make_phone <root> <model> [abi]: a phone's file system, properties and two thermal zones.
make_phone() {
  local root=$1
  mkdir -p "$root/data/local/tmp" "$root/sys/class/thermal/thermal_zone0" \
           "$root/sys/class/thermal/thermal_zone1" "$root/settings/global"
  echo 38500 >"$root/sys/class/thermal/thermal_zone0/temp"
  echo cpu-0-0 >"$root/sys/class/thermal/thermal_zone0/type"
  echo 45200 >"$root/sys/class/thermal/thermal_zone1/temp"
  echo "gpuss-0 usr" >"$root/sys/class/thermal/thermal_zone1/type"
  echo 0 >"$root/settings/global/stay_on_while_plugged_in"
  cat >"$root/props" <<EOF
ro.product.model=$2
ro.product.manufacturer=samsung
ro.product.brand=samsung
ro.soc.manufacturer=QTI
ro.soc.model=SM8650
ro.board.platform=pineapple
ro.hardware.vulkan=adreno
ro.product.cpu.abi=${3:-arm64-v8a}
ro.build.version.release=14
ro.build.version.sdk=34
EOF
}
# A fresh phone that answers for every serial.
new_phone() {  # new_phone <model> [abi]
  rm -rf "$tmp/phone" "$tmp/results" "$tmp/log"
  make_phone "$tmp/phone" "$@"
  export FAKE_ADB_ROOT=$tmp/phone FAKE_ADB_PROPS=$tmp/phone/props FAKE_ADB_LOG=$tmp/log
}
setting() { cat "$FAKE_ADB_ROOT/settings/global/stay_on_while_plugged_in"; }

# run_case <devices> <args...>: runs run.sh with the stand-in adb; sets $code, $out (both streams).
run_case() {
  local devices=$1
  shift
  out=$(FAKE_ADB_DEVICES=$devices PATH="$here/fake-adb:$PATH" bash "$run_sh" --results "$tmp/results" "$@" 2>&1)
  code=$?
}

# expect_refusal <name> <text the message must hold> <devices> <args...>
expect_refusal() {
  local name=$1 text=$2
  shift 2
  run_case "$@"
  if ((code != 2)); then
    fail "$name" "expected exit code 2, got $code" "$out"
  elif [[ $out != *"$text"* ]]; then
    fail "$name" "expected the message to contain: $text" "$out"
  elif [[ -d $tmp/results ]] && [[ -n $(find "$tmp/results" -type f) ]]; then
    fail "$name" "a refused run left files in the results folder"
  elif [[ -f $tmp/log ]] && grep -q " push " "$tmp/log"; then
    fail "$name" "a refused run pushed something"
  else
    pass "$name"
  fi
}

# A stand-in binary for the refusal cases: they must stop before running it.
dummy=$tmp/dummy-bench
printf '#!/bin/sh\necho "qgemv-bench dummy"\n' >"$dummy"
chmod +x "$dummy"

test_errors() {
  new_phone "SM-S928B"
  if ! PATH=/usr/bin:/bin command -v adb >/dev/null; then
    out=$(PATH=/usr/bin:/bin bash "$run_sh" --binary "$dummy" --results "$tmp/results" 2>&1)
    code=$?
    if ((code == 2)) && [[ $out == *"adb not found"* ]]; then pass "no adb on PATH"; else fail "no adb on PATH" "code $code" "$out"; fi
  else
    echo "SKIP: no adb on PATH (a real adb is installed)"
  fi
  expect_refusal "no device" "no Android device connected" "" --binary "$dummy"
  expect_refusal "two devices without -s" "choose one with -s" "R5CX111=device R5CX222=device" --binary "$dummy"
  expect_refusal "unauthorized device" "unauthorized" "R5CX111=unauthorized" --binary "$dummy"
  expect_refusal "offline device" "offline" "R5CX111=offline" --binary "$dummy"
  expect_refusal "only unauthorized devices" "no authorized device" "R5CX111=unauthorized R5CX222=offline" --binary "$dummy"
  expect_refusal "-s of a phone not connected" "R5CX999 is not connected" "R5CX111=device" -s R5CX999 --binary "$dummy"
  expect_refusal "-s of an unauthorized phone" "unauthorized" "R5CX111=device R5CX222=unauthorized" -s R5CX222 --binary "$dummy"
  expect_refusal "--out among qgemv-bench's arguments" "--out is set by run.sh" "R5CX111=device" --binary "$dummy" -- --shapes smoke.json --out x.json
  expect_refusal "missing binary" "not found: build it with scripts/android/build.sh" "R5CX111=device" --binary "$tmp/nothing-here"
  expect_refusal "bad --cooldown" "--cooldown abc" "R5CX111=device" --binary "$dummy" --cooldown abc
  expect_refusal "bad --cool-to" "--cool-to warm" "R5CX111=device" --binary "$dummy" --cool-to warm
  expect_refusal "bad --poll" "--poll 0" "R5CX111=device" --binary "$dummy" --poll 0
  expect_refusal "bad run id" "run id 'a/b'" "R5CX111=device" --binary "$dummy" --run-id a/b
  expect_refusal "--resume with arguments" "--resume takes qgemv-bench's arguments from the phone" \
    "R5CX111=device" --resume x -- --shapes smoke.json
  expect_refusal "--resume of an unknown run" "no run nothing-here on R5CX111 (runs there: none)" "R5CX111=device" --resume nothing-here
  expect_refusal "--all with -s" "--all and -s together" "R5CX111=device R5CX222=device" --all -s R5CX111 --binary "$dummy"
  expect_refusal "--all without authorized phones" "no authorized device" "R5CX111=unauthorized" --all --binary "$dummy"
  expect_refusal "-s twice, one unauthorized" "R5CX222 is unauthorized" "R5CX111=device R5CX222=unauthorized" \
    -s R5CX111 -s R5CX222 --binary "$dummy"
  new_phone "Galaxy A" armeabi-v7a
  expect_refusal "32-bit phone" "arm64-v8a only" "R5CX111=device" --binary "$dummy"
}

# check_result <name> <result.json> <expected exit code of the run> [kernel ...]: a pulled result
# document and its .txt/.device.json siblings.
check_result() {
  local name=$1 json=$2 expect_ok=$3
  shift 3
  local base=${json%.json}
  local problems
  problems=$(python3 - "$json" "$base.device.json" "$expect_ok" "$@" <<'EOF'
import json, sys
result_path, record_path, expect_ok, kernels = sys.argv[1], sys.argv[2], sys.argv[3] == "ok", sys.argv[4:]
problems = []
doc = json.load(open(result_path))
record = json.load(open(record_path))
results = doc.get("results", [])
if not results:
    problems.append("no results")
if doc.get("complete") is not True:
    problems.append("complete is not true")
statuses = {r["status"] for r in results}
if expect_ok and statuses != {"ok"}:
    problems.append(f"statuses {statuses}, expected all ok")
if not expect_ok and "failed" not in statuses:
    problems.append(f"statuses {statuses}, expected a failure")
for k in kernels:
    if not any(r["kernel"] == k for r in results):
        problems.append(f"kernel {k} missing")
if expect_ok and not all(r["validation"] and r["validation"]["passed"] for r in results):
    problems.append("a case did not pass validation")
if record["result"] != result_path.rsplit("/", 1)[1]:
    problems.append(f"record names result {record['result']}")
if record["device"]["ro.soc.model"] != "SM8650" or record["summary"]["soc"] != "QTI SM8650":
    problems.append(f"SoC not recorded: {record['device']}, {record['summary']}")
if record["vulkan_device"]["driver_name"] != doc["context"]["device"]["driver_name"]:
    problems.append("driver_name differs from the result document's")
if not record["summary"]["driver"] or not record["gles"]:
    problems.append("GPU driver not recorded")
for when in ("before", "after"):
    t = record["temperatures"][when]
    zones = {z["type"]: z["celsius"] for z in t["zones"]}
    if zones != {"cpu-0-0": 38.5, "gpuss-0 usr": 45.2} or t["battery_celsius"] != 31.2 or t["thermal_status"] != 0:
        problems.append(f"temperatures {when}: {t}")
if (record["exit_code"] == 0) != expect_ok:
    problems.append(f"exit_code {record['exit_code']}")
print("\n".join(problems))
EOF
)
  if [[ $? -ne 0 || -n $problems ]]; then
    fail "$name" "$json:" "$problems"
    return 1
  fi
  if ! grep -q "validation" "$base.txt"; then
    fail "$name" "$base.txt holds no table"
    return 1
  fi
  return 0
}

test_runs() {
  [[ -x $bench ]] || { echo "usage: $0 runs PATH_TO_HOST_QGEMV_BENCH" >&2; exit 2; }

  # A normal run: one phone, the result lands in results/<model>/, the phone keeps only the binary.
  new_phone "SM-S928B"
  run_case "R5CX111=device" --binary "$bench" -- --shapes smoke.json "${fast[@]}"
  local jsons=("$tmp"/results/SM-S928B/*-smoke.json)
  if ((code != 0)); then
    fail "normal run" "exit code $code" "$out"
  elif ((${#jsons[@]} != 1)) || [[ ! -f ${jsons[0]} ]]; then
    fail "normal run" "expected one results/SM-S928B/<date>-smoke.json" "$(find "$tmp/results")"
  elif [[ ! ${jsons[0]##*/} =~ ^[0-9]{8}T[0-9]{6}Z-smoke\.json$ ]]; then
    fail "normal run" "unexpected name ${jsons[0]##*/}"
  elif [[ $out != *"validation"* || $out != *"ok (nrmse"* ]]; then
    fail "normal run" "the table was not printed" "$out"
  elif ! grep -q "push .* /data/local/tmp/qgemv-bench/runs/[0-9TZ]*-smoke/qgemv-bench" "$tmp/log"; then
    fail "normal run" "the binary was not pushed to /data/local/tmp/qgemv-bench/runs/<run id>/" "$(cat "$tmp/log")"
  elif ! grep -q "shell .*setsid sh ../job.sh" "$tmp/log"; then
    fail "normal run" "the run was not started detached (setsid)" "$(cat "$tmp/log")"
  elif [[ -n $(find "$tmp/phone/data/local/tmp/qgemv-bench" -mindepth 2 2>/dev/null) ]]; then
    fail "normal run" "the run folder was left on the phone" "$(find "$tmp/phone/data/local/tmp/qgemv-bench")"
  elif [[ $(setting) != 0 ]]; then
    fail "normal run" "the screen setting was not restored: $(setting)"
  elif ! grep -q '"screen_awake": "on while on USB' "${jsons[0]%.json}.device.json"; then
    fail "normal run" "the record does not say the screen was kept awake"
  elif check_result "normal run" "${jsons[0]}" ok legacy coop; then
    pass "normal run"
  fi

  # Two phones and -s, a model name with spaces, a shapes file from this machine, --repeat with
  # --cooldown: two result sets, named after the shapes file and the kernels.
  new_phone "Galaxy S24 Ultra"
  cat >"$tmp/tiny.json" <<'EOF'
{"name": "tiny", "description": "one small shape", "group_size": 64, "shapes": [{"name": "t", "n": 16, "k": 256}]}
EOF
  local start=$SECONDS
  run_case "R5CX111=device R5CX222=device" -s R5CX222 --cooldown 1 --repeat 2 --binary "$bench" -- \
    --shapes "$tmp/tiny.json" --kernels legacy,coop "${fast[@]}"
  local elapsed=$((SECONDS - start))
  jsons=("$tmp"/results/Galaxy_S24_Ultra/*-tiny-legacy+coop-r[12]*.json)
  local results=()
  for f in "${jsons[@]}"; do [[ $f == *.device.json ]] || results+=("$f"); done
  if ((code != 0)); then
    fail "-s, --repeat 2, --cooldown 1, local shapes file" "exit code $code" "$out"
  elif ((${#results[@]} != 2)); then
    fail "-s, --repeat 2, --cooldown 1, local shapes file" "expected two results in Galaxy_S24_Ultra/" "$(find "$tmp/results")"
  elif ! grep -q -- "-s R5CX222 push .*tiny.json /data/local/tmp/qgemv-bench/runs/.*/shapes/tiny.json" "$tmp/log"; then
    fail "-s, --repeat 2, --cooldown 1, local shapes file" "the shapes file was not pushed to R5CX222" "$(cat "$tmp/log")"
  elif grep -q -- "-s R5CX111" "$tmp/log"; then
    fail "-s, --repeat 2, --cooldown 1, local shapes file" "the other phone was used"
  elif ((elapsed < 2)); then
    fail "-s, --repeat 2, --cooldown 1, local shapes file" "two runs with --cooldown 1 took ${elapsed}s"
  elif check_result "-s, --repeat 2 (run 1)" "${results[0]}" ok legacy coop &&
       check_result "-s, --repeat 2 (run 2)" "${results[1]}" ok legacy coop; then
    pass "-s, --repeat 2, --cooldown 1, local shapes file"
  fi

  # A failing case: run.sh passes qgemv-bench's exit code 1 on and still pulls the document.
  new_phone "SM-S928B"
  run_case "R5CX111=device" --binary "$bench" -- --shapes smoke.json --kernels coop_swapped_nibbles \
    --repetitions 1 --warmup 0
  jsons=("$tmp"/results/SM-S928B/*-smoke-coop_swapped_nibbles.json)
  if ((code != 1)); then
    fail "failing kernel" "expected exit code 1, got $code" "$out"
  elif [[ ! -f ${jsons[0]} ]]; then
    fail "failing kernel" "no result pulled" "$(find "$tmp/results")"
  elif check_result "failing kernel" "${jsons[0]}" failed coop_swapped_nibbles; then
    pass "failing kernel"
  fi
}

case $group in
  errors) test_errors ;;
  runs) test_runs ;;
  *) echo "usage: $0 errors | runs PATH_TO_HOST_QGEMV_BENCH" >&2; exit 2 ;;
esac
echo "$passed passed, $failed failed"
((failed == 0))
