+ qgemv-bench --shapes llama1b.json --kernels legacy,coop
exit 0 after 10 s
