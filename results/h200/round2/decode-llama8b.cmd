+ qgemv-bench decode --shapes llama8b.json --dtype fp32 --storage bb
exit 0 after 29 s
