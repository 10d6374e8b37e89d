#!/usr/bin/env bash
# CI performance gate: rerun the sweep a baseline result document records, compare the new result
# against it, and exit with compare's code (0 pass, 1 a regression or a failed/missing case, 2
# unusable input or a sweep that could not run). docs/ci.md shows it in a GitHub Actions workflow.
#
#   scripts/ci_gate.sh BASELINE.json [compare options, e.g. --metric speedup --threshold 60% --format markdown]
#
# The sweep is the baseline's own: its recorded command line (settings.command_line) replayed
# without its output options (--out, --force, --format, --dump, --quiet) and without --tune (the
# configurations it found are in --tuning FILE, which is kept), and with the settings block's
# values pinned (shapes, kernels, dtypes, storages, seed, repetitions, minimum and maximum time,
# timer, cold cache, roofline, binding limit, validation), so a default that moved since the baseline was
# made does not change the sweep. Run it from the directory the baseline was made in (a relative
# --shapes or --tuning path resolves there). stdout carries compare's report and nothing else;
# every diagnostic goes to stderr.
#
#   QGEMV_BENCH     the binary (default: build/qgemv-bench)
#   QGEMV_DEVICE    device index or name substring, instead of the baseline's --device (if any)
#   QGEMV_RUN_ARGS  further run options (space separated); each replaces the baseline's of that name
#   QGEMV_OUT       where the new result goes (default: a temporary file); keep it as a CI artifact
set -euo pipefail
(($# >= 1)) || { echo "usage: $0 BASELINE.json [compare options]" >&2; exit 2; }
baseline=$1
shift
bench=${QGEMV_BENCH:-build/qgemv-bench}
command -v python3 >/dev/null || { echo "ci_gate: python3 missing (Debian: python3)" >&2; exit 2; }
[[ -r $baseline ]] || { echo "ci_gate: $baseline: cannot read it" >&2; exit 2; }

# Prints the sweep's options NUL-terminated, or one line on stderr and exits 2.
rerun_args() {
  python3 - "$1" "${QGEMV_DEVICE:-}" "${QGEMV_RUN_ARGS:-}" <<'PY'
import json
import sys

path, device, run_args = sys.argv[1], sys.argv[2], sys.argv[3]

def die(message):
    print(f"ci_gate: {path}: {message}", file=sys.stderr)
    sys.exit(2)

try:
    with open(path) as f:
        doc = json.load(f)
except (OSError, ValueError) as e:
    die(f"not a JSON result document ({e})")
settings = doc.get("settings") if isinstance(doc, dict) else None
if not isinstance(settings, dict) or not isinstance(settings.get("command_line"), str):
    die("no settings.command_line: not a result document written with --out in the json format")

# The command line was recorded as argv joined with spaces: split it the same way.
argv = settings["command_line"].split(" ")[1:]
if argv and not argv[0].startswith("-"):
    die(f"the recorded command is '{argv[0]}', not a sweep")

def grouped(tokens, what):
    """[[--name, [values]], ...] in order; a value belongs to the option before it."""
    options = []
    for token in tokens:
        if token.startswith("--"):
            name, eq, value = token.partition("=")
            options.append([name, [value] if eq else []])
        elif options:
            options[-1][1].append(token)
        else:
            die(f"cannot read {what} at '{token}'")
    return options

options = grouped(argv, "the recorded command line")

def number(value):
    return repr(value) if isinstance(value, float) else str(value)

# The settings block's values, as the options that set them.
pinned = {}
source = settings.get("shapes_source")
if isinstance(source, str) and source:
    pinned["--shapes"] = [source.removeprefix("builtin:")]
for key, option in (("kernels", "--kernels"), ("dtypes", "--dtype"), ("storages", "--storage")):
    if isinstance(settings.get(key), list) and settings[key]:
        pinned[option] = [",".join(settings[key])]
for key, option in (("seed", "--seed"), ("repetitions", "--repetitions"), ("min_time_s", "--min-time"),
                    ("max_time_s", "--max-time")):
    if isinstance(settings.get(key), (int, float)) and not isinstance(settings.get(key), bool):
        pinned[option] = [number(settings[key])]
if settings.get("timer") in ("gpu", "cpu"):
    pinned["--timer"] = [settings["timer"]]
if isinstance(settings.get("roofline"), bool):
    pinned["--roofline"] = ["on" if settings["roofline"] else "off"]
if settings.get("cold_cache") == "off":
    pinned["--cold-cache"] = ["off"]
elif isinstance(settings.get("cold_cache_target_bytes"), int) and settings["cold_cache_target_bytes"] % (1 << 20) == 0:
    pinned["--cold-cache"] = [str(settings["cold_cache_target_bytes"] >> 20)]
if isinstance(settings.get("max_binding_bytes"), int) and settings["max_binding_bytes"] > 0:
    pinned["--max-binding-mib"] = [str(settings["max_binding_bytes"] >> 20)]
if settings.get("validate") is False:
    pinned["--no-validate"] = []
if device:
    pinned["--device"] = [device]
dropped = {"--out", "--force", "--format", "--dump", "--quiet", "--tune"}
# QGEMV_RUN_ARGS last: what the caller sets explicitly wins.
for name, values in grouped(run_args.split(), "QGEMV_RUN_ARGS"):
    if name in dropped:
        print(f"ci_gate: QGEMV_RUN_ARGS: {name} is not for a gate's sweep (its result goes to QGEMV_OUT)",
              file=sys.stderr)
        sys.exit(2)
    pinned[name] = values

args = []
for name, values in options:
    if name not in dropped and name not in pinned:
        args += [name] + values
for name, values in pinned.items():
    args += [name] + values
if doc.get("complete") is False:
    print(f"ci_gate: warning: {path} is incomplete (complete: false)", file=sys.stderr)
sys.stdout.write("".join(arg + "\0" for arg in args))
PY
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rerun_args "$baseline" >"$work/args" || exit 2
mapfile -d '' -t args <"$work/args"
out=${QGEMV_OUT:-$work/new.json}

echo "ci_gate: rerunning the sweep of $baseline: $bench ${args[*]}" >&2
# Exit 1 (a case failed validation) still goes on to compare, whose report names the case and which
# exits 1 for it; anything else (bad usage, no Vulkan, interrupted) ends the job here, with that code.
status=0
"$bench" "${args[@]}" --quiet --force --out "$out" >&2 || status=$?
if ((status != 0 && status != 1)); then
  echo "ci_gate: the sweep exited $status" >&2
  exit "$status"
fi
echo "ci_gate: comparing $out against $baseline" >&2
status=0
"$bench" compare "$baseline" "$out" "$@" || status=$?
exit "$status"
