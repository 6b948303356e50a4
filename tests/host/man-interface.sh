#!/bin/bash
# ptwalk(4) and docs/interface.md do not drift: both are read mechanically
# (interface-md.awk, interface-mdoc.awk) into facts, and the files with
# their modes, the format lines, the requests and the errnos of each file
# must be the same; every output line (key) that docs/interface.md shows
# must be described by an .It entry of the page's section for that file.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

here=$PTWALK_TOP/tests/host
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -f "$here/interface-md.awk" "$PTWALK_TOP/docs/interface.md" | sort -u >"$tmp/md"
awk -f "$here/interface-mdoc.awk" "$PTWALK_TOP/man/ptwalk.4" | sort -u >"$tmp/man"
rc=0
for kind in file format request errno; do
	[ -n "$(grep "^$kind " "$tmp/md")" ] ||
		{ echo "man-interface: no $kind facts read from docs/interface.md" >&2; rc=1; }
done
if ! diff -u <(grep -v '^line ' "$tmp/md") <(grep -v '^line ' "$tmp/man") \
	>"$tmp/diff"; then
	sed '1,2d; s/^-/  only in docs\/interface.md: /; s/^+/  only in man\/ptwalk.4:     /' \
		"$tmp/diff" | grep -E '^  only' >&2
	echo "man-interface: files, formats, requests or errnos differ (above)" >&2
	rc=1
fi
missing=$(comm -23 <(grep '^line ' "$tmp/md") <(grep '^line ' "$tmp/man"))
if [ -n "$missing" ]; then
	echo "$missing" | sed 's/^line /  undescribed in man\/ptwalk.4: /' >&2
	echo "man-interface: output lines docs/interface.md shows lack an .It in ptwalk(4)" >&2
	rc=1
fi
[ $rc = 0 ] && echo "man-interface: ptwalk(4) matches docs/interface.md:" \
	"$(for k in file format request errno line; do
		printf '%s %s, ' "$(grep -c "^$k " "$tmp/md")" "$k"; done | sed 's/, $//')"
exit $rc
