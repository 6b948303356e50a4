#!/bin/bash
# `make demo`: provision, build, boot Debian's 6.12 kernel with 5-level
# paging, run `ptwalk demo` inside, print its output here and bring its
# JSON, SVG and HTML files back into out/demo/ (explorer.html: ptwalk html).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KERNEL=${KERNEL:-6.12} PAGING=${PAGING:-5} PTI=${PTI:-off}
t0=$(now)
"$PTWALK_TOP/scripts/provision.sh" || die "provisioning failed"
log "phase provision: $(($(now) - t0))s"
t0=$(now)
quietly build-tool make -C "$PTWALK_TOP" -j2 tool || die "building the tool failed"
quietly "build-module-$KERNEL" "$PTWALK_TOP/scripts/build-module.sh" "$KERNEL" ||
	die "module build failed"
log "phase build: $(($(now) - t0))s"
log "phase demo: booting $KERNEL (${PAGING}-level paging, pti=$PTI) and running ptwalk demo"
outdir=$PTWALK_OUT/demo
mkdir -p "$outdir"
# Only this run's files: an old step-N.json would read as this run's.
find "$outdir" -maxdepth 1 -type f \( -name '*.json' -o -name '*.svg' -o -name '*.html' \) -delete
rm -rf "$outdir/json"
"$PTWALK_TOP/scripts/vm-run.sh" "$KERNEL" "$PAGING" "$PTI" demo "$outdir/vm"
rc=$?
grep -av -E '^(PTWALK-DONE|# ptwalk-vm:)' "$outdir/vm/results.txt"
if grep -aq '^==== end of export' "$outdir/vm/export.b64"; then
	sed '/^==== end of export/,$d' "$outdir/vm/export.b64" | tr -d '\r' |
		base64 -d | tar -x -C "$outdir" && log "demo files in $outdir:" &&
		(cd "$outdir" && find . -maxdepth 1 -type f | sed 's|^\./|  |' >&2)
fi
exit $rc
