+ qgemv-bench --shapes llama1b.json (SIGINT after 10 s)
exit 130
