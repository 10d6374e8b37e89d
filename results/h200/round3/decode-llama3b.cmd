+ qgemv-bench decode --shapes llama3b.json --dtype fp32,fp16 --storage bb
exit 0 after 56 s
