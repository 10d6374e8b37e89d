+ qgemv-bench decode --shapes llama8b.json --dtype fp16 --storage bb
exit 0
