#!/usr/bin/env bash
# Pushes qgemv-bench to Android phones over adb, runs it there detached from adb, and pulls the
# results back.
#
#   scripts/android/run.sh                              # --shapes llama1b.json on the one phone
#   scripts/android/run.sh -s R5CX1234ABC --cool-to 38 -- --shapes smoke.json --dtype fp16
#   scripts/android/run.sh --resume 20261202T010203Z-llama1b   # collect a run after a lost cable
#   scripts/android/run.sh --all                        # every attached phone at once
#
# A run is started on the phone with setsid (its own session, HUP ignored), writing its table,
# result document, exit status and temperatures to /data/local/tmp/qgemv-bench/runs/<run id>/;
# run.sh polls that folder, shows the table's rows as they come, and pulls the files when the run
# ends. A dropped cable or a closed laptop loses nothing: the run goes on, and `--resume <run id>`
# (or run.sh again with --run-id <run id>) waits for it if it is still going and collects it.
#
# Each run leaves, under results/android/<model>/ (model from ro.product.model):
#   <run id>.json         the result document qgemv-bench wrote on the phone
#   <run id>.txt          the table it printed
#   <run id>.device.json  the phone: model, SoC, Android build, GPU driver, screen, cooling, and
#                         the temperatures and thermal status before and after the run
# (<run id>-r<N>.* with --repeat). Several phones (--all, or -s more than once) run in parallel
# into results/android/fleet-<run id>/<model>_<serial>/, with summary.md and summary.json beside.
#
# Exit code: qgemv-bench's (0 all ok, 1 a case failed or no result, 128+N a signal), 2 when the
# phone or adb is not usable or the arguments are wrong, 3 when the phone was lost mid-run (the
# run goes on: --resume collects it); with several phones, the highest of theirs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
device_dir=/data/local/tmp/qgemv-bench
# shellcheck source=scripts/android/phone_lib.sh
source "$here/phone_lib.sh"

usage() {
  cat <<EOF
usage: scripts/android/run.sh [-s SERIAL]... [--all] [--run-id ID | --resume ID] [--binary FILE]
                              [--results DIR] [--repeat N] [--cooldown S] [--cool-to C]
                              [--cool-timeout S] [--cool-sensors REGEX] [--poll S]
                              [--reconnect-timeout S] [--no-stay-awake] [-- QGEMV_BENCH_ARGS...]
  Pushes the Android build of qgemv-bench to the phone, starts it there detached from adb with
  QGEMV_BENCH_ARGS (default: --shapes llama1b.json), shows its table as it comes, and pulls the
  result into DIR/<model>/<run id>.json with .txt and .device.json records beside it.
  -s SERIAL        a phone to use (as 'adb devices' lists it; default \$ANDROID_SERIAL, or the one
                   authorized phone connected); more than once: those phones in parallel
  --all            every authorized phone connected, in parallel
  --run-id ID      name of this run (default <UTC date>-<config>); a run of that name already
                   on the phone is waited for and collected, not started again
  --resume ID      collect run ID: wait for it if still going, pull what it left (its arguments
                   come from the phone); with --all or several -s, on each phone
  --binary FILE    the executable to push (default: build-android/qgemv-bench, from scripts/android/build.sh)
  --results DIR    where results go (default: results/android in the repository, or \$QGEMV_RESULTS_DIR)
  --repeat N       run N times, each with its own result files (default 1)
  --cooldown S     sleep S seconds before each run
  --cool-to C      before each run, wait until every readable temperature is below C °C
  --cool-timeout S wait at most S seconds for --cool-to, then run anyway (default 900)
  --cool-sensors REGEX  only sensors whose type matches (and "battery"), e.g. 'battery|cpu|gpu'
  --cool-poll S    seconds between temperature readings while cooling (default 10)
  --poll S         seconds between looks at a running run (default 2)
  --reconnect-timeout S  how long a lost phone is waited for before run.sh gives up (default 60)
  --no-stay-awake  leave the screen setting alone (default: awake on USB during the run, then
                   restored)
  A --shapes argument naming a file on this machine is pushed with the binary; a built-in name
  (llama1b.json, smoke.json, ...) is used as is. --out is set by this script.
EOF
}

die() {
  echo "android/run.sh: error: $*" >&2
  exit 2
}
note() { echo "android/run.sh: $*" >&2; }
warn() { echo "android/run.sh: warning: $*" >&2; }
trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }
sanitize() {  # a file-name-safe word: letters, digits, '.', '_', '+', '-'
  local s
  s=$(printf '%s' "$1" | tr -c 'A-Za-z0-9._+-' '_' | sed 's/__*/_/g; s/^[_.]*//; s/_*$//')
  printf '%s' "${s:-unknown}"
}

serials=()
all=0
run_id=""
resume=0
binary=$repo/build-android/qgemv-bench
results_dir=${QGEMV_RESULTS_DIR:-$repo/results/android}
cooldown=0
repeat=1
cool_to=""
cool_timeout=900
cool_sensors=""
cool_poll=10
poll=2
reconnect_timeout=60
stay_awake=1
bench_args=()
phone_options=()  # what each phone of a fleet is run with
number='^[0-9]+([.][0-9]+)?$'
while (($#)); do
  case $1 in
    -s) [[ $# -ge 2 ]] || die "-s needs a serial"; serials+=("$2"); shift 2; continue ;;
    --all) all=1; shift; continue ;;
    --run-id) [[ $# -ge 2 ]] || die "--run-id needs a name"; run_id=$2; shift 2; continue ;;
    --resume) [[ $# -ge 2 ]] || die "--resume needs a run id"; run_id=$2; resume=1; shift 2; continue ;;
    --results) [[ $# -ge 2 ]] || die "--results needs a folder"; results_dir=$2; shift 2; continue ;;
    -h|--help) usage; exit 0 ;;
    --) shift; bench_args=("$@"); break ;;
  esac
  case $1 in
    --binary) [[ $# -ge 2 ]] || die "--binary needs a file"; binary=$2 ;;
    --cooldown) [[ $# -ge 2 ]] || die "--cooldown needs seconds"; cooldown=$2 ;;
    --repeat) [[ $# -ge 2 ]] || die "--repeat needs a count"; repeat=$2 ;;
    --cool-to) [[ $# -ge 2 ]] || die "--cool-to needs degrees Celsius"; cool_to=$2 ;;
    --cool-timeout) [[ $# -ge 2 ]] || die "--cool-timeout needs seconds"; cool_timeout=$2 ;;
    --cool-sensors) [[ $# -ge 2 ]] || die "--cool-sensors needs a pattern"; cool_sensors=$2 ;;
    --cool-poll) [[ $# -ge 2 ]] || die "--cool-poll needs seconds"; cool_poll=$2 ;;
    --poll) [[ $# -ge 2 ]] || die "--poll needs seconds"; poll=$2 ;;
    --reconnect-timeout) [[ $# -ge 2 ]] || die "--reconnect-timeout needs seconds"; reconnect_timeout=$2 ;;
    --no-stay-awake) stay_awake=0; phone_options+=("$1"); shift; continue ;;
    *) usage >&2; die "unknown argument: $1 (qgemv-bench's own arguments go after --)" ;;
  esac
  phone_options+=("$1" "$2")
  shift 2
done
[[ $cooldown =~ ^[0-9]+$ ]] || die "--cooldown $cooldown: whole seconds, 0 or more"
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "--repeat $repeat: a count, 1 or more"
[[ -z $cool_to || $cool_to =~ ^-?[0-9]+([.][0-9]+)?$ ]] || die "--cool-to $cool_to: degrees Celsius, a number"
[[ $cool_timeout =~ ^[0-9]+$ ]] || die "--cool-timeout $cool_timeout: whole seconds, 0 or more"
[[ $reconnect_timeout =~ ^[0-9]+$ ]] || die "--reconnect-timeout $reconnect_timeout: whole seconds, 0 or more"
[[ $poll =~ $number && $poll != 0 ]] || die "--poll $poll: seconds, more than 0"
[[ $cool_poll =~ $number && $cool_poll != 0 ]] || die "--cool-poll $cool_poll: seconds, more than 0"
if [[ -n $run_id && $run_id != "$(sanitize "$run_id")" ]]; then
  die "run id '$run_id': letters, digits, '.', '_', '+' and '-' only"
fi
((resume == 0 || ${#bench_args[@]} == 0)) || die "--resume takes qgemv-bench's arguments from the phone; give none after --"
((resume)) || ((${#bench_args[@]})) || bench_args=(--shapes llama1b.json)

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
subcommand=0
case ${bench_args[0]:-} in list-devices|--version|--help|-h) subcommand=1 ;; esac
((resume)) || [[ -f $binary ]] || die "$binary not found: build it with scripts/android/build.sh (or pass --binary FILE)"
config=$(sanitize "$(basename "$shapes" .json)$suffix")

# --- adb and the phones.
command -v adb >/dev/null 2>&1 || die "adb not found on PATH (Android SDK platform-tools; Debian: apt-get install adb)"
devices=$(adb devices -l 2>&1) || die "'adb devices' failed: $devices"
attached=() states=()
while read -r first second _; do
  [[ -z $first || $first == List || $first == \** ]] && continue
  [[ $second == no ]] && second="no permissions"
  attached+=("$first") states+=("${second:-unknown}")
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
  for i in "${!attached[@]}"; do out+="${out:+, }${attached[i]} (${states[i]})"; done
  echo "${out:-none}"
}
((${#attached[@]})) || die "no Android device connected ('adb devices' lists none): plug the phone in and enable USB debugging"
authorized=()
for i in "${!attached[@]}"; do [[ ${states[i]} == device ]] && authorized+=("${attached[i]}"); done
if ((all)); then
  ((${#serials[@]} == 0)) || die "--all and -s together: choose one"
  ((${#authorized[@]})) || die "no authorized device among: $(listing)"
  not_ready=""
  for i in "${!attached[@]}"; do
    [[ ${states[i]} == device ]] || not_ready+="${not_ready:+, }${attached[i]} ($(state_hint "${states[i]}"))"
  done
  [[ -z $not_ready ]] || warn "leaving out the phones not ready: $not_ready"
  serials=("${authorized[@]}")
elif ((${#serials[@]})); then
  for s in "${serials[@]}"; do
    found=""
    for i in "${!attached[@]}"; do [[ ${attached[i]} == "$s" ]] && found=$i; done
    [[ -n $found ]] || die "device $s is not connected (connected: $(listing))"
    [[ ${states[found]} == device ]] || die "device $s is $(state_hint "${states[found]}")"
  done
elif [[ -n ${ANDROID_SERIAL:-} ]]; then
  serials=("$ANDROID_SERIAL")
  found=""
  for i in "${!attached[@]}"; do [[ ${attached[i]} == "$ANDROID_SERIAL" ]] && found=$i; done
  [[ -n $found ]] || die "device $ANDROID_SERIAL (\$ANDROID_SERIAL) is not connected (connected: $(listing))"
  [[ ${states[found]} == device ]] || die "device $ANDROID_SERIAL is $(state_hint "${states[found]}")"
else
  if ((${#authorized[@]} == 0)); then
    if ((${#attached[@]} == 1)); then die "device ${attached[0]} is $(state_hint "${states[0]}")"; fi
    die "no authorized device among: $(listing)"
  fi
  ((${#authorized[@]} == 1)) || die "${#authorized[@]} devices connected ($(listing)): choose one with -s SERIAL, or --all"
  serials=("${authorized[0]}")
  ((${#attached[@]} == 1)) || note "using ${serials[0]}, the one authorized device ($(listing))"
fi
auto_id=0
[[ -n $run_id ]] || { run_id=$(date -u +%Y%m%dT%H%M%SZ)-$config; auto_id=1; }

# --- A fleet: this script once per phone, in parallel, then one summary.
if ((${#serials[@]} > 1)); then
  fleet_dir=$results_dir/fleet-$run_id
  mkdir -p "$fleet_dir"
  fleet_dir=$(cd "$fleet_dir" && pwd)
  note "${#serials[@]} phones in parallel (${serials[*]}), run id $run_id, results in $fleet_dir/"
  pids=()
  for s in "${serials[@]}"; do
    member=(bash "$0" -s "$s" --results "$fleet_dir" --binary "$binary")
    if ((resume)); then member+=(--resume "$run_id"); else member+=(--run-id "$run_id"); fi
    member+=(${phone_options[@]+"${phone_options[@]}"})
    ((resume)) || member+=(-- "${bench_args[@]}")
    # Each line as it comes, prefixed (awk may hold lines back: mawk reads its input in blocks).
    QGEMV_RUN_SH_FLEET=1 "${member[@]}" > >(while IFS= read -r line || [[ -n $line ]]; do
                                               printf '[%s] %s\n' "$s" "$line"; done) 2>&1 &
    pids+=($!)
  done
  # Ctrl-C reaches only this script (background jobs ignore it): pass it on, so that each phone's
  # run.sh restores its screen setting and says how to collect its run.
  interrupted=0
  trap 'interrupted=1; kill -TERM "${pids[@]}" 2>/dev/null || true' INT TERM HUP
  status=0
  for i in "${!pids[@]}"; do
    code=0
    wait "${pids[i]}" || code=$?
    # A signal ends the wait, not the phone's run.sh: wait for its end too.
    while kill -0 "${pids[i]}" 2>/dev/null; do code=0; wait "${pids[i]}" || code=$?; done
    ((code == 0)) || note "${serials[i]}: run.sh exited with $code"
    ((code <= status)) || status=$code
  done
  trap - INT TERM HUP
  sleep 0.2  # the prefixing awk of the last phone may still be writing
  if ((interrupted)); then
    note "stopped; the phones' runs go on. Collect them with: scripts/android/run.sh --all --resume $run_id"
    exit 130
  fi
  if ((subcommand == 0)); then
    if command -v python3 >/dev/null 2>&1; then
      python3 "$here/fleet_summary.py" "$fleet_dir" --run-id "$run_id" ||
        { warn "the fleet summary failed"; ((status != 0)) || status=1; }
    else
      warn "python3 not found: no fleet summary (run scripts/android/fleet_summary.py $fleet_dir later)"
    fi
  fi
  exit "$status"
fi
serial=${serials[0]}

# --- One phone.
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
note "device $serial: ${model_name:-unknown model}, SoC ${soc:-${platform:-unknown}}, Android $(prop ro.build.version.release) (SDK $(prop ro.build.version.sdk))"

# Subcommands and informational flags write no result document: run them in the adb session.
if ((subcommand)); then
  adb_ shell "mkdir -p $device_dir" >/dev/null || die "cannot create $device_dir on $serial"
  adb_ push "$binary" "$device_dir/qgemv-bench" >/dev/null || die "adb push $binary failed"
  remote="chmod 755 $device_dir/qgemv-bench && cd $device_dir && ./qgemv-bench"
  for arg in "${bench_args[@]}"; do remote+=" $(quote "$arg")"; done
  code=0
  adb_ shell "$remote" || code=$?
  exit "$code"
fi

# Where this phone's files go: <model>/, or <model>_<serial>/ of the fleet's folder.
phone_out_dir() {  # phone_out_dir <1 if the run is a fleet's>
  if [[ $1 == 1 && -n ${QGEMV_RUN_SH_FLEET:-} ]]; then echo "$results_dir/$(sanitize "${model_name}_$serial")"
  elif [[ $1 == 1 ]]; then echo "$results_dir/fleet-$run_id/$(sanitize "${model_name}_$serial")"
  else echo "$results_dir/$model"; fi
}
fleet=0
[[ -z ${QGEMV_RUN_SH_FLEET:-} ]] || fleet=1
if [[ $auto_id == 1 ]]; then  # a name of our own making must be new on the phone and here
  taken=$(adb_ shell "ls $device_dir/runs 2>/dev/null" | tr -d '\r') || taken=""
  k=2 first=$run_id
  while printf '%s\n' "$taken" | grep -qxF "$run_id" || compgen -G "$(phone_out_dir "$fleet")/$run_id*.device.json" >/dev/null; do
    run_id=$first-$k; k=$((k + 1))
  done
fi
run_dir=$device_dir/runs/$run_id

# The run folder on the phone: the binary, the shapes file, the probe, the job and the plan (what
# --resume needs: the arguments, the repetitions, the cooling). It exists until all is collected.
plan=$(adb_ shell "cat $run_dir/plan 2>/dev/null" | tr -d '\r') || plan=""
plan_value() { printf '%s\n' "$plan" | sed -n "s/^$1=//p" | head -n1; }
if [[ -n $plan ]]; then
  ((resume)) || note "run $run_id is on $serial already: collecting it as it was started there"
  repeat=$(plan_value repeat)
  cooldown=$(plan_value cooldown)
  cool_to=$(plan_value cool_to)
  cool_timeout=$(plan_value cool_timeout)
  cool_sensors=$(plan_value cool_sensors)
  version=$(plan_value tool_version)
  fleet=$(plan_value fleet)
  bench_args=()
  while IFS= read -r line; do bench_args+=("$line"); done < <(printf '%s\n' "$plan" | sed -n 's/^arg=//p')
  [[ $repeat =~ ^[1-9][0-9]*$ ]] || die "run $run_id on $serial has a broken plan ($run_dir/plan)"
elif ((resume)); then
  for f in 0 1; do
    if compgen -G "$(phone_out_dir $f)/$run_id*.device.json" >/dev/null; then
      note "run $run_id was collected already: $(phone_out_dir $f)/$run_id*"
      exit 0
    fi
  done
  runs=$(adb_ shell "ls $device_dir/runs 2>/dev/null" | tr -d '\r' | xargs) || runs=""
  if [[ " $runs " == *" $run_id "* ]]; then
    die "run $run_id on $serial was never started (run.sh stopped while setting it up): start it again without --resume, after: adb -s $serial shell rm -rf $run_dir"
  fi
  die "no run $run_id on $serial (runs there: ${runs:-none})"
else
  local_shapes=""
  if [[ -f $shapes ]]; then
    local_shapes=$shapes
    device_shapes=$run_dir/shapes/$(basename "$shapes")
    if [[ ${bench_args[shapes_index]} == *=* ]]; then
      bench_args[shapes_index]="--shapes=$device_shapes"
    else
      bench_args[shapes_index + 1]=$device_shapes
    fi
  fi
  for arg in "${bench_args[@]}"; do
    [[ $arg != *$'\n'* ]] || die "an argument holds a line break: not supported"
  done
  adb_ shell "mkdir -p $run_dir/shapes" >/dev/null || die "cannot create $run_dir on $serial"
  adb_ push "$binary" "$run_dir/qgemv-bench" >/dev/null || die "adb push $binary failed"
  adb_ shell "chmod 755 $run_dir/qgemv-bench" >/dev/null || die "chmod on $serial failed"
  if [[ -n $local_shapes ]]; then
    adb_ push "$local_shapes" "$device_shapes" >/dev/null || die "adb push $local_shapes failed"
    note "pushed shapes file $local_shapes to $device_shapes"
  fi
  version=$(adb_ shell "cd $run_dir && ./qgemv-bench --version" 2>&1 | tr -d '\r' | head -n1) ||
    die "the pushed qgemv-bench does not run on $serial: $version (is it the arm64 Android build?)"
  note "pushed $binary ($version) to $serial:$run_dir/"
  staging=$(mktemp -d)
  trap 'rm -rf "$staging"' EXIT
  write_thermal_probe "$staging/thermal.sh"
  {
    echo "# qgemv-bench run $run_id, started by scripts/android/run.sh: one job per repetition."
    echo "# Detached: setsid gives it a session of its own, and a hang-up is ignored."
    echo "trap '' HUP"
    echo "cd \"\$1\" || exit 1"
    echo "echo \$\$ > pid"
    echo "date -u +%Y-%m-%dT%H:%M:%SZ > started_utc"
    echo "sh ../thermal.sh > thermal_before.txt 2>&1"
    echo "dumpsys thermalservice > thermalservice_before.txt 2>&1"
    printf '%s' "../qgemv-bench"
    for arg in "${bench_args[@]}"; do printf ' %s' "$(quote "$arg")"; done
    echo " --out result.json > output.txt 2>&1"
    echo "echo \$? > exit_code.part"
    echo "date -u +%Y-%m-%dT%H:%M:%SZ > finished_utc"
    echo "sh ../thermal.sh > thermal_after.txt 2>&1"
    echo "dumpsys thermalservice > thermalservice_after.txt 2>&1"
    echo "mv exit_code.part exit_code"
  } >"$staging/job.sh"
  {
    echo "repeat=$repeat"
    echo "cooldown=$cooldown"
    echo "cool_to=$cool_to"
    echo "cool_timeout=$cool_timeout"
    echo "cool_sensors=$cool_sensors"
    echo "tool_version=$version"
    echo "fleet=$fleet"
    for arg in "${bench_args[@]}"; do echo "arg=$arg"; done
  } >"$staging/plan"
  for f in thermal.sh job.sh plan; do  # the plan last: it says the folder is complete
    adb_ push "$staging/$f" "$run_dir/$f" >/dev/null || die "adb push of $f to $serial failed"
  done
fi

out_dir=$(phone_out_dir "$fleet")
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

# --- Losing the phone, and signals: the run goes on; say how to collect it.
resume_hint="scripts/android/run.sh -s $serial --resume $run_id"
current_run=""  # the repetition going on on the phone while run.sh follows it
[[ $fleet != 1 ]] || resume_hint="scripts/android/run.sh --all --resume $run_id (this phone alone: -s $serial --resume $run_id)"
# shellcheck disable=SC2317  # called from the traps below
on_signal() {  # on_signal <exit code>
  trap - INT TERM HUP
  stay_awake_restore "$run_dir"
  if [[ -n $current_run ]]; then
    note "stopped waiting; run $current_run goes on on $serial. Collect it with: $resume_hint"
  else
    note "stopped before the next run started; $resume_hint starts what is left (or forget it: adb -s $serial shell rm -rf $run_dir)"
  fi
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP
lost_phone() {
  stay_awake_restore "$run_dir" 2>/dev/null || true
  note "lost $serial for ${reconnect_timeout}s; the run goes on there. When it is back: $resume_hint (which also restores the screen setting)"
  exit 3
}
# phone_shell <command>: its output, after waiting up to --reconnect-timeout for a lost phone.
# The command must print something: no output at all means adb did not reach the phone.
phone_shell() {
  local out since=""
  while :; do
    if out=$(adb_ shell "$1" 2>/dev/null) && [[ -n $out ]]; then
      [[ -z $since ]] || note "$serial is back"
      printf '%s\n' "$out" | tr -d '\r'
      return 0
    fi
    if [[ -z $since ]]; then
      since=$SECONDS
      warn "$serial does not answer (cable?); waiting up to ${reconnect_timeout}s"
    fi
    ((SECONDS - since < reconnect_timeout)) || lost_phone
    sleep "$poll"
  done
}

# --- Cooling: before each run, until the readable temperatures are below --cool-to.
cooling_json=null
cool_down() {
  local start=$SECONDS readings=0 probe hottest celsius sensor reached
  while :; do
    probe=$(phone_shell "sh $run_dir/thermal.sh; echo end")
    readings=$((readings + 1))
    warn_refusals "$probe"
    hottest=$(hottest_reading "$probe" "${cool_sensors:-.}")
    if [[ -z $hottest ]]; then
      warn "$serial: no temperature readable${cool_sensors:+ matching \"$cool_sensors\"}; not waiting for --cool-to $cool_to"
      reached=null celsius=null sensor=""
      break
    fi
    celsius=${hottest%% *} sensor=${hottest#* }
    if awk -v c="$celsius" -v t="$cool_to" 'BEGIN { exit !(c < t) }'; then reached=true; break; fi
    if ((SECONDS - start >= cool_timeout)); then
      warn "$serial: $sensor still at $celsius °C after ${cool_timeout}s (--cool-timeout); running anyway"
      reached=false
      break
    fi
    note "$serial: $sensor at $celsius °C, waiting for below $cool_to °C ($((SECONDS - start))s of ${cool_timeout}s)"
    sleep "$cool_poll"
  done
  cooling_json="{\"target_celsius\": $cool_to, \"reached\": $reached, \"waited_seconds\": $((SECONDS - start)), \"readings\": $readings, \"hottest_celsius\": $celsius, \"hottest_sensor\": $(json_string "$sensor"), \"sensors\": $(json_string "${cool_sensors:-all}")}"
}

# --- One repetition on the phone: start, follow, collect.
rep_state() {  # rep_state <folder>: new | running | done | lost
  phone_shell "if [ -f $1/exit_code ]; then echo done; elif [ ! -d $1 ]; then echo new;
    elif [ -f $1/pid ] && kill -0 \$(cat $1/pid) 2>/dev/null; then echo running; else echo lost; fi"
}
start_rep() {  # start_rep <folder>
  local started
  started=$(phone_shell "mkdir -p $1 && cd $1 && echo $(quote "$cooling_json") > cooling.json && if command -v setsid >/dev/null; then
      setsid sh ../job.sh $1 </dev/null >/dev/null 2>&1 & else nohup sh ../job.sh $1 </dev/null >/dev/null 2>&1 & fi
    echo \$! > $1/pid; echo started")
  [[ $started == started ]] || die "could not start the run on $serial: $started"
}
follow_rep() {  # follow_rep <folder>: shows the table's complete lines as they come, until it ends
  local shown=0 reply state body partial complete
  while :; do
    reply=$(phone_shell "if [ -f $1/exit_code ]; then echo done; elif [ -f $1/pid ] && kill -0 \$(cat $1/pid) 2>/dev/null;
      then echo running; else echo lost; fi; tail -n +$((shown + 1)) $1/output.txt 2>/dev/null; echo '@@end@@'")
    state=${reply%%$'\n'*}
    body=${reply#*$'\n'}
    body=${body%@@end@@}
    if [[ $state == running ]]; then
      partial=${body##*$'\n'}  # a line still being written is shown when it is complete
      complete=${body%"$partial"}
      if [[ -n $complete ]]; then
        printf '%s' "$complete"
        shown=$((shown + $(printf '%s' "$complete" | wc -l)))
      fi
      sleep "$poll"
      continue
    fi
    printf '%s' "$body"
    [[ -z $body || $body == *$'\n' ]] || echo
    return 0
  done
}
prop_fields() {
  local fields p
  fields="\"serial\": $(json_string "$serial")"
  for p in "${prop_names[@]}"; do fields+=", $(json_string "$p"): $(json_string "$(prop "$p")")"; done
  printf '%s' "$fields"
}
# The device block of a result document (its keys are unique inside context.device).
result_device_field() {  # result_device_field <file> <key>
  awk -v key="\"$2\":" '
    /"device": \{/ { inside = 1; next }
    inside && /^ *\}/ { exit }
    inside && $1 == key { sub(/^[^:]*: */, ""); sub(/,$/, ""); gsub(/^"|"$/, ""); print; exit }' "$1" 2>/dev/null
}
warned=""
warn_refusals() {  # warn_refusals <probe output>: each refusal once per run.sh
  local line
  while IFS= read -r line; do
    [[ -n $line && $warned != *"|$line|"* ]] || continue
    warned+="|$line|"
    warn "$serial refused $line"
  done < <(probe_refusals "$1")
}
collect_rep() {  # collect_rep <folder> <n> <base> <resumed>: pull and write the record
  local rep=$1 n=$2 base=$3 resumed=$4 got code result_name before after f
  got=$(mktemp -d)
  for f in exit_code started_utc finished_utc thermal_before.txt thermal_after.txt \
           thermalservice_before.txt thermalservice_after.txt cooling.json output.txt result.json; do
    adb_ pull "$rep/$f" "$got/$f" >/dev/null 2>&1 || true
  done
  tr -d '\r' <"$got/output.txt" >"$out_dir/$base.txt" 2>/dev/null || : >"$out_dir/$base.txt"
  code=$(tr -dc 0-9 <"$got/exit_code" 2>/dev/null || true)
  if [[ -z $code ]]; then
    note "run $base ended without an exit status (the phone restarted, or the run was killed)"
    code=null
    ((status != 0)) || status=1
  elif ((code != 0)); then
    note "qgemv-bench exited with $code"
    ((status != 0)) || status=$code
  fi
  result_name=null
  if [[ -s $got/result.json ]]; then
    mv "$got/result.json" "$out_dir/$base.json"
    result_name=$(json_string "$base.json")
  else
    note "no result document on the phone to pull (qgemv-bench exit code $code)"
    ((status != 0)) || status=1
  fi
  [[ ! -s $got/cooling.json ]] || cooling_json=$(tr -d '\r\n' <"$got/cooling.json")
  before=$(cat "$got/thermal_before.txt" 2>/dev/null || true)
  after=$(cat "$got/thermal_after.txt" 2>/dev/null || true)
  warn_refusals "$before"$'\n'"$after"
  local command_json="" arg gpu_fields="" key value refusals="" line
  for arg in "${bench_args[@]}"; do command_json+="${command_json:+, }$(json_string "$arg")"; done
  for key in name driver_name driver_info driver_version api_version driver_id vendor_id device_id; do
    value=""
    [[ $result_name == null ]] || value=$(result_device_field "$out_dir/$base.json" "$key")
    gpu_fields+="${gpu_fields:+, }\"$key\": $(json_string "$value")"
  done
  while IFS= read -r line; do
    [[ -z $line ]] || refusals+="${refusals:+, }$(json_string "$line")"
  done < <(probe_refusals "$before"$'\n'"$after" | sort -u)
  [[ $stay_awake_note != refused* ]] || refusals+="${refusals:+, }$(json_string "screen: $stay_awake_note")"
  local gpu_name="" gpu_driver=""
  if [[ $result_name != null ]]; then
    gpu_name=$(result_device_field "$out_dir/$base.json" name)
    gpu_driver=$(trim "$(result_device_field "$out_dir/$base.json" driver_name) $(result_device_field "$out_dir/$base.json" driver_info)")
  fi
  cat >"$out_dir/$base.device.json" <<EOF
{
  "record": "qgemv-bench android run (scripts/android/run.sh), version 2",
  "run_id": $(json_string "$run_id"),
  "result": $result_name,
  "table": $(json_string "$base.txt"),
  "tool_version": $(json_string "$version"),
  "arguments": [$command_json],
  "exit_code": $code,
  "run": $n,
  "repeat": $repeat,
  "cooldown_seconds_before": $cooldown,
  "cooling": $cooling_json,
  "screen_awake": $(json_string "$stay_awake_note"),
  "started_utc": $(json_string "$(tr -d '\r\n' <"$got/started_utc" 2>/dev/null || true)"),
  "finished_utc": $(json_string "$(tr -d '\r\n' <"$got/finished_utc" 2>/dev/null || true)"),
  "collected_utc": $(json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ)"),
  "collected_after_reconnect": $resumed,
  "summary": {"model": $(json_string "$model_name"), "soc": $(json_string "${soc:-$platform}"), "gpu": $(json_string "$gpu_name"), "driver": $(json_string "$gpu_driver")},
  "device": {$(prop_fields)},
  "gles": $(json_string "$gles"),
  "vulkan_device": {$gpu_fields},
  "temperatures": {
    "before": $(temperatures_json "$before"),
    "after": $(temperatures_json "$after")
  },
  "thermalservice": {
    "before": $(json_string "$(cat "$got/thermalservice_before.txt" 2>/dev/null || true)"),
    "after": $(json_string "$(cat "$got/thermalservice_after.txt" 2>/dev/null || true)")
  },
  "refused": [$refusals]
}
EOF
  rm -rf "$got"
  adb_ shell "rm -rf $rep" >/dev/null 2>&1 || true
  note "results: $out_dir/$base.json (+ .txt, .device.json)"
}

gles=$(adb_ shell 'dumpsys SurfaceFlinger 2>/dev/null | grep -m1 "GLES:"' 2>/dev/null | tr -d '\r' | sed 's/^ *GLES: *//') || true
stay_awake_note="left alone (--no-stay-awake)"
if ((stay_awake)); then stay_awake_on "$run_dir"; fi
warn_refusals "$(adb_ shell "sh $run_dir/thermal.sh" 2>&1)"  # say early what the phone will not tell
status=0
for ((n = 1; n <= repeat; n++)); do
  base=$run_id
  ((repeat == 1)) || base=$run_id-r$n
  if [[ -f $out_dir/$base.device.json ]]; then
    note "run $base was collected already ($out_dir/$base.json)"
    continue
  fi
  rep=$run_dir/$n
  state=$(rep_state "$rep")
  resumed=false
  cooling_json=null
  case $state in
    new)
      if ((cooldown > 0)); then
        note "cooling down ${cooldown}s before run $n/$repeat"
        sleep "$cooldown"
      fi
      [[ -z $cool_to ]] || cool_down
      note "run $n/$repeat on $serial (run id $run_id): qgemv-bench ${bench_args[*]}"
      start_rep "$rep"
      ;;
    running) note "run $base is still going on $serial: waiting for it"; resumed=true ;;
    done|lost) note "run $base ended on $serial while nobody watched: collecting it"; resumed=true ;;
  esac
  current_run=$base
  follow_rep "$rep"
  collect_rep "$rep" "$n" "$base" "$resumed"
  current_run=""
done
# All collected: give the screen setting back (also one a lost run.sh left behind), clear the phone.
stay_awake_state=changed
stay_awake_restore "$run_dir"
adb_ shell "rm -rf $run_dir" >/dev/null 2>&1 || true
exit "$status"
