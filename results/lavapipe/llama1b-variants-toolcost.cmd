+ qgemv-bench --shapes llama1b.json --kernels legacy,coop --dtype fp32,fp16 --storage bb,bt,tt --out llama1b-variants-toolcost.json --quiet
exit 0 after 214 s
