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
# Absolute: stand-in binaries written by the tests run it from the phone's folder.
[[ -z $bench || $bench == /* ]] || bench=$PWD/$bench
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
# A kernel the device has no feature for (coopmat on lavapipe) is skipped with that reason: a
# passing run, as long as something ran.
ran = [r for r in results if not (r["status"] == "skipped" and "device lacks" in r.get("message", ""))]
if expect_ok and (not ran or {r["status"] for r in ran} != {"ok"}):
    problems.append(f"statuses {statuses}, expected all ok (or skipped for a missing device feature)")
if not expect_ok and "failed" not in statuses:
    problems.append(f"statuses {statuses}, expected a failure")
for k in kernels:
    if not any(r["kernel"] == k for r in results):
        problems.append(f"kernel {k} missing")
if expect_ok and not all(r["validation"] and r["validation"]["passed"] for r in ran):
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
  elif ! grep -q "setsid sh ../job.sh" "$tmp/log"; then
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

# record_check <name> <.device.json> <python expression over `r`, the record, that must be true>...
record_check() {
  local name=$1 record=$2
  shift 2
  local problems
  problems=$(python3 - "$record" "$@" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for check in sys.argv[2:]:
    if not eval(check):
        print(f"not true: {check}")
EOF
)
  if [[ $? -ne 0 || -n $problems ]]; then fail "$name" "$record:" "$problems"; return 1; fi
  return 0
}

test_phones() {
  [[ -x $bench ]] || { echo "usage: $0 phones PATH_TO_HOST_QGEMV_BENCH" >&2; exit 2; }
  local runs summary_problems

  # A cable dropped mid-run: the first look at the running run pulls the cable. run.sh gives up
  # (exit code 3) and says how to collect; the run goes on on the phone and --resume collects it.
  new_phone "SM-S928B"
  runs=$tmp/phone/data/local/tmp/qgemv-bench/runs
  echo '@@end@@' >"$tmp/phone/unplug_on"
  run_case "R5CX111=device" --run-id cable1 --poll 0.2 --reconnect-timeout 1 --binary "$bench" -- \
    --shapes smoke.json "${fast[@]}"
  if ((code != 3)); then
    fail "cable dropped mid-run" "expected exit code 3, got $code" "$out"
  elif [[ $out != *"the run goes on there. When it is back: scripts/android/run.sh -s R5CX111 --resume cable1"* ]]; then
    fail "cable dropped mid-run" "no hint to --resume" "$out"
  elif [[ ! -f $tmp/phone/unplugged || ! -f $runs/cable1/1/pid ]]; then
    fail "cable dropped mid-run" "the cable was not pulled after the run started" "$out"
  elif compgen -G "$tmp/results/SM-S928B/cable1*" >/dev/null; then
    fail "cable dropped mid-run" "results appeared without the phone"
  elif [[ $(setting) != 2 ]]; then
    fail "cable dropped mid-run" "the screen was not kept awake during the run: $(setting)"
  else
    pass "cable dropped mid-run: run.sh stops with the way to resume"
  fi
  # Still unplugged: --resume cannot reach the phone.
  run_case "R5CX111=device" --resume cable1
  if ((code != 2)) || [[ $out != *"no Android device connected"* ]]; then
    fail "--resume while unplugged" "expected exit code 2 and 'no Android device', got $code" "$out"
  else
    pass "--resume while unplugged"
  fi
  rm -f "$tmp/phone/unplugged"
  run_case "R5CX111=device" --resume cable1 --poll 0.2
  local json=$tmp/results/SM-S928B/cable1.json
  if ((code != 0)); then
    fail "--resume after the cable is back" "exit code $code" "$out"
  elif [[ ! -f $json ]]; then
    fail "--resume after the cable is back" "no results/SM-S928B/cable1.json" "$(find "$tmp/results")" "$out"
  elif [[ -e $runs/cable1 ]]; then
    fail "--resume after the cable is back" "the run folder was left on the phone"
  elif [[ $(setting) != 0 ]]; then
    fail "--resume after the cable is back" "the screen setting was not restored: $(setting)"
  elif check_result "--resume after the cable is back" "$json" ok legacy coop &&
       record_check "--resume after the cable is back" "${json%.json}.device.json" \
         'r["collected_after_reconnect"] is True' 'r["run_id"] == "cable1"' 'r["started_utc"] and r["finished_utc"]' \
         '"Thermal Status: 0" in r["thermalservice"]["after"]'; then
    pass "--resume after the cable is back collects the whole run"
  fi
  run_case "R5CX111=device" --resume cable1
  if ((code != 0)) || [[ $out != *"run cable1 was collected already"* ]]; then
    fail "--resume of a collected run" "exit code $code" "$out"
  else
    pass "--resume of a collected run"
  fi

  # Stopping run.sh (Ctrl-C in a terminal; TERM here, as a background job ignores INT) while the
  # run goes on: the screen setting is put back, the run is left running and --resume collects it.
  new_phone "SM-S928B"
  runs=$tmp/phone/data/local/tmp/qgemv-bench/runs
  cat >"$tmp/held.sh" <<EOF
#!/bin/sh
# Runs qgemv-bench once the test lets it go.
case "\$1" in --version|--help|list-devices) exec "$bench" "\$@" ;; esac
i=0
while [ ! -f "$tmp/release" ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
exec "$bench" "\$@"
EOF
  chmod +x "$tmp/held.sh"
  rm -f "$tmp/release"
  FAKE_ADB_DEVICES="R5CX111=device" PATH="$here/fake-adb:$PATH" bash "$run_sh" --results "$tmp/results" --run-id held \
    --poll 0.2 --binary "$tmp/held.sh" -- --shapes smoke.json "${fast[@]}" >"$tmp/held.out" 2>&1 &
  local pid=$! waited=0
  while [[ ! -f $runs/held/1/pid ]] && ((waited < 600)); do sleep 0.2; waited=$((waited + 1)); done
  sleep 1
  kill -TERM "$pid"
  wait "$pid"
  code=$?
  out=$(cat "$tmp/held.out")
  if ((code != 143)); then
    fail "run.sh stopped mid-run" "expected exit code 143, got $code" "$out"
  elif [[ $out != *"stopped waiting; run held goes on on R5CX111. Collect it with: scripts/android/run.sh -s R5CX111 --resume held"* ]]; then
    fail "run.sh stopped mid-run" "no hint to --resume" "$out"
  elif [[ $(setting) != 0 ]]; then
    fail "run.sh stopped mid-run" "the screen setting was not restored: $(setting)" "$out"
  elif [[ ! -f $runs/held/1/pid || -f $runs/held/1/exit_code ]]; then
    fail "run.sh stopped mid-run" "the run on the phone did not go on" "$(find "$runs")"
  else
    pass "run.sh stopped mid-run: screen setting restored, the run goes on"
  fi
  touch "$tmp/release"
  run_case "R5CX111=device" --resume held --poll 0.2
  if ((code != 0)) || [[ ! -f $tmp/results/SM-S928B/held.json ]]; then
    fail "--resume after stopping run.sh" "exit code $code" "$out"
  elif [[ $(setting) != 0 ]]; then
    fail "--resume after stopping run.sh" "the screen setting is $(setting) after the run"
  elif check_result "--resume after stopping run.sh" "$tmp/results/SM-S928B/held.json" ok legacy coop; then
    pass "--resume after stopping run.sh"
  fi

  # A hot phone that cools a step at each reading: --cool-to waits until all is below 40 °C.
  new_phone "SM-S928B"
  echo 48000 >"$tmp/phone/sys/class/thermal/thermal_zone1/temp"
  echo 455 >"$tmp/phone/battery_temp"
  echo 4000 >"$tmp/phone/cool_step"
  run_case "R5CX111=device" --cool-to 40 --cool-poll 0.1 --poll 0.2 --binary "$bench" -- --shapes smoke.json "${fast[@]}"
  jsons=("$tmp"/results/SM-S928B/*-smoke.json)
  if ((code != 0)); then
    fail "a hot phone that cools" "exit code $code" "$out"
  elif [[ $out != *"gpuss-0 usr at 4"[48]" °C, waiting for below 40 °C"* || $out != *"at 40 °C, waiting"* ]]; then
    fail "a hot phone that cools" "run.sh did not wait for it" "$out"
  elif [[ ! -f ${jsons[0]} ]]; then
    fail "a hot phone that cools" "no result" "$out"
  elif record_check "a hot phone that cools" "${jsons[0]%.json}.device.json" \
         'r["cooling"]["reached"] is True' 'r["cooling"]["target_celsius"] == 40' 'r["cooling"]["readings"] >= 3' \
         'r["cooling"]["hottest_celsius"] < 40' \
         'max(z["celsius"] for z in r["temperatures"]["before"]["zones"]) < 40' 'r["exit_code"] == 0'; then
    pass "a hot phone that cools: --cool-to waits, then runs"
  fi
  # One that does not cool enough: the wait is bounded, and the run goes ahead.
  new_phone "SM-S928B"
  run_case "R5CX111=device" --cool-to 30 --cool-timeout 1 --cool-poll 0.2 --poll 0.2 --binary "$bench" -- \
    --shapes smoke.json "${fast[@]}"
  jsons=("$tmp"/results/SM-S928B/*-smoke.json)
  if ((code != 0)) || [[ $out != *"gpuss-0 usr still at 45.2 °C after 1s (--cool-timeout); running anyway"* ]]; then
    fail "a phone that stays warm" "exit code $code" "$out"
  elif record_check "a phone that stays warm" "${jsons[0]%.json}.device.json" \
         'r["cooling"]["reached"] is False' 'r["cooling"]["hottest_sensor"] == "gpuss-0 usr"'; then
    pass "a phone that stays warm: --cool-timeout bounds the wait"
  fi
  # --cool-sensors: only the battery counts (31.2 °C), so no wait at all.
  new_phone "SM-S928B"
  run_case "R5CX111=device" --cool-to 35 --cool-sensors battery --cool-timeout 60 --poll 0.2 --binary "$bench" -- \
    --shapes smoke.json "${fast[@]}"
  jsons=("$tmp"/results/SM-S928B/*-smoke.json)
  if ((code != 0)) || [[ $out == *"waiting for below"* ]]; then
    fail "--cool-sensors battery" "exit code $code" "$out"
  elif record_check "--cool-sensors battery" "${jsons[0]%.json}.device.json" \
         'r["cooling"]["reached"] is True' 'r["cooling"]["readings"] == 1' 'r["cooling"]["hottest_sensor"] == "battery"'; then
    pass "--cool-sensors battery"
  fi

  # A phone that refuses: thermal zones unreadable, dumpsys and the screen setting denied. Each is
  # a warning; the run, its result and its record are whole.
  new_phone "SM-S928B"
  touch "$tmp/phone/refuse"
  for zone in "$tmp"/phone/sys/class/thermal/thermal_zone*; do rm -f "$zone/temp"; mkdir "$zone/temp"; done
  run_case "R5CX111=device" --cool-to 40 --poll 0.2 --binary "$bench" -- --shapes smoke.json "${fast[@]}"
  jsons=("$tmp"/results/SM-S928B/*-smoke.json)
  if ((code != 0)); then
    fail "a phone that refuses the thermal commands" "exit code $code" "$out"
  elif [[ $out != *"warning: R5CX111 refused battery: Permission Denial"* ||
          $out != *"warning: R5CX111 refused thermalservice: Permission Denial"* ||
          $out != *"warning: R5CX111 refused zones: 2 thermal zones are not readable"* ||
          $out != *"warning: R5CX111: cannot keep the screen awake (refused: java.lang.SecurityException"* ||
          $out != *"warning: R5CX111: no temperature readable; not waiting for --cool-to 40"* ]]; then
    fail "a phone that refuses the thermal commands" "a refusal was not reported" "$out"
  elif [[ $(setting) != 0 ]]; then
    fail "a phone that refuses the thermal commands" "the screen setting changed: $(setting)"
  elif record_check "a phone that refuses the thermal commands" "${jsons[0]%.json}.device.json" \
         'r["exit_code"] == 0' 'r["temperatures"]["before"] == {"battery_celsius": None, "thermal_status": None, "zones": []}' \
         'len(r["refused"]) == 4' 'r["screen_awake"].startswith("refused")' 'r["cooling"]["reached"] is None' &&
       [[ $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["complete"])' "${jsons[0]}") == True ]]; then
    pass "a phone that refuses the thermal commands: warnings, a whole result"
  fi

  # Two phones at once (--all), each holding its run until the other has started: run one after
  # the other, the first would wait for the second in vain and fail.
  rm -rf "$tmp/fleet" "$tmp/results" "$tmp/log" "$tmp/rendezvous"
  mkdir -p "$tmp/rendezvous"
  make_phone "$tmp/fleet/R5CX111" "SM-S928B"
  make_phone "$tmp/fleet/PX8PRO" "Pixel 8 Pro"
  echo 'ro.soc.model=Tensor G3' >>"$tmp/fleet/PX8PRO/props"
  export FAKE_ADB_ROOT=$tmp/fleet
  cat >"$tmp/together.sh" <<EOF
#!/bin/sh
# Runs qgemv-bench once the other phone's run has started too.
case "\$1" in --version|--help|list-devices) exec "$bench" "\$@" ;; esac
touch "$tmp/rendezvous/\$FAKE_ADB_SERIAL"
i=0
while [ "\$(ls "$tmp/rendezvous" | wc -l)" -lt 2 ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
[ "\$(ls "$tmp/rendezvous" | wc -l)" -ge 2 ] || { echo "the other phone never started: not in parallel"; exit 9; }
exec "$bench" "\$@"
EOF
  chmod +x "$tmp/together.sh"
  cat >"$tmp/tiny-model.json" <<'EOF'
{"name": "tiny-model", "description": "two shapes of a two-layer model", "group_size": 64, "layers": 2,
 "shapes": [{"name": "qkv", "n": 32, "k": 256}, {"name": "down", "n": 16, "k": 512}]}
EOF
  run_case "R5CX111=device PX8PRO=device R5CX999=unauthorized" --all --run-id two --poll 0.2 --binary "$tmp/together.sh" -- \
    --shapes "$tmp/tiny-model.json" "${fast[@]}"
  local fleet=$tmp/results/fleet-two
  if ((code != 0)); then
    fail "two phones at once" "exit code $code" "$out"
  elif [[ $out != *"leaving out the phones not ready: R5CX999 (unauthorized"* ]]; then
    fail "two phones at once" "the unauthorized phone was not reported" "$out"
  elif [[ ! -f $fleet/SM-S928B_R5CX111/two.json || ! -f $fleet/Pixel_8_Pro_PX8PRO/two.json ]]; then
    fail "two phones at once" "expected fleet-two/SM-S928B_R5CX111/two.json and fleet-two/Pixel_8_Pro_PX8PRO/two.json" \
      "$(find "$tmp/results")" "$out"
  elif [[ $out != *"[PX8PRO] "*"coop"* || $out != *"[R5CX111] "*"coop"* ]]; then
    fail "two phones at once" "the tables were not shown phone by phone" "$out"
  elif ! check_result "two phones at once (R5CX111)" "$fleet/SM-S928B_R5CX111/two.json" ok legacy coop; then
    :
  elif ! summary_problems=$(python3 - "$fleet" <<'EOF'
import json, sys
folder = sys.argv[1]
summary = json.load(open(f"{folder}/summary.json"))
markdown = open(f"{folder}/summary.md").read()
phones = {p["serial"]: p for p in summary["phones"]}
problems = []
if set(phones) != {"R5CX111", "PX8PRO"}:
    problems.append(f"phones {set(phones)}")
for serial, p in phones.items():
    shapes = {(s["shape"], s["variant"]) for s in p["shapes"]}
    if ("qkv", "coop/fp32/bb") not in shapes or ("down", "legacy/fp32/bb") not in shapes:
        problems.append(f"{serial}: shapes {sorted(shapes)}")
    if not all(isinstance(s["speedup_vs_baseline"], float) for s in p["shapes"]):
        problems.append(f"{serial}: a speedup is missing")
    bounds = {b["variant"]: b["tokens_per_second_bound"] for b in p["tokens_per_second_bound"]}
    if not bounds or not all(isinstance(v, float) and v > 0 for v in bounds.values()):
        problems.append(f"{serial}: tokens/s bounds {bounds}")
if "| qkv | 32x256 | coop/fp32/bb |" not in markdown or "Pixel 8 Pro (PX8PRO)" not in markdown or "tiny-model" not in markdown:
    problems.append("summary.md lacks the rows or the phones:\n" + markdown)
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
  ); then
    fail "two phones at once" "summary:" "$summary_problems"
  else
    pass "two phones at once: --all in parallel, one folder per phone, one summary"
  fi
}

case $group in
  errors) test_errors ;;
  runs) test_runs ;;
  phones) test_phones ;;
  *) echo "usage: $0 errors | runs PATH_TO_HOST_QGEMV_BENCH | phones PATH_TO_HOST_QGEMV_BENCH" >&2; exit 2 ;;
esac
echo "$passed passed, $failed failed"
((failed == 0))
