+ qgemv-bench decode --shapes llama3b.json --dtype fp32,fp16 --storage bb --repetitions 30
exit 0 after 62 s
