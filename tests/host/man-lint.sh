#!/bin/bash
# Both man pages are clean under mandoc -Tlint (every message level down to
# style) and render as text without complaint from man(1)'s formatter.
# Two kinds of style message say only which manuals this machine has
# installed and indexed, not what the page says, and are left out: an .Xr
# to a page not installed here ("referenced manual not found": ptwalk(1)
# itself before make install, or any page on a machine without manuals) and
# a stale system mandoc.db ("outdated mandoc.db").
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

command -v mandoc >/dev/null || { echo "man-lint: mandoc missing (scripts/provision.sh)" >&2; exit 1; }
rc=0
for page in "$PTWALK_TOP"/man/ptwalk.[0-9]; do
	out=$(mandoc -Tlint -Wstyle "$page" 2>&1 |
		grep -vE 'STYLE: referenced manual not found|outdated mandoc\.db lacks')
	if [ -n "$out" ]; then
		echo "$out" >&2
		echo "man-lint: ${page#"$PTWALK_TOP"/}: mandoc -Tlint findings above" >&2
		rc=1
	fi
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	if [ -n "$out" ]; then
		echo "$out" >&2
		echo "man-lint: ${page#"$PTWALK_TOP"/}: man --warnings (groff) findings above" >&2
		rc=1
	fi
done
[ $rc = 0 ] && echo "man-lint: mandoc -Tlint and groff clean: $(cd "$PTWALK_TOP" && echo man/ptwalk.[0-9])"
exit $rc
