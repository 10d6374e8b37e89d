+ qgemv-bench --shapes large.json
exit 0 after 10 s
