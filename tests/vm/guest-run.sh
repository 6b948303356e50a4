#!/bin/sh
# Runs inside the guest: every test binary in order, each bracketed by marker
# lines the host parses (begin/end with the exit status). module_test runs
# first: it loads, unloads and reloads the module and leaves it loaded.
KO=/lib/modules/ptwalk.ko
export PTWALK_KO=$KO
rc=0
# The test-only oracle module (tests/helper/) answers with the kernel's own
# helpers; tests that need it skip with a reason when it is missing.
ORACLE=/lib/modules/ptwalk_oracle.ko
[ -f $ORACLE ] && { insmod $ORACLE || rc=1; }
for t in /tests/module_test /tests/*_test; do
	[ -x "$t" ] || continue
	name=${t##*/}
	case " $done " in *" $name "*) continue ;; esac
	done="$done $name"
	[ -d /proc/ptwalk ] || [ "$name" = module_test ] || insmod "$KO"
	echo "# ptwalk-run: begin $name"
	timeout -s KILL "${PTWALK_TEST_TIMEOUT:-600}" "$t"
	trc=$?
	echo "# ptwalk-run: end $name rc=$trc"
	# kselftest: 0 pass, 4 all skipped; anything else is a failure.
	[ $trc -eq 0 ] || [ $trc -eq 4 ] || rc=1
done
if [ -d /proc/ptwalk ]; then
	rmmod ptwalk || rc=1
fi
[ -d /proc/ptwalk ] && { echo "# ptwalk-run: /proc/ptwalk left after rmmod"; rc=1; }
[ -f $ORACLE ] && { rmmod ptwalk_oracle || rc=1; }
exit $rc
