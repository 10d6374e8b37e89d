+ qgemv-bench --shapes smoke.json
exit 0 after 15 s
