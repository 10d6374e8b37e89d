+ qgemv-bench decode --shapes llama1b.json --dtype fp32 --storage bb --barriers all --profile
exit 0 after 15 s
