+ qgemv-bench --shapes llama1b.json --dtype fp32,fp16 --storage bb,bt,tt --validation-layer --repetitions 20 --min-time 0 --max-time 1
exit 0 after 30 s
