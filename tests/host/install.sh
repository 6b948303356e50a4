#!/bin/bash
# make install DESTDIR=… PREFIX=… puts exactly the files README.md lists
# (its "PREFIX/…" lines) in place, with their modes, and make uninstall
# removes every one of them: no file or link is left under DESTDIR.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root prefix=/opt/ptwalk-test
fail() { echo "install: $*" >&2; exit 1; }

sed -n 's|^PREFIX/\([^ ]*\).*|\1|p' "$PTWALK_TOP/README.md" | sort >"$tmp/documented"
[ -s "$tmp/documented" ] || fail "README.md lists no PREFIX/… files"
make -s -C "$PTWALK_TOP" install DESTDIR="$dest" PREFIX="$prefix" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; fail "make install failed"; }
(cd "$dest$prefix" 2>/dev/null && find . \( -type f -o -type l \) | sed 's|^\./||' | sort) >"$tmp/installed"
[ -z "$(cd "$dest" && find . \( -type f -o -type l \) ! -path ".$prefix/*")" ] ||
	fail "files outside PREFIX: $(cd "$dest" && find . -type f ! -path ".$prefix/*")"
diff -u "$tmp/documented" "$tmp/installed" >&2 ||
	fail "installed files differ from README.md's list (- documented, + installed)"
[ "$(stat -c %a "$dest$prefix/bin/ptwalk")" = 755 ] || fail "bin/ptwalk is not 0755"
for f in "$dest$prefix"/share/man/man*/*; do
	[ "$(stat -c %a "$f")" = 644 ] || fail "${f#"$dest"} is not 0644"
	cmp -s "$f" "$PTWALK_TOP/man/${f##*/}" || fail "${f#"$dest"} differs from man/${f##*/}"
done
"$dest$prefix/bin/ptwalk" --help >/dev/null || fail "the installed ptwalk --help failed"

make -s -C "$PTWALK_TOP" uninstall DESTDIR="$dest" PREFIX="$prefix" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; fail "make uninstall failed"; }
left=$(cd "$dest" && find . \( -type f -o -type l \))
[ -z "$left" ] || fail "left after make uninstall: $left"
echo "install: $(wc -l <"$tmp/documented") files installed under DESTDIR/PREFIX and uninstalled"
