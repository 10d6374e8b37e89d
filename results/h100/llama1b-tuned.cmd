+ qgemv-bench --shapes llama1b.json --tune --tuning /tmp/r/tuning.json
exit 0 after 48 s
