#!/usr/bin/env bash
# Pushes qgemv-bench to an Android phone over adb, runs it there, and pulls the result back.
#
#   scripts/android/run.sh                              # --shapes llama1b.json on the one phone
#   scripts/android/run.sh -s R5CX1234ABC -- --shapes smoke.json --dtype fp16
#
# Each run leaves, under results/android/<model>/ (model from ro.product.model):
#   <UTC date>-<config>.json         the result document qgemv-bench wrote on the phone
#   <UTC date>-<config>.txt          the table it printed
#   <UTC date>-<config>.device.json  the phone: model, SoC, Android build, GPU driver, and the
#                                    thermal zones / battery temperature before and after the run
# <config> is the shapes file's name, plus the --kernels/--dtype/--storage/--group-size values
# when given. Exit code: qgemv-bench's (0 all ok, 1 a case failed, ...), or 2 when the phone or
# adb is not usable.
#
# --cooldown S sleeps S seconds before each run (after the push and before the "before"
# temperatures are read), and so between runs with --repeat N. qgemv-bench runs a whole sweep in
# one process and has no pause between its cases, so this is a pause between runs, not between
# cases; for cooler cases, run fewer shapes per run (a shapes file of your own is pushed for you).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
device_dir=/data/local/tmp/qgemv-bench

usage() {
  cat <<EOF
usage: scripts/android/run.sh [-s SERIAL] [--binary FILE] [--results DIR] [--cooldown S]
                              [--repeat N] [-- QGEMV_BENCH_ARGS...]
  Pushes the Android build of qgemv-bench to $device_dir/ on the phone, runs it with
  QGEMV_BENCH_ARGS (default: --shapes llama1b.json), pulls the result into
  DIR/<model>/<date>-<config>.json with a .device.json record beside it, and prints the table.
  -s SERIAL      the phone to use (as 'adb devices' lists it; default \$ANDROID_SERIAL, or the one
                 authorized phone connected)
  --binary FILE  the executable to push (default: build-android/qgemv-bench, from scripts/android/build.sh)
  --results DIR  where results go (default: results/android in the repository, or \$QGEMV_RESULTS_DIR)
  --cooldown S   sleep S seconds before each run (phones throttle when hot)
  --repeat N     run N times, each with its own result files (default 1)
  A --shapes argument naming a file on this machine is pushed with the binary; a built-in name
  (llama1b.json, smoke.json, ...) is used as is. --out is set by this script.
EOF
}

die() {
  echo "android/run.sh: error: $*" >&2
  exit 2
}
note() { echo "android/run.sh: $*" >&2; }
trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

serial=${ANDROID_SERIAL:-}
binary=$repo/build-android/qgemv-bench
results_dir=${QGEMV_RESULTS_DIR:-$repo/results/android}
cooldown=0
repeat=1
bench_args=()
while (($#)); do
  case $1 in
    -s) [[ $# -ge 2 ]] || die "-s needs a serial"; serial=$2; shift 2 ;;
    --binary) [[ $# -ge 2 ]] || die "--binary needs a file"; binary=$2; shift 2 ;;
    --results) [[ $# -ge 2 ]] || die "--results needs a folder"; results_dir=$2; shift 2 ;;
    --cooldown) [[ $# -ge 2 ]] || die "--cooldown needs seconds"; cooldown=$2; shift 2 ;;
    --repeat) [[ $# -ge 2 ]] || die "--repeat needs a count"; repeat=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; bench_args=("$@"); break ;;
    *) usage >&2; die "unknown argument: $1 (qgemv-bench's own arguments go after --)" ;;
  esac
done
[[ $cooldown =~ ^[0-9]+$ ]] || die "--cooldown $cooldown: whole seconds, 0 or more"
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "--repeat $repeat: a count, 1 or more"
((${#bench_args[@]})) || bench_args=(--shapes llama1b.json)

# --- qgemv-bench's arguments: --out is ours; a local shapes file is pushed; the config name.
shapes=llama1b.json
shapes_index=-1
suffix=""
for ((i = 0; i < ${#bench_args[@]}; i++)); do
  arg=${bench_args[i]}
  name=${arg%%=*}
  if [[ $arg == *=* ]]; then value=${arg#*=}; else value=${bench_args[i + 1]:-}; fi
  case $name in
    --out|--force) die "$name is set by run.sh (results go to $results_dir/<model>/)" ;;
    --shapes) shapes=$value; shapes_index=$i ;;
    --kernels|--dtype|--storage|--group-size) suffix+="-${value//,/+}" ;;
  esac
done
[[ -f $binary ]] || die "$binary not found: build it with scripts/android/build.sh (or pass --binary FILE)"
local_shapes=""
if [[ -f $shapes ]]; then
  local_shapes=$shapes
  device_shapes=$device_dir/shapes/$(basename "$shapes")
  if [[ ${bench_args[shapes_index]} == *=* ]]; then
    bench_args[shapes_index]="--shapes=$device_shapes"
  else
    bench_args[shapes_index + 1]=$device_shapes
  fi
fi
sanitize() {  # a file-name-safe word: letters, digits, '.', '_', '-'
  local s
  s=$(printf '%s' "$1" | tr -c 'A-Za-z0-9._+-' '_' | sed 's/__*/_/g; s/^[_.]*//; s/_*$//')
  printf '%s' "${s:-unknown}"
}
config=$(sanitize "$(basename "$shapes" .json)$suffix")

# --- adb and the phone.
command -v adb >/dev/null 2>&1 || die "adb not found on PATH (Android SDK platform-tools; Debian: apt-get install adb)"
devices=$(adb devices -l 2>&1) || die "'adb devices' failed: $devices"
serials=() states=()
while read -r first second _; do
  [[ -z $first || $first == List || $first == \** ]] && continue
  [[ $second == no ]] && second="no permissions"
  serials+=("$first") states+=("${second:-unknown}")
done <<<"$devices"
state_hint() {
  case $1 in
    unauthorized) echo "unauthorized: unlock the phone and accept the 'Allow USB debugging?' prompt" ;;
    offline) echo "offline: reconnect the cable or run 'adb kill-server'" ;;
    "no permissions") echo "no permissions: this user may not open the USB device (udev rules, plugdev group)" ;;
    *) echo "in state '$1', not 'device'" ;;
  esac
}
listing() {
  local out="" i
  for i in "${!serials[@]}"; do out+="${out:+, }${serials[i]} (${states[i]})"; done
  echo "${out:-none}"
}
if ((${#serials[@]} == 0)); then
  die "no Android device connected ('adb devices' lists none): plug the phone in and enable USB debugging"
fi
if [[ -n $serial ]]; then
  found=""
  for i in "${!serials[@]}"; do [[ ${serials[i]} == "$serial" ]] && found=$i; done
  [[ -n $found ]] || die "device $serial is not connected (connected: $(listing))"
  [[ ${states[found]} == device ]] || die "device $serial is $(state_hint "${states[found]}")"
else
  authorized=()
  for i in "${!serials[@]}"; do [[ ${states[i]} == device ]] && authorized+=("${serials[i]}"); done
  if ((${#authorized[@]} == 0)); then
    if ((${#serials[@]} == 1)); then die "device ${serials[0]} is $(state_hint "${states[0]}")"; fi
    die "no authorized device among: $(listing)"
  fi
  ((${#authorized[@]} == 1)) || die "${#authorized[@]} devices connected ($(listing)): choose one with -s SERIAL"
  serial=${authorized[0]}
  ((${#serials[@]} == 1)) || note "using $serial, the one authorized device ($(listing))"
fi

adb_() { adb -s "$serial" "$@" </dev/null; }  # adb shell would read this terminal otherwise
quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }  # for the phone's shell

prop_names=(ro.product.model ro.product.manufacturer ro.product.brand ro.product.device
            ro.soc.manufacturer ro.soc.model ro.board.platform ro.hardware ro.hardware.vulkan
            ro.hardware.egl ro.product.cpu.abi ro.build.version.release ro.build.version.sdk
            ro.build.fingerprint)
props_out=$(adb_ shell "for p in ${prop_names[*]}; do echo \"\$p=\$(getprop \$p)\"; done") ||
  die "'adb shell getprop' failed on $serial: $props_out"
prop() {  # prop <name>: its value as read above (no associative arrays: macOS has bash 3.2)
  local line
  while IFS= read -r line; do
    line=${line%$'\r'}
    if [[ ${line%%=*} == "$1" ]]; then printf '%s' "${line#*=}"; return; fi
  done <<<"$props_out"
}
abi=$(prop ro.product.cpu.abi)
[[ -z $abi || $abi == arm64-v8a ]] || die "$serial is $abi; the Android build is arm64-v8a only"
model_name=$(prop ro.product.model)
model=$(sanitize "$model_name")
soc="$(prop ro.soc.manufacturer) $(prop ro.soc.model)"
soc=$(trim "$soc")
platform=$(prop ro.board.platform)
release=$(prop ro.build.version.release)
sdk=$(prop ro.build.version.sdk)
note "device $serial: ${model_name:-unknown model}, SoC ${soc:-${platform:-unknown}}, Android ${release:-?} (SDK ${sdk:-?})"

# --- push.
adb_ shell "mkdir -p $device_dir/shapes" >/dev/null || die "cannot create $device_dir on $serial"
adb_ push "$binary" "$device_dir/qgemv-bench" >/dev/null || die "adb push $binary failed"
adb_ shell "chmod 755 $device_dir/qgemv-bench" >/dev/null || die "chmod on $serial failed"
if [[ -n $local_shapes ]]; then
  adb_ push "$local_shapes" "$device_shapes" >/dev/null || die "adb push $local_shapes failed"
  note "pushed shapes file $local_shapes to $device_shapes"
fi
version=$(adb_ shell "cd $device_dir && ./qgemv-bench --version" 2>&1 | tr -d '\r' | head -n1) ||
  die "the pushed qgemv-bench does not run on $serial: $version (is it the arm64 Android build?)"
note "pushed $binary ($version) to $serial:$device_dir/"

# Subcommands and informational flags write no result document: run them and stop.
case ${bench_args[0]} in
  list-devices|--version|--help|-h)
    remote="cd $device_dir && ./qgemv-bench"
    for arg in "${bench_args[@]}"; do remote+=" $(quote "$arg")"; done
    set +e
    adb_ shell "$remote"
    exit $?
    ;;
esac

# --- what the phone looks like, as JSON.
json_string() {  # a JSON string literal
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\r'/}; s=${s//$'\n'/\\n}
  printf '"%s"' "$(printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037')"
}
# Temperatures the shell user can read: every thermal zone, the battery, the thermal status.
read_temperatures() {
  local out
  out=$(adb_ shell 'for z in /sys/class/thermal/thermal_zone*; do
      [ -r "$z/temp" ] || continue
      v=$(cat "$z/temp" 2>/dev/null) || continue
      echo "zone ${z##*/} $v $(cat "$z/type" 2>/dev/null)"
    done
    echo "battery $(dumpsys battery 2>/dev/null | grep -m1 "temperature:" | tr -dc 0-9-)"
    echo "status $(dumpsys thermalservice 2>/dev/null | grep -m1 "Thermal Status:" | tr -dc 0-9)"' 2>/dev/null |
    tr -d '\r') || true
  printf '%s\n' "$out" | awk '
    function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
    function celsius(v) { v += 0; return (v > 1000 || v < -1000) ? v / 1000 : v }
    $1 == "zone" && $3 ~ /^-?[0-9]+$/ {
      type = $0; sub(/^zone [^ ]+ [^ ]+ ?/, "", type)
      zones = zones (zones == "" ? "" : ", ") sprintf("{\"zone\": %s, \"type\": %s, \"celsius\": %g}", q($2), q(type), celsius($3))
    }
    $1 == "battery" && $2 ~ /^-?[0-9]+$/ { battery = sprintf("%g", $2 / 10) }
    $1 == "status" && $2 ~ /^[0-9]+$/ { status = $2 }
    END {
      printf "{\"battery_celsius\": %s, \"thermal_status\": %s, \"zones\": [%s]}", \
        battery == "" ? "null" : battery, status == "" ? "null" : status, zones
    }'
}
# The device block of a result document (its keys are unique inside context.device).
result_device_field() {  # result_device_field <file> <key>
  awk -v key="\"$2\":" '
    /"device": \{/ { inside = 1; next }
    inside && /^ *\}/ { exit }
    inside && $1 == key { sub(/^[^:]*: */, ""); sub(/,$/, ""); gsub(/^"|"$/, ""); print; exit }' "$1" 2>/dev/null
}
gles=$(adb_ shell 'dumpsys SurfaceFlinger 2>/dev/null | grep -m1 "GLES:"' 2>/dev/null | tr -d '\r' | sed 's/^ *GLES: *//') || true

mkdir -p "$results_dir/$model"
results_dir=$(cd "$results_dir" && pwd)
status=0
for ((run = 1; run <= repeat; run++)); do
  if ((cooldown > 0)); then
    note "cooling down ${cooldown}s before run $run/$repeat"
    sleep "$cooldown"
  fi
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  base=$stamp-$config
  n=2
  while [[ -e $results_dir/$model/$base.json || -e $results_dir/$model/$base.device.json ]]; do
    base=$stamp-$config-$n; n=$((n + 1))
  done
  local_json=$results_dir/$model/$base.json
  device_json=$device_dir/$base.json
  temps_before=$(read_temperatures)
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  remote="cd $device_dir && rm -f $(quote "$device_json") && ./qgemv-bench"
  for arg in "${bench_args[@]}"; do remote+=" $(quote "$arg")"; done
  remote+=" --out $(quote "$device_json")"
  note "run $run/$repeat on $serial: qgemv-bench ${bench_args[*]}"
  set +e
  adb_ shell "$remote" | tr -d '\r' | tee "$results_dir/$model/$base.txt"
  code=${PIPESTATUS[0]}
  set -e
  finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  temps_after=$(read_temperatures)
  ((code == 0)) || { note "qgemv-bench exited with $code"; ((status != 0)) || status=$code; }
  if adb_ shell "test -f $(quote "$device_json")" >/dev/null 2>&1 &&
     adb_ pull "$device_json" "$local_json" >/dev/null; then
    adb_ shell "rm -f $(quote "$device_json")" >/dev/null 2>&1 || true
    result_name=$(json_string "$(basename "$local_json")")
  else
    note "no result document on the phone to pull (qgemv-bench exit code $code)"
    result_name=null
    ((status != 0)) || status=1
  fi
  command_json=""
  for arg in "${bench_args[@]}"; do command_json+="${command_json:+, }$(json_string "$arg")"; done
  gpu_fields=""
  for key in name driver_name driver_info driver_version api_version driver_id vendor_id device_id; do
    value=""
    [[ $result_name == null ]] || value=$(result_device_field "$local_json" "$key")
    gpu_fields+="${gpu_fields:+, }\"$key\": $(json_string "$value")"
  done
  gpu_name=$(result_device_field "$local_json" name 2>/dev/null || true)
  gpu_driver="$(result_device_field "$local_json" driver_name 2>/dev/null || true) $(result_device_field "$local_json" driver_info 2>/dev/null || true)"
  gpu_driver=$(trim "$gpu_driver")
  device_fields="\"serial\": $(json_string "$serial")"
  for p in "${prop_names[@]}"; do
    device_fields+=", $(json_string "$p"): $(json_string "$(prop "$p")")"
  done
  cat >"$results_dir/$model/$base.device.json" <<EOF
{
  "record": "qgemv-bench android run (scripts/android/run.sh), version 1",
  "result": $result_name,
  "table": $(json_string "$base.txt"),
  "tool_version": $(json_string "$version"),
  "arguments": [$command_json],
  "exit_code": $code,
  "run": $run,
  "repeat": $repeat,
  "cooldown_seconds_before": $cooldown,
  "started_utc": $(json_string "$started"),
  "finished_utc": $(json_string "$finished"),
  "summary": {"model": $(json_string "$model_name"), "soc": $(json_string "${soc:-$platform}"), "gpu": $(json_string "$gpu_name"), "driver": $(json_string "$gpu_driver")},
  "device": {$device_fields},
  "gles": $(json_string "$gles"),
  "vulkan_device": {$gpu_fields},
  "temperatures": {
    "before": $temps_before,
    "after": $temps_after
  }
}
EOF
  note "results: $local_json (+ .txt, .device.json)"
done
exit "$status"
