+ qgemv-bench --shapes smoke.json --kernels legacy,coop --repetitions 100
exit 0 after 22 s
