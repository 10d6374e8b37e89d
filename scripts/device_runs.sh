#!/usr/bin/env bash
# The measurement runs committed under results/<device>/, so each file there is reproducible by
# name: scripts/device_runs.sh SET OUTDIR [BINARY]. Every command is echoed before it runs, and its
# console table is kept next to its JSON.
set -euo pipefail
set_name=${1:?usage: device_runs.sh variants|cold|tune|smoke-baseline OUTDIR [BINARY]}
out=${2:?usage: device_runs.sh SET OUTDIR [BINARY]}
bin=${3:-./build/qgemv-bench}
mkdir -p "$out"

run() {
  local name=$1; shift
  echo "+ qgemv-bench $*" | tee "$out/$name.cmd"
  local start=$SECONDS
  set +e
  "$bin" "$@" --out "$out/$name.json" --force > "$out/$name.txt" 2>&1
  local rc=$?
  set -e
  echo "exit $rc after $((SECONDS - start)) s" | tee -a "$out/$name.cmd"
}

case "$set_name" in
  variants)  # issue 3: every dtype x storage of both reproduced kernels (also the CI baseline)
    run llama1b-variants --shapes llama1b.json --kernels legacy,coop --dtype fp32,fp16 --storage bb,bt,tt
    ;;
  cold)      # issue 4: the default sweep (cold cache, roofline) of all kernels
    run llama1b-cold --shapes llama1b.json
    run large-cold --shapes large.json
    ;;
  tune)      # issue 7: coop_tuned searched per shape, then the sweep with the best configurations
    run llama1b-tuned --shapes llama1b.json --tune --tuning "$out/tuning.json"
    run large-tuned --shapes large.json --tune --tuning "$out/tuning.json"
    ;;
  smoke-baseline)
    run smoke --shapes smoke.json --kernels legacy,coop --repetitions 100
    ;;
  *) echo "unknown set $set_name" >&2; exit 2 ;;
esac
