+ qgemv-bench --shapes smoke.json --kernels legacy,coop
exit 1 after 8 s
