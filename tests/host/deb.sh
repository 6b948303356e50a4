#!/bin/bash
# make deb (scripts/deb.sh) builds ptwalk-dkms_VERSION_all.deb and
# ptwalk_VERSION_amd64.deb from a clean copy of the tree, VERSION being
# include/ptwalk/format.h's; lintian reports nothing down to pedantic level on
# either (overrides shown, so none hides); each holds what it must.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

fail() { echo "deb: $*" >&2; exit 1; }
ver=$(bash -c '. "$1" && echo "$PACKAGE_VERSION"' _ "$PTWALK_TOP/dkms.conf")
debs=$(make -s -C "$PTWALK_TOP" deb) || fail "make deb failed"
dkms_deb=$PTWALK_OUT/deb/ptwalk-dkms_${ver}_all.deb
tool_deb=$PTWALK_OUT/deb/ptwalk_${ver}_amd64.deb
[ "$debs" = "$dkms_deb"$'\n'"$tool_deb" ] || fail "make deb made: $debs"

out=$(lintian --pedantic --display-info --show-overrides \
	--fail-on error,warning,info,pedantic "$dkms_deb" "$tool_deb" 2>&1)
lrc=$?
out=$(echo "$out" | grep -v '^running with root privileges is not recommended!$')
[ $lrc = 0 ] && [ -z "$out" ] || { echo "$out" >&2; fail "lintian (exit $lrc): tags above"; }

contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./|/|'; }
src=/usr/src/ptwalk-$ver
for f in $src/dkms.conf $src/Makefile $src/Kbuild $src/include/ptwalk/format.h $src/module/ptwalk.h $src/module/main.c; do
	contents "$dkms_deb" | grep -qx "$f" || fail "ptwalk-dkms lacks $f"
done
[ "$(contents "$dkms_deb" | grep -c "^$src/module/.*\.[ch]$")" = \
  "$(ls "$PTWALK_TOP"/module/*.[ch] | wc -l)" ] || fail "ptwalk-dkms lacks module sources"
dpkg-deb -I "$dkms_deb" postinst | grep -q "^DKMS_VERSION=$ver$" ||
	fail "ptwalk-dkms's postinst does not register version $ver with DKMS"
dpkg-deb -f "$dkms_deb" Depends | grep -q dkms || fail "ptwalk-dkms does not depend on dkms"
for f in /usr/bin/ptwalk /usr/share/man/man1/ptwalk.1.gz /usr/share/man/man4/ptwalk.4.gz \
	/usr/share/doc/ptwalk/interface.md.gz /usr/share/doc/ptwalk/tool.md.gz \
	/usr/share/doc/ptwalk/json.md.gz /usr/share/doc/ptwalk/README.md.gz; do
	contents "$tool_deb" | grep -qx "$f" || fail "ptwalk lacks $f"
done
echo "deb: ${dkms_deb##*/} and ${tool_deb##*/} built, lintian clean"
