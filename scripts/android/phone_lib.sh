# shellcheck shell=bash disable=SC2154  # serial, run_id, warn: run.sh's
# Sourced by scripts/android/run.sh: what run.sh asks of one phone over adb. Needs $serial set and
# die/note/warn defined. Everything here that the phone may refuse (no root, no permission, a
# service missing) comes back as a warning, never as an error.

adb_() { adb -s "$serial" "$@" </dev/null; }  # adb shell would read this terminal otherwise
quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }  # for the phone's shell

# A JSON string literal.
json_string() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\r'/}; s=${s//$'\n'/\\n}
  # Other control characters are dropped (rare: spare the fork otherwise).
  [[ $s != *[$'\001'-$'\037']* ]] || s=$(printf '%s' "$s" | tr -d '\001-\037')
  printf '"%s"' "$s"
}

# The probe the phone runs to read its temperatures, as lines:
#   zone <zone> <value as the kernel gives it> <type>
#   battery <tenths of a degree>         status <0 none ... 6 shutdown>
#   refused <what> <the phone's words>   (what the shell user may not read)
write_thermal_probe() {  # write_thermal_probe <local file>
  cat >"$1" <<'EOF'
# Written by scripts/android/run.sh: the temperatures this shell user can read, one per line.
denied=0
for z in /sys/class/thermal/thermal_zone*; do
  [ -e "$z/temp" ] || continue
  if v=$(cat "$z/temp" 2>/dev/null) && [ -n "$v" ]; then
    echo "zone ${z##*/} $v $(cat "$z/type" 2>/dev/null)"
  else
    denied=$((denied + 1))
  fi
done
[ "$denied" -eq 0 ] || echo "refused zones $denied thermal zones are not readable by the shell user"
b=$(dumpsys battery 2>&1)
t=$(printf '%s\n' "$b" | grep -m1 "temperature:" | tr -dc 0-9-)
if [ -n "$t" ]; then echo "battery $t"; else echo "refused battery $(printf '%s\n' "$b" | head -n1)"; fi
s=$(dumpsys thermalservice 2>&1)
st=$(printf '%s\n' "$s" | grep -m1 "Thermal Status:" | tr -dc 0-9)
if [ -n "$st" ]; then echo "status $st"; else echo "refused thermalservice $(printf '%s\n' "$s" | head -n1)"; fi
EOF
}

# Probe lines -> {"battery_celsius", "thermal_status", "zones": [...]} (null where refused).
temperatures_json() {  # temperatures_json <probe output>
  printf '%s\n' "$1" | tr -d '\r' | awk '
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

# The phone's refusals in probe lines, one message a line.
probe_refusals() {  # probe_refusals <probe output>
  printf '%s\n' "$1" | tr -d '\r' | sed -n 's/^refused \([^ ]*\) \{0,1\}\(.*\)$/\1: \2/p'
}

# The hottest plausible reading among the sensors matching REGEX (zone types and "battery"), as
# "<celsius> <sensor>", or nothing when none is readable. Dead sensors report absurd values
# (-273, 0x7fffffff): only -40..150 °C count.
hottest_reading() {  # hottest_reading <probe output> <regex>
  printf '%s\n' "$1" | tr -d '\r' | awk -v pattern="$2" '
    function celsius(v) { v += 0; return (v > 1000 || v < -1000) ? v / 1000 : v }
    function consider(c, name) {
      if (c <= -40 || c >= 150 || name !~ pattern) return
      if (!found || c > best) { best = c; best_name = name; found = 1 }
    }
    $1 == "zone" && $3 ~ /^-?[0-9]+$/ { type = $0; sub(/^zone [^ ]+ [^ ]+ ?/, "", type); consider(celsius($3), type == "" ? $2 : type) }
    $1 == "battery" && $2 ~ /^-?[0-9]+$/ { consider($2 / 10, "battery") }
    END { if (found) printf "%g %s\n", best, best_name }'
}

# --- Keeping the screen awake: the phone throttles differently with the screen off, and some
# phones stop a shell's processes when they sleep. The setting before is kept on the phone (in the
# run folder) so that a run.sh that lost the phone still leaves it to be restored by --resume.
stay_awake_state=""  # "" untouched, or "changed" by us
stay_awake_on() {  # stay_awake_on <run folder on the phone>
  local saved=$1/stay_on.saved out now
  out=$(adb_ shell "[ -f $saved ] || { v=\$(settings get global stay_on_while_plugged_in 2>&1) &&
      case \$v in [0-9]*) echo \$v > $saved ;; null) echo 0 > $saved ;; *) echo \"refused: \$v\"; exit 1 ;; esac; } &&
      svc power stayon usb 2>&1 && settings get global stay_on_while_plugged_in 2>&1" 2>&1 | tr -d '\r') || true
  now=$(printf '%s\n' "$out" | tail -n1)
  if [[ $now =~ ^[0-9]+$ ]] && (((now & 2) != 0)); then
    stay_awake_state=changed
    stay_awake_note="on while on USB (svc power stayon usb)"
  elif [[ $now =~ ^[0-9]+$ ]]; then
    stay_awake_note="refused: stay_on_while_plugged_in stayed $now after 'svc power stayon usb'"
  else
    stay_awake_note="refused: $(printf '%s' "$out" | head -n1)"
  fi
  if [[ $stay_awake_state != changed ]]; then
    warn "$serial: cannot keep the screen awake ($stay_awake_note); the phone may sleep or throttle differently"
    adb_ shell "rm -f $saved" >/dev/null 2>&1 || true
  fi
}
stay_awake_restore() {  # stay_awake_restore <run folder on the phone>: quiet when nothing to do
  local saved=$1/stay_on.saved out
  [[ $stay_awake_state == changed ]] || return 0
  if out=$(adb_ shell "[ ! -f $saved ] || { settings put global stay_on_while_plugged_in \$(cat $saved) && rm -f $saved; }" 2>&1) &&
     [[ $out != *xception* ]]; then
    stay_awake_state=""
  else
    warn "$serial: could not restore the screen setting (stay_on_while_plugged_in) now; 'run.sh -s $serial --resume $run_id' restores it"
  fi
}
