+ bash exp6.sh (results/h200/round4/kernel/exp6.sh.txt): qgemv-bench --shapes llama1b.json --dtype fp32 --tuning tune-llama1b.json
run 2026-12-02
