+ qgemv-bench --shapes large.json --dtype fp32,fp16
exit 0 after 20 s
