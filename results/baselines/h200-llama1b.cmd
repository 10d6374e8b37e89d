+ qgemv-bench --shapes llama1b.json --kernels legacy,coop --dtype fp32,fp16 --storage bb,bt,tt
exit 0 after 46 s
