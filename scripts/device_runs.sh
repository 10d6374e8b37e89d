#!/usr/bin/env bash
# The measurement runs committed under results/<device>/, so each file there is reproducible by
# name: scripts/device_runs.sh SET OUTDIR [BINARY]. Every command is echoed before it runs, and its
# console table is kept next to its JSON.
set -euo pipefail
set_name=${1:?usage: device_runs.sh variants|cold|tune|smoke-baseline|reliability|round2-a|round2-b|decode-clocks|round3|q4gsw OUTDIR [BINARY]}
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

# `run`, with the GPU's clocks, power and clock-event reasons sampled every 20 ms beside it
# (NAME.clocks.csv) where nvidia-smi exists.
clocked() {
  local name=$1 smi=""
  if command -v nvidia-smi > /dev/null; then
    nvidia-smi --query-gpu=timestamp,pstate,clocks.sm,clocks.mem,power.draw,utilization.gpu,clocks_event_reasons.active \
        --format=csv -lms 20 > "$out/$name.clocks.csv" 2>&1 &
    smi=$!
  fi
  run "$@"
  if [[ -n $smi ]]; then kill "$smi"; wait "$smi" 2> /dev/null || true; fi
}

# The gate proof on this GPU (an idle machine: no stress-ng), when SLOW names a build whose coop
# does 4x the work (-DQGEMV_TEST_SLOW_COOP=ON).
gate_proof_if_slow() {
  [[ -n ${SLOW:-} ]] || return 0
  echo "+ gate_proof.sh 10 10 (QGEMV_GATE_ARGS=--metric time --threshold 5%)" | tee "$out/gate-proof.cmd"
  QGEMV_STRESS=0 QGEMV_DEVICE="${GATE_DEVICE:-0}" QGEMV_BENCH="$bin" QGEMV_SLOW_BENCH="$SLOW" \
    QGEMV_GATE_ARGS="--metric time --threshold 5%" bash scripts/gate_proof.sh 10 10 > "$out/gate-proof.md" 2> "$out/gate-proof.log" || true
}

case "$set_name" in
  variants)  # issue 3: every dtype x storage of both reproduced kernels (also the CI baseline)
    run llama1b-variants --shapes llama1b.json --kernels legacy,coop --dtype fp32,fp16 --storage bb,bt,tt
    gate_proof_if_slow
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
  reliability)  # issue 8 on a real driver: every variant under the layer, too large, timeout, lost, SIGINT
    run llama1b-all-variants-validation-layer --shapes llama1b.json --dtype fp32,fp16 --storage bb,bt,tt \
        --validation-layer --repetitions 20 --min-time 0 --max-time 1
    echo '{"name": "too-large", "shapes": [{"name": "huge", "n": 524288, "k": 524288},
          {"name": "q", "n": 2048, "k": 2048}]}' > "$out/too-large-shapes.json"
    run too-large --shapes "$out/too-large-shapes.json" --kernels legacy,coop
    echo '{"name": "timeout", "shapes": [{"name": "lm_head", "n": 128256, "k": 2048},
          {"name": "k", "n": 512, "k": 2048}]}' > "$out/gpu-timeout-shapes.json"
    run gpu-timeout --shapes "$out/gpu-timeout-shapes.json" --kernels legacy,coop --gpu-timeout 0.002 --cold-cache off --roofline off
    QGEMV_FAULT_DEVICE_LOST_AT_CASE=1 run device-lost --shapes smoke.json --kernels legacy,coop
    echo "+ qgemv-bench --shapes llama1b.json (SIGINT after 10 s)" | tee "$out/interrupted.cmd"
    "$bin" --shapes llama1b.json --out "$out/interrupted.json" --force > "$out/interrupted.txt" 2>&1 &
    pid=$!
    sleep 10
    kill -INT "$pid"
    set +e; wait "$pid"; rc=$?; set -e
    echo "exit $rc" | tee -a "$out/interrupted.cmd"
    ;;
  round2-a)  # schema 2: the default sweep, the reproduced kernels before/after, decode, explain
    # BEFORE: the previous release's binary; GLSLANG_V: this one built with -DQGEMV_REPRODUCED_GLSLC_O=OFF.
    run llama1b-cold --shapes llama1b.json
    [[ -n ${BEFORE:-} ]] && bin=$BEFORE run fidelity-before --shapes llama1b.json --kernels legacy,coop
    [[ -n ${GLSLANG_V:-} ]] && bin=$GLSLANG_V run fidelity-glslang-V --shapes llama1b.json --kernels legacy,coop
    run fidelity-tt --shapes llama1b.json --kernels legacy,coop --storage bb,tt
    run decode-llama1b decode --shapes llama1b.json --dtype fp32,fp16 --storage bb --profile
    run decode-qwen3-0.6b decode --shapes qwen3-0.6b.json --dtype fp32,fp16 --storage bb
    run explain explain
    ;;
  round2-b)  # decode of the larger models, the DRAM-bound sweep, baselines
    run decode-llama3b decode --shapes llama3b.json --dtype fp32,fp16 --storage bb
    run decode-llama8b decode --shapes llama8b.json --dtype fp32 --storage bb
    run large-cold --shapes large.json --dtype fp32,fp16
    run smoke-baseline --shapes smoke.json
    run llama1b-variants --shapes llama1b.json --kernels legacy,coop --dtype fp32,fp16 --storage bb,bt,tt
    gate_proof_if_slow
    ;;
  decode-clocks)  # issue 14: llama3b/8b coop's slow first repetitions, the warm-up floor, barrier placement
    # OLD: a build without the token warm-up floor (before issue 14's second round), to see the step
    # next to the clocks.
    if [[ -n ${OLD:-} ]]; then
      bin=$OLD clocked decode-llama3b-old decode --shapes llama3b.json --dtype fp32,fp16 --storage bb --repetitions 30
    fi
    clocked decode-llama3b decode --shapes llama3b.json --dtype fp32,fp16 --storage bb --repetitions 30
    clocked decode-llama8b decode --shapes llama8b.json --dtype fp32,fp16 --storage bb --repetitions 30
    clocked decode-llama3b-no-validate decode --shapes llama3b.json --dtype fp32 --storage bb --repetitions 30 --no-validate
    for mode in graph all none; do
      run "decode-llama1b-barriers-$mode" decode --shapes llama1b.json --dtype fp32 --storage bb --barriers "$mode" --profile
    done
    run decode-llama3b-barriers-all decode --shapes llama3b.json --dtype fp32 --storage bb --barriers all
    ;;
  round3)  # round 3's figures: every kernel (q4gsw_coop too), decode with graph barriers, texture tuning, the gate
    run llama1b-cold --shapes llama1b.json
    run large-cold --shapes large.json --dtype fp32,fp16
    for model in llama1b qwen3-0.6b llama3b llama8b; do
      run "decode-$model" decode --shapes "$model.json" --dtype fp32,fp16 --storage bb
    done
    run explain explain
    run large-textures-tuned --shapes large.json --kernels coop_tuned --dtype fp16 --storage bt,tt --tune \
        --tuning "$out/tuning-textures.json"
    gate_proof_if_slow
    ;;
  q4gsw)  # issue 13: ExecuTorch's current symmetric q4gsw_coop beside the qga4w shaders it replaced
    run llama1b-q4gsw --shapes llama1b.json --kernels legacy,coop,q4gsw_coop --dtype fp32,fp16 --storage bb,bt,tt
    run large-q4gsw --shapes large.json --kernels legacy,coop,q4gsw_coop
    run decode-llama1b-q4gsw decode --shapes llama1b.json --kernels legacy,coop,q4gsw_coop --storage bb --profile
    run explain-q4gsw explain --kernels coop,q4gsw_coop
    ;;
  *) echo "unknown set $set_name" >&2; exit 2 ;;
esac
