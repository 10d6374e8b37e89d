+ qgemv-bench --shapes large.json --kernels coop_tuned --dtype fp16 --storage bt,tt --tune --tuning /root/out/round3/tuning-textures.json
exit 0 after 116 s
