+ qgemv-bench --shapes /tmp/r/h200/too-large-shapes.json --kernels legacy,coop
exit 0 after 2 s
