+ qgemv-bench --shapes llama1b.json --kernels legacy,coop
exit 0 after 8 s
