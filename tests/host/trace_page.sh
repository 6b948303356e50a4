#!/bin/bash
# The trace page (ptwalk trace --html) in headless Chromium, driven by
# Debian's chromium-driver through python3-selenium
# (tests/host/trace_page_browser.py): the step slider moved through every
# record, the highlighted range and the decoded entries equal to the
# page's embedded data, no console error.
# Pages: tests/host/fixtures/trace-page-data.json (the document of
# `ptwalk trace -o t.jsonl --html t.html -- /bin/sh -c 'x=$(echo forked);
# sleep 0.25; y=$(ls /); ...'` in a 6.12 5-level VM: its lines are that
# run's t.jsonl) in the current user/trace.html, so that the page's code
# under test is always the tree's; and the last `make demo`'s
# out/demo/trace.html when there is one.
# Screenshots in out/host/trace_page/. Skips (4) without the packages.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

out=$PTWALK_OUT/host/trace_page
chromium=${CHROMIUM:-/usr/bin/chromium}
driver=${CHROMEDRIVER:-/usr/bin/chromedriver}
python=${PYTHON:-/usr/bin/python3}
for f in "$chromium" "$driver"; do
	[ -x "$f" ] || { echo "trace_page: skipped: $f missing (scripts/provision.sh installs chromium-driver)"; exit 4; }
done
"$python" -c 'import selenium' 2>/dev/null ||
	{ echo "trace_page: skipped: python3-selenium missing (scripts/provision.sh installs it)"; exit 4; }

rm -rf "$out"
mkdir -p "$out"
# The fixture's data in the tree's page, as user/trace_page.c writes it.
"$python" - "$PTWALK_TOP/user/trace.html" "$PTWALK_TOP/tests/host/fixtures/trace-page-data.json" \
	"$out/fixture.html" <<'PY' || exit 1
import sys
page = open(sys.argv[1], encoding="utf-8").read()
data = open(sys.argv[2], encoding="utf-8").read().strip().replace("<", "\\u003c")
slot = "/*PTWALK-DATA*/null"
if not data or slot not in page:
    sys.exit("trace_page: no fixture data or no slot in user/trace.html")
open(sys.argv[3], "w", encoding="utf-8").write(page.replace(slot, data, 1))
PY
pages=("$out/fixture.html")
[ -f "$PTWALK_OUT/demo/trace.html" ] && pages+=("$PTWALK_OUT/demo/trace.html")
timeout -k 10 300 env CHROMIUM="$chromium" CHROMEDRIVER="$driver" \
	"$python" "$PTWALK_TOP/tests/host/trace_page_browser.py" "$out" "${pages[@]}"
rc=$?
[ $rc = 0 ] || { echo "trace_page: failed (rc $rc); screenshots in $out"; exit 1; }
echo "trace_page: ${#pages[@]} page(s) stepped through in chromium; screenshots in $out"
