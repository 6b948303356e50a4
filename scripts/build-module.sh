#!/bin/bash
# Build the module (and the test helper module) for one kernel flavour in its
# own directory under out/build/, so flavours never share object files.
# Prints the build directory. Fails on any warning (W=1) or undefined symbol.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=$1
rel=$(kernel_release "$flavour")
kdir=$(kernel_kdir "$flavour")
[ -f "$kdir/Makefile" ] || die "no headers at $kdir; run scripts/provision.sh"
bdir=$PTWALK_OUT/build/$rel
mkdir -p "$bdir"
# Copy only what changed, so a rebuild is incremental.
cp -u "$PTWALK_TOP/Kbuild" "$bdir/"
for d in include/ptwalk module tests/helper; do
	[ -d "$PTWALK_TOP/$d" ] || continue
	mkdir -p "$bdir/$d"
	cp -u "$PTWALK_TOP/$d"/*.[ch] "$bdir/$d/" 2>/dev/null || true
done
helper=
[ -d "$PTWALK_TOP/tests/helper" ] && helper=CONFIG_PTWALK_TEST_HELPER=m
logf=$bdir/build.log
if ! make -C "$kdir" M="$bdir" W=1 $helper -j2 modules >"$logf" 2>&1; then
	cat "$logf" >&2
	die "module build failed for $rel"
fi
if grep -E 'undefined!|warning:' "$logf" >&2; then
	die "module build for $rel has warnings or undefined symbols"
fi
echo "$bdir"
