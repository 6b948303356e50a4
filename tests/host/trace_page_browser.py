#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The trace page (ptwalk trace --html) in a real browser: Debian's
chromium driven through chromium-driver by python3-selenium
(tests/host/trace_page.sh).

    trace_page_browser.py OUTDIR PAGE.html...

For each page: open it from disk, move the step slider through every
record (the first steps with the keyboard on the slider, one with the
"next" and "prev" buttons, the rest by setting its value and sending the
input event a user's drag sends), and check against the page's embedded
JSON, read here with Python's own parser and decoded here from the x86
entry bits: the step shown, the VMAs highlighted (the snapshot in force
at the record's time, else the first later one holding its range; the
rows the range overlaps; the highlight's offset and width within each
row) and each entry before -> after, decoded. Any console message of
level SEVERE fails the page. Screenshots go to OUTDIR. Exit 0 pass, 1
fail.
"""
import json
import os
import re
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

failures = []
STEP_TYPES = ("fault", "event", "done", "drop", "exit")


def fail(msg):
    failures.append(msg)
    print("trace-page-browser: FAIL: " + msg, file=sys.stderr)


def page_data(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<script id="ptwalk-data" type="application/json">(.*?)</script>',
                  text, re.S)
    if not m:
        raise SystemExit("trace-page-browser: %s: no data script" % path)
    if re.search(r'(src|href)\s*=\s*"(https?:)?//', text):
        fail("%s: an external reference" % path)
    return json.loads(m.group(1))


def driver():
    opts = Options()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--window-size=1366,900", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", "--hide-scrollbars"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER",
                                                           "/usr/bin/chromedriver")),
                            options=opts)


def rng(s):
    """[lo, hi) of a record, or None: a fault's page, a change's range."""
    if s["type"] == "fault":
        a = int(s["addr"], 16) & ~0xfff
        return (a, a + 0x1000)
    if s["type"] in ("event", "done"):
        return (int(s["start"], 16), int(s["end"], 16))
    return None


def covers(snap, r):
    lo = r[0]
    while True:
        v = [m for m in snap["vmas"] if int(m["start"], 16) <= lo < int(m["end"], 16)]
        if not v:
            return False
        if r[1] <= int(v[0]["end"], 16):
            return True
        lo = int(v[0]["end"], 16)


def snapshot_for(snaps, s):
    """docs/json.md, trace-page: the last snapshot at or before the
    record; if its range is in none of its VMAs, the first later one."""
    t = s.get("time_ns", float("inf"))
    k = max([i for i, sn in enumerate(snaps) if sn["time_ns"] <= t] or [0])
    r = rng(s)
    if r and not covers(snaps[k], r):
        for i in range(k + 1, len(snaps)):
            if covers(snaps[i], r):
                return i
    return k


def decode(h, level, pfn_shown):
    """An x86 entry in the words of ptwalk trace's timeline, plus flags."""
    v = int(h, 16)
    if v == 0:
        return "none"
    present, protnone = v & 1, v & 0x100
    if not (present or protnone):
        return "swap/migration"
    w = ("rw" if v & 2 else "r-") if present else "prot_none"
    if not v >> 63:
        w += "x"
    if pfn_shown:
        w += " pfn 0x%x" % ((v >> 12) & ((1 << 40) - 1))
    f = [name for bit, name in ((2, "user"), (5, "accessed"), (6, "dirty")) if v >> bit & 1]
    if v & 0x80 and level != "pte":
        f.append("huge")
    return w + (" (%s)" % " ".join(f) if f else "")


def show(d, i, how):
    if how == "js":
        d.execute_script("const s = document.getElementById('slider'); s.value = arguments[0];"
                         "s.dispatchEvent(new Event('input', {bubbles: true}));", str(i))


def check_step(d, data, steps, i, what):
    s = steps[i]
    n = len(steps)
    head = next(l for l in data["lines"] if l["type"] == "trace")
    pfn_shown = head["pfn"] == "shown"
    got = d.execute_script("""
        const q = (id) => document.getElementById(id).textContent.trim();
        return { index: q('step-index'), type: q('step-type'), range: q('step-range'),
                 slider: document.getElementById('slider').value,
                 hits: [...document.querySelectorAll('#space .vma.hit')].map((r) => {
                     const hl = r.querySelector('.hl');
                     return [r.dataset.start, r.dataset.end, r.classList.contains('outside'),
                             hl ? parseFloat(hl.style.left) : null,
                             hl ? parseFloat(hl.style.width) : null]; }),
                 rows: document.querySelectorAll('#space .vma:not(.outside)').length,
                 entries: [...document.querySelectorAll('#entries tbody tr')].map(
                     (tr) => [...tr.cells].map((c) => c.textContent)) };""")
    if got["index"] != "%d / %d" % (i + 1, n) or got["slider"] != str(i):
        fail("%s: step %d shows '%s', slider at %s" % (what, i, got["index"], got["slider"]))
        return
    if got["type"] != s["type"]:
        fail("%s: step %d: type '%s', the record is a %s" % (what, i, got["type"], s["type"]))
    r = rng(s)
    want_range = "" if not r else s["addr"] if s["type"] == "fault" else \
        s["start"] + "-" + s["end"]
    if got["range"] != want_range:
        fail("%s: step %d: range '%s', the record's is '%s'" % (what, i, got["range"], want_range))
    snap = data["snapshots"][snapshot_for(data["snapshots"], s)]
    if got["rows"] != len(snap["vmas"]):
        fail("%s: step %d: %d VMA rows, the snapshot has %d" % (what, i, got["rows"],
                                                                len(snap["vmas"])))
    want = []
    if r:
        for m in snap["vmas"]:
            lo, hi = int(m["start"], 16), int(m["end"], 16)
            if r[0] < hi and r[1] > lo:
                a, b = max(r[0], lo), min(r[1], hi)
                want.append((m["start"], m["end"], False, (a - lo) / (hi - lo) * 100,
                             (b - a) / (hi - lo) * 100))
        if not want:
            want.append(("0x%x" % r[0], "0x%x" % r[1], True, None, None))
    hits = [tuple(h) for h in got["hits"]]
    if [h[:3] for h in hits] != [w[:3] for w in want]:
        fail("%s: step %d (%s %s): highlighted %s, expected %s" % (
            what, i, s["type"], want_range, [h[:3] for h in hits], [w[:3] for w in want]))
    else:
        for h, w in zip(hits, want):
            if w[3] is not None and (abs(h[3] - w[3]) > 0.01 or abs(h[4] - w[4]) > 0.01):
                fail("%s: step %d: highlight at %.3f%% width %.3f%%, expected %.3f%% %.3f%%"
                     % (what, i, h[3], h[4], w[3], w[4]))
    want_entries = []
    # A done record's entries; any other record's too, should it carry some.
    if s["type"] != "event" and isinstance(s.get("entries"), list):
        for e in s["entries"]:
            want_entries.append([e["va"], e.get("after_level", ""), e.get("before", "?"),
                                 decode(e["before"], e.get("before_level"), pfn_shown)
                                 if "before" in e else "?",
                                 e.get("after", "?"),
                                 decode(e["after"], e.get("after_level"), pfn_shown)
                                 if "after" in e else "?"])
    if got["entries"] != want_entries:
        fail("%s: step %d: entries %s, expected %s" % (what, i, got["entries"][:2],
                                                        want_entries[:2]))
    return len(want_entries)


def check_page(d, path, outdir, tag):
    data = page_data(path)
    steps = [l for l in data["lines"] if l["type"] in STEP_TYPES]
    d.get("file://" + os.path.abspath(path))
    if not d.find_element(By.ID, "title").text.endswith("PID %d" % data["pid"]):
        fail("%s: title '%s'" % (tag, d.find_element(By.ID, "title").text))
    if not steps:
        fail("%s: no records" % tag)
        return
    slider = d.find_element(By.ID, "slider")
    entries = 0
    entries += check_step(d, data, steps, 0, tag) or 0
    # The keyboard on the slider, as a user moves it.
    slider.click()
    show(d, 0, "js")
    for i in range(1, min(4, len(steps))):
        slider.send_keys(Keys.ARROW_RIGHT)
        entries += check_step(d, data, steps, i, tag + " (keyboard)") or 0
    if len(steps) > 5:
        d.find_element(By.ID, "next").click()
        check_step(d, data, steps, 4, tag + " (next)")
        d.find_element(By.ID, "prev").click()
        check_step(d, data, steps, 3, tag + " (prev)")
    shot = None
    for i in range(4, len(steps)):
        show(d, i, "js")
        entries += check_step(d, data, steps, i, tag) or 0
        if shot is None and steps[i]["type"] == "done" and steps[i]["entries"]:
            shot = i
            d.save_screenshot(os.path.join(outdir, tag + "-done-step.png"))
    for e in d.get_log("browser"):
        if e.get("level") == "SEVERE":
            fail("%s: console error: %s" % (tag, e.get("message")))
    kinds = sorted({s.get("kind", s["type"]) for s in steps})
    print("trace-page-browser: %s: %d steps (%s), %d entries decoded, %d snapshots"
          % (tag, len(steps), " ".join(kinds), entries, len(data["snapshots"])))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    outdir = sys.argv[1]
    d = driver()
    try:
        for n, path in enumerate(sys.argv[2:]):
            check_page(d, path, outdir, "page%d" % (n + 1))
    finally:
        d.quit()
    if failures:
        print("trace-page-browser: %d failure(s)" % len(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
