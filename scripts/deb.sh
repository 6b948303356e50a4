#!/bin/bash
# Build the Debian packages from a clean copy of the tree (the files git
# tracks, as they are now, and new ones .gitignore does not exclude; no
# build products) in out/deb/src/, with
# dpkg-buildpackage -us -uc -b. Leaves ptwalk-dkms_VERSION_all.deb,
# ptwalk_VERSION_amd64.deb and the .changes/.buildinfo in out/deb/ and
# prints the paths of the two .debs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$PTWALK_OUT/deb
ver=$(bash -c '. "$1" && echo "$PACKAGE_VERSION"' _ "$PTWALK_TOP/dkms.conf")
[ -n "$ver" ] || die "no version in include/ptwalk/format.h"
src=$out/src/ptwalk-$ver
rm -rf "$out"
mkdir -p "$src"
(cd "$PTWALK_TOP" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
	cpio -0 -pdm --quiet "$src")
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed (log: $out/build.log)"
fi
for deb in "ptwalk-dkms_${ver}_all.deb" "ptwalk_${ver}_amd64.deb"; do
	[ -f "$out/src/$deb" ] || die "dpkg-buildpackage made no $deb"
done
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out/"
rm -rf "$out/src"
echo "$out/ptwalk-dkms_${ver}_all.deb"
echo "$out/ptwalk_${ver}_amd64.deb"
