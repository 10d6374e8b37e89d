+ qgemv-bench decode --shapes llama8b.json --dtype fp32,fp16 --storage bb
exit 0 after 89 s
