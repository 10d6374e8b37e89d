+ qgemv-bench --shapes llama1b.json
exit 0 after 17 s
