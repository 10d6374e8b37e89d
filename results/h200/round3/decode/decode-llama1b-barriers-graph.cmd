+ qgemv-bench decode --shapes llama1b.json --dtype fp32 --storage bb --barriers graph --profile
exit 0 after 17 s
