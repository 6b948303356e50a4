#!/bin/bash
# The host-side tests of tests/host/ (packaging, man pages, install, the
# explorer and trace pages in a browser), none
# of which loads anything on the host. Each prints one line of what it
# checked on success and its reasons on failure; its whole output is kept
# in out/host/NAME.log. Exit status 0 is a pass, 4 a skip, any other a
# failure. HOST_TESTS="man-lint deb" runs only those, in the order given.
# Writes out/host/summary ("pass=N fail=N skip=N secs=N"), which
# scripts/check.sh adds to its count, and exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# deb makes the packages dkms unpacks; dkms builds the module dkms-vm boots.
HOST_TESTS=${HOST_TESTS:-install man-lint man-interface man-tool explorer trace_page deb dkms dkms-vm}
dir=$PTWALK_OUT/host
mkdir -p "$dir"
rm -f "$dir"/*.log "$dir/summary"
pass=0 fail=0 skip=0 start=$(now)
for t in $HOST_TESTS; do
	t0=$(now)
	"$PTWALK_TOP/tests/host/$t.sh" >"$dir/$t.log" 2>&1
	rc=$?
	secs=$(($(now) - t0))
	case $rc in
	0) pass=$((pass + 1)); res=passed ;;
	4) skip=$((skip + 1)); res=skipped ;;
	*) fail=$((fail + 1)); res=failed ;;
	esac
	printf 'host %-14s %s (%ss)\n' "$t" "$res" "$secs"
	if [ $rc = 0 ]; then
		tail -n 1 "$dir/$t.log" | sed 's/^/    /'
	else
		tail -n 20 "$dir/$t.log" | sed 's/^/    /'
	fi
done
echo "pass=$pass fail=$fail skip=$skip secs=$(($(now) - start))" >"$dir/summary"
[ $fail = 0 ]
