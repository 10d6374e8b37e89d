+ qgemv-bench --shapes llama1b.json --dtype fp32
exit 0 after 18 s
