#!/bin/sh
# Runs inside the guest for `make bench`: load the module, run the bench,
# and send its JSON back to the host as a base64 tar stream on the third
# serial port (as guest-demo.sh does).
insmod /lib/modules/ptwalk.ko || exit 1
mkdir -p /tmp/bench
echo "# thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
echo "# cpus: $(nproc), mem: $(grep MemTotal /proc/meminfo)"
args=
[ "${ptwalk_bench_quick:-0}" = 1 ] && args=--quick
/bin/ptwalk_bench $args --json /tmp/bench/bench.json
rc=$?
tar -c -C /tmp/bench . | base64 >/dev/ttyS2
echo "==== end of export" >/dev/ttyS2
rmmod ptwalk || rc=1
exit $rc
