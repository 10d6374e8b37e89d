+ qgemv-bench decode --shapes llama1b.json --dtype fp32,fp16 --storage bb
exit 0 after 41 s
