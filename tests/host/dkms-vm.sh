#!/bin/bash
# The ptwalk.ko that DKMS built for 6.12 (tests/host/dkms.sh) loads in a
# 6.12 guest and passes module_test there (load, unload, reload, rmmod with
# a file open). Needs the tool and tests built and the kernel images
# provisioned, as for the VM matrix.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

rel=$(kernel_release 6.12)
ko=$PTWALK_OUT/dkms/ptwalk-$rel.ko
[ -f "$ko" ] || { echo "dkms-vm: no $ko (tests/host/dkms.sh makes it)" >&2; exit 1; }
[ -x "$PTWALK_TOP/tests/module_test" ] ||
	{ echo "dkms-vm: tests not built (make tests)" >&2; exit 1; }
dir=$PTWALK_OUT/host/dkms-vm
PTWALK_VM_KO=$ko TESTS=module_test "$PTWALK_TOP/scripts/vm-run.sh" 6.12 4 off test "$dir" ||
	exit 1
grep -q '^# ptwalk-run: end module_test rc=0$' "$dir/results.txt" ||
	{ echo "dkms-vm: module_test did not pass" >&2; exit 1; }
echo "dkms-vm: DKMS's 6.12 module passed module_test in a 6.12 guest ($(cat "$dir/summary" | head -n1))"
