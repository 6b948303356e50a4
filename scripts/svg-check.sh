#!/bin/bash
# Render SVG files in headless Chromium and fail if any does not render.
#   scripts/svg-check.sh [--install] [--demo] [FILE.svg|DIR]...
# With no files: the pictures of the last `make demo` ($PTWALK_OUT/demo).
#   --install  install Debian's chromium first if missing (idempotent)
#   --demo     run the demo VM first (scripts/demo.sh) to make the pictures
# Each picture is rendered to a PNG of the SVG's own size in a temporary
# directory; Chromium must exit 0 and write a non-trivial PNG within a
# minute. Exit 0 all rendered, 1 a failure, 4 Chromium is missing and
# could not be installed (the caller decides whether that is a skip).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

install=0 demo=0
while [ $# -gt 0 ]; do
	case $1 in
	--install) install=1 ;;
	--demo) demo=1 ;;
	*) break ;;
	esac
	shift
done

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ] && [ $install = 1 ]; then
	apt_install svg-check chromium
	chromium=$(command -v chromium || true)
fi
[ -n "$chromium" ] || { log "svg-check: chromium is not installed"; exit 4; }
if [ $demo = 1 ]; then
	"$PTWALK_TOP/scripts/demo.sh" >"$PTWALK_OUT/svg-check-demo.log" 2>&1 ||
		{ log "svg-check: the demo VM failed (see $PTWALK_OUT/svg-check-demo.log)"; exit 1; }
fi

files=()
[ $# -eq 0 ] && set -- "$PTWALK_OUT/demo"
for arg in "$@"; do
	if [ -d "$arg" ]; then
		while IFS= read -r f; do files+=("$f"); done < <(find "$arg" -maxdepth 1 -name '*.svg' | sort)
	else
		files+=("$arg")
	fi
done
[ ${#files[@]} -gt 0 ] || die "svg-check: no SVG files in $*"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for svg in "${files[@]}"; do
	name=$(basename "$svg" .svg)
	# The root element's size becomes the window size, so nothing is cut.
	w=$(grep -o -m1 '<svg [^>]*width="[0-9]*"' "$svg" | sed 's/.*width="\([0-9]*\)"/\1/')
	h=$(grep -o -m1 '<svg [^>]*height="[0-9]*"' "$svg" | sed 's/.*height="\([0-9]*\)"/\1/')
	[ -n "$w" ] && [ -n "$h" ] || { log "svg-check: $svg: no width/height on <svg>"; failed=1; continue; }
	[ "$h" -gt 16000 ] && h=16000
	png=$tmp/$name.png
	timeout -k 5 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --hide-scrollbars --user-data-dir="$tmp/profile-$name" \
		--window-size="$w,$h" --screenshot="$png" "file://$(realpath "$svg")" \
		>"$tmp/$name.log" 2>&1
	rc=$?
	size=$(stat -c %s "$png" 2>/dev/null || echo 0)
	if [ $rc -ne 0 ] || [ "$size" -lt 2048 ]; then
		log "svg-check: FAILED $svg (chromium rc=$rc, png $size bytes)"
		tail -n 5 "$tmp/$name.log" >&2
		failed=1
		continue
	fi
	[ -n "${SVG_CHECK_KEEP:-}" ] && cp "$png" "${SVG_CHECK_KEEP}/"
	log "svg-check: ok $svg (${w}x${h}, png $size bytes)"
done
exit $failed
