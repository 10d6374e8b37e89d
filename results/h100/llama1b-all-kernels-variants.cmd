+ qgemv-bench --shapes llama1b.json --dtype fp32,fp16 --storage bb,bt,tt --out llama1b-all-kernels-variants.json --quiet
all kernels: exit 0 after 75 s
