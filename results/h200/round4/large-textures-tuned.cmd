+ bash exp7.sh (results/h200/round4/kernel/exp7.sh.txt): qgemv-bench --shapes large.json --filter lm_head_4096 --kernels coop_tuned --dtype fp16 --storage bt,tt --tune --tuning tune-textures.json
exit 0 after 116 s
