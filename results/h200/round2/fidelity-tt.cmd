+ qgemv-bench --shapes llama1b.json --kernels legacy,coop --storage bb,tt
exit 0 after 14 s
