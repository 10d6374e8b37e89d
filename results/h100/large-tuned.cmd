+ qgemv-bench --shapes large.json --tune --tuning /tmp/r/tuning.json
exit 0 after 16 s
