+ bash exp6.sh (results/h200/round4/kernel/exp6.sh.txt): qgemv-bench --shapes large.json --dtype fp32,fp16 --tuning tune-large.json
run 2026-12-02
