+ qgemv-bench explain
exit 0 after 1 s
