+ qgemv-bench decode --shapes llama1b.json --dtype fp32,fp16 --storage bb --profile
exit 0 after 26 s
