#!/bin/sh
# Runs inside the guest: every test binary in order, each bracketed by marker
# lines the host parses (begin/end with the exit status). module_test runs
# first: it loads, unloads and reloads the module and leaves it loaded.
# On a kernel with kmemleak (the debug kernel) the suite ends with two leak
# scans, one with the modules still loaded (their symbols name the
# backtraces) and one after rmmod, each between "# ptwalk-kmemleak:" markers
# for the host (scripts/vm-run.sh) to judge.
KO=/lib/modules/ptwalk.ko
export PTWALK_KO=$KO
rc=0
# The debug kernel (KASAN, lockdep) runs an order of magnitude slower under
# TCG: every test's timeout, and each binary's, scale with it, so that a
# verdict does not depend on the kernel's speed (tests/lib/harness_main.h).
scale=1
dmesg | grep -q 'KernelAddressSanitizer initialized' && scale=10
export PTWALK_TIMEOUT_SCALE=$scale
echo "# ptwalk-run: timeouts scaled by $scale"
# The test-only oracle module (tests/helper/) answers with the kernel's own
# helpers; tests that need it skip with a reason when it is missing.
ORACLE=/lib/modules/ptwalk_oracle.ko
[ -f $ORACLE ] && { insmod $ORACLE || rc=1; }
for t in /tests/module_test /tests/*_test; do
	[ -x "$t" ] || continue
	name=${t##*/}
	case " $done " in *" $name "*) continue ;; esac
	done="$done $name"
	# The fuzz and the soak run only when given a budget (FUZZ_S,
	# SOAK_S from the kernel command line: scripts/vm-run.sh).
	case $name in
	fuzz_test) [ "${FUZZ_S:-0}" != 0 ] || continue ;;
	soak_test) [ "${SOAK_S:-0}" != 0 ] || continue ;;
	esac
	[ -d /proc/ptwalk ] || [ "$name" = module_test ] || insmod "$KO"
	echo "# ptwalk-run: begin $name"
	timeout -s KILL $((${PTWALK_TEST_TIMEOUT:-600} * (scale > 1 ? 3 : 1))) "$t"
	trc=$?
	echo "# ptwalk-run: end $name rc=$trc"
	# kselftest: 0 pass, 4 all skipped; anything else is a failure.
	[ $trc -eq 0 ] || [ $trc -eq 4 ] || rc=1
done

# kmemleak reports an object unreferenced for 5 s at a scan: scan, wait,
# scan again, then list what is suspected.
kmemleak_scan() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	echo "# ptwalk-kmemleak: begin $1"
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
	echo "# ptwalk-kmemleak: end $1"
}
kmemleak_scan loaded
if [ -d /proc/ptwalk ]; then
	rmmod ptwalk || rc=1
fi
[ -d /proc/ptwalk ] && { echo "# ptwalk-run: /proc/ptwalk left after rmmod"; rc=1; }
[ -f $ORACLE ] && { rmmod ptwalk_oracle || rc=1; }
kmemleak_scan unloaded
exit $rc
