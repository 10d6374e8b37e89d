+ qgemv-bench decode --shapes llama3b.json --dtype fp32 --storage bb --repetitions 30 --no-validate
exit 0 after 30 s
