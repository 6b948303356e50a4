#!/bin/sh
# Runs inside the guest for `make demo`: load the module, run the tool's
# demo and its explorer page, and send the files (JSON, SVG, HTML) back to the host as a
# base64 tar stream on the third serial port.
# Plain text: the output goes to a serial log, not a terminal.
export NO_COLOR=1
insmod /lib/modules/ptwalk.ko || exit 1
mkdir -p /tmp/demo
cd /tmp/demo || exit 1
/bin/ptwalk demo --out /tmp/demo
rc=$?
# The explorer page of this shell (a process other than the tool).
/bin/ptwalk html $$ -o /tmp/demo/explorer.html || rc=1
tar -c -C /tmp/demo . | base64 >/dev/ttyS2
echo "==== end of export" >/dev/ttyS2
exit $rc
