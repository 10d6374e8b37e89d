+ qgemv-bench --shapes /tmp/r/h200/gpu-timeout-shapes.json --kernels legacy,coop --gpu-timeout 0.002 --cold-cache off --roofline off
exit 1 after 3 s
