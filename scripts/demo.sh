#!/bin/bash
# `make demo`: provision, build, boot Debian's 6.12 kernel with 5-level
# paging, run `ptwalk demo` inside, print its output here and bring its
# JSON and SVG files back into out/demo/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KERNEL=${KERNEL:-6.12} PAGING=${PAGING:-5} PTI=${PTI:-off}
"$PTWALK_TOP/scripts/provision.sh" || die "provisioning failed"
make -C "$PTWALK_TOP" -s -j2 tool >&2 || die "building the tool failed"
"$PTWALK_TOP/scripts/build-module.sh" "$KERNEL" >/dev/null || die "module build failed"
outdir=$PTWALK_OUT/demo
mkdir -p "$outdir"
# Only this run's files: an old step-N.json would read as this run's.
find "$outdir" -maxdepth 1 -type f \( -name '*.json' -o -name '*.svg' \) -delete
"$PTWALK_TOP/scripts/vm-run.sh" "$KERNEL" "$PAGING" "$PTI" demo "$outdir/vm"
rc=$?
grep -av -E '^(PTWALK-DONE|# ptwalk-vm:)' "$outdir/vm/results.txt"
if grep -aq '^==== end of export' "$outdir/vm/export.b64"; then
	sed '/^==== end of export/,$d' "$outdir/vm/export.b64" | tr -d '\r' |
		base64 -d | tar -x -C "$outdir" && log "demo files in $outdir:" &&
		(cd "$outdir" && find . -maxdepth 1 -type f | sed 's|^\./|  |' >&2)
fi
exit $rc
