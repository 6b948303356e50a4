#!/bin/bash
# checkpatch.pl --strict (from linux-source-6.12) on the module sources, and
# sparse (make C=2) on the module for every kernel flavour. Any finding fails.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$PTWALK_TOP/scripts/provision.sh" >/dev/null || die "provisioning failed"
rc=0
# A fresh clone has no out/ yet: the log must be writable, or checkpatch
# would never run and the lint would look clean.
mkdir -p "$PTWALK_OUT"
files=$(cd "$PTWALK_TOP" && ls include/ptwalk/*.h module/*.[ch] tests/helper/*.[ch] 2>/dev/null | grep -v "\.mod\.c$")
# --no-tree: we are not inside a kernel tree; spelling.txt and
# const_structs.checkpatch sit beside checkpatch.pl in the cache.
if ! (cd "$PTWALK_TOP" && perl "$CHECKPATCH" --strict --no-tree --terse \
	--show-types --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
	--max-line-length=100 -f $files) >"$PTWALK_OUT/checkpatch.log" 2>&1; then
	cat "$PTWALK_OUT/checkpatch.log"
	log "checkpatch: findings above"
	rc=1
else
	log "checkpatch --strict: clean ($(echo $files | wc -w) files)"
fi

for k in ${KERNELS:-6.1 6.12}; do
	bdir=$("$PTWALK_TOP/scripts/build-module.sh" "$k") || { rc=1; continue; }
	kdir=$(kernel_kdir "$k")
	out=$(make -C "$kdir" M="$bdir" C=2 CHECK=sparse \
		$([ -d "$PTWALK_TOP/tests/helper" ] && echo CONFIG_PTWALK_TEST_HELPER=m) \
		modules 2>&1 | grep -E '^[^ ].*: (warning|error):')
	if [ -n "$out" ]; then
		echo "$out"
		log "sparse on $k: findings above"
		rc=1
	else
		log "sparse on $k: clean"
	fi
done
exit $rc
