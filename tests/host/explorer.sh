#!/bin/bash
# The explorer page (ptwalk html) in headless Chromium, driven by Debian's
# chromium-driver through python3-selenium (tests/host/explorer_browser.py):
# click a region, walk a run and a typed address through every level, the
# PA shown equal to the module's walk embedded in the page, no console
# error, the embedded SVGs well-formed and rendered.
# Pages: tests/host/fixtures/explorer-data.json (the data of make demo's
# explorer.html from a 6.12 5-level VM, its walks trimmed to keep the file
# small: the first page of every VMA and run plus 16 more, walks_complete
# false) in the current user/explorer.html, so that the page's code under
# test is always the tree's; and the last `make demo`'s
# out/demo/explorer.html, with its SVGs, when there is one.
# Screenshots in out/host/explorer/. Skips (4) without the packages.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

out=$PTWALK_OUT/host/explorer
chromium=${CHROMIUM:-/usr/bin/chromium}
driver=${CHROMEDRIVER:-/usr/bin/chromedriver}
# Debian's python3, which python3-selenium installs into (not a pyenv one).
python=${PYTHON:-/usr/bin/python3}
for f in "$chromium" "$driver"; do
	[ -x "$f" ] || { echo "explorer: skipped: $f missing (scripts/provision.sh installs chromium-driver)"; exit 4; }
done
"$python" -c 'import selenium' 2>/dev/null ||
	{ echo "explorer: skipped: python3-selenium missing (scripts/provision.sh installs it)"; exit 4; }

rm -rf "$out"
mkdir -p "$out"
# The fixture's data in the tree's page: it replaces the template's slot,
# as user/html.c does.
python3 - "$PTWALK_TOP/user/explorer.html" "$PTWALK_TOP/tests/host/fixtures/explorer-data.json" \
	"$out/fixture.html" <<'PY' || exit 1
import sys
page = open(sys.argv[1], encoding="utf-8").read()
data = open(sys.argv[2], encoding="utf-8").read().strip()
slot = "/*PTWALK-DATA*/null"
if not data or slot not in page:
    sys.exit("explorer: no fixture data or no slot in user/explorer.html")
open(sys.argv[3], "w", encoding="utf-8").write(page.replace(slot, data, 1))
PY
pages=("$out/fixture.html")
svgs=
if [ -f "$PTWALK_OUT/demo/explorer.html" ]; then
	pages+=("$PTWALK_OUT/demo/explorer.html")
	svgs=$(find "$PTWALK_OUT/demo" -maxdepth 1 -name '*.svg' | sort | tr '\n' ' ')
fi
CHROMIUM=$chromium CHROMEDRIVER=$driver EXPLORER_SVGS=$svgs \
	timeout -k 10 300 "$python" "$PTWALK_TOP/tests/host/explorer_browser.py" "$out" "${pages[@]}"
rc=$?
[ $rc = 0 ] || { echo "explorer: failed (rc $rc); screenshots in $out"; exit 1; }
echo "explorer: ${#pages[@]} page(s) and $(echo $svgs | wc -w) demo SVG(s) checked in chromium; screenshots in $out"
