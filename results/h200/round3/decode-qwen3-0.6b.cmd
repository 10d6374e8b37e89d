+ qgemv-bench decode --shapes qwen3-0.6b.json --dtype fp32,fp16 --storage bb
exit 0 after 44 s
