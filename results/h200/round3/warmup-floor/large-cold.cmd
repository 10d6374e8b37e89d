+ qgemv-bench --shapes large.json --dtype fp32
exit 0 after 13 s
