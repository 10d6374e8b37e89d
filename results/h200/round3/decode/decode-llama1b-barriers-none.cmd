+ qgemv-bench decode --shapes llama1b.json --dtype fp32 --storage bb --barriers none --profile
exit 0 after 16 s
