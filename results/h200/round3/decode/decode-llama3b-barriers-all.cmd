+ qgemv-bench decode --shapes llama3b.json --dtype fp32 --storage bb --barriers all
exit 0 after 22 s
