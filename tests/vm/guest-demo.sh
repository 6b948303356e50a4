#!/bin/sh
# Runs inside the guest for `make demo`: load the module, run the tool's
# demo and its explorer page, and send the files (JSON, SVG, HTML) back to the host as a
# base64 tar stream on the third serial port.
# Plain text: the output goes to a serial log, not a terminal.
export NO_COLOR=1
insmod /lib/modules/ptwalk.ko || exit 1
mkdir -p /tmp/demo
cd /tmp/demo || exit 1
# Swap on zram (Debian's module, /lib/modules/extra) for demo step 13's
# MADV_PAGEOUT; without it the step skips that experiment and says why.
if [ -s /lib/modules/extra/load-order ]; then
	while read -r m; do
		insmod "/lib/modules/extra/$m.ko" 2>/dev/null
	done </lib/modules/extra/load-order
fi
[ -w /sys/block/zram0/disksize ] && echo 64M >/sys/block/zram0/disksize &&
	mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 ||
	echo "demo: no swap on zram; step 13 skips its swap experiment"
/bin/ptwalk demo --out /tmp/demo
rc=$?
# The explorer page of this shell (a process other than the tool).
/bin/ptwalk html $$ -o /tmp/demo/explorer.html || rc=1

# One --json document per command in json/, for scripts/json-check.sh on
# the host. A command that fails leaves an empty file (the checker reports
# it invalid) and a line here; it does not change the demo's status.
mkdir -p /tmp/demo/json
jdoc() {
	name=$1
	shift
	/bin/ptwalk "$@" >"json/$name.json"
	jrc=$?
	# demo exits 1 for an unexpected outcome; its document is still whole.
	[ $jrc -eq 0 ] || { [ "$1" = demo ] && [ $jrc -eq 1 ]; } && return 0
	echo "json: FAILED ptwalk $* (exit $jrc): json/$name.json left empty"
	: >"json/$name.json"
}
sleep 60 &
other=$!
# A mapped address of this shell (its first VMA) and one that is not.
va=$(head -n 1 /proc/$$/maps | cut -d- -f1)
jdoc info info --json
jdoc maps maps --json
jdoc maps-nonpresent maps --json --nonpresent
jdoc maps-pid maps --json "$other"
jdoc walk walk --json "$$" "0x$va"
jdoc walk-self-unmapped walk --json self 0x1000
jdoc walk-kernel walk --json kernel kernel-text
jdoc walk-kernel-user-half walk --json kernel 0x1000
jdoc whatis whatis --json kernel-text
jdoc whatis-user whatis --json 0x1000
jdoc kernel kernel --json
jdoc sharing sharing --json
jdoc tables tables --json
jdoc tables-pid tables --json "$other"
jdoc alloc alloc --json kmalloc 100 kmalloc 64 3 pages 2 vmalloc 12K
jdoc frames frames --json "$$" "$other"
jdoc html html --json "$other" -o /tmp/explorer-other.html
# JSON lines: a command's faults and page-table changes, to its exit.
/bin/ptwalk trace --json -- /bin/sh -c 'x=$(ls /); echo "$x" >/dev/null' >json/trace.jsonl ||
	{ echo "json: FAILED ptwalk trace --json"; : >json/trace.jsonl; }
# The same with -o (the lines to a file, the timeline to stdout) and the
# step-through page, whose embedded document json-check checks too.
/bin/ptwalk trace -o json/trace-o.jsonl --html /tmp/demo/trace.html -- \
	/bin/sh -c 'x=$(ls /); echo "$x" >/dev/null' >/tmp/demo/trace.txt ||
	{ echo "json: FAILED ptwalk trace -o --html"; : >json/trace-o.jsonl; }
# The demo document (the step files above are demo-step documents): the
# quick steps, including the ones with sharing (9) and alloc (10) members.
jdoc demo demo --json 1 3 9 10
kill "$other" 2>/dev/null
wait "$other" 2>/dev/null

tar -c -C /tmp/demo . | base64 >/dev/ttyS2
echo "==== end of export" >/dev/ttyS2
exit $rc
