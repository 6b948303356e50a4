#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The explorer page (ptwalk html) in a real browser: Debian's chromium
driven through chromium-driver by python3-selenium (tests/host/explorer.sh).

    explorer_browser.py OUTDIR PAGE.html...

For each page: open it from disk, click a region of the address-space
picture, check the runs listed are the region's, walk a run by clicking
it and an address typed with an in-page offset, step through every level
and check that each level's entry and the final physical address the DOM
shows are those of the module's walk embedded in the page (the page's
JSON, which html.c writes from /proc/ptwalk/walk; the VM test html_test
checks that JSON against a fresh walk). Any console message of level
SEVERE fails the page. The embedded SVGs are checked to parse as XML and
to render in the browser without a parse error. Screenshots go to OUTDIR.
Exit 0 pass, 1 fail.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

failures = []


def fail(msg):
    failures.append(msg)
    print("explorer-browser: FAIL: " + msg, file=sys.stderr)


def page_data(path):
    """The JSON the tool embedded, read with Python's own parser."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<script id="ptwalk-data" type="application/json">(.*?)</script>',
                  text, re.S)
    if not m:
        raise SystemExit("explorer-browser: %s: no data script" % path)
    return json.loads(m.group(1))


def driver():
    opts = Options()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--window-size=1366,768", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", "--hide-scrollbars"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER",
                                                           "/usr/bin/chromedriver")),
                            options=opts)


def console_errors(d, what):
    for e in d.get_log("browser"):
        if e.get("level") == "SEVERE":
            fail("%s: console error: %s" % (what, e.get("message")))


def text(d, css):
    return d.find_element(By.CSS_SELECTOR, css).text.strip()


def step_through(d, walk, va_off, what):
    """Click "next" through every level; check each against @walk."""
    entries = walk["entries"]
    for k, e in enumerate(entries):
        name = text(d, "#walk-level-name")
        if not name.startswith(e["level"] + " entry %d" % e["index"]):
            fail("%s: level %d shows '%s', the module's walk says %s index %d"
                 % (what, k, name, e["level"], e["index"]))
        if text(d, "#walk-raw") != e["raw"] or text(d, "#walk-entry") != e["entry"]:
            fail("%s: level %s: raw/entry %s/%s, module %s/%s"
                 % (what, e["level"], text(d, "#walk-raw"), text(d, "#walk-entry"),
                    e["raw"], e["entry"]))
        cur = d.find_elements(By.CSS_SELECTOR, "#va-bits .field.cur")
        if e["level"] != "PGD-user" and (not cur or cur[0].get_attribute("data-level") != e["level"]):
            fail("%s: level %s: the VA's index bits are not the highlighted field" % (what, e["level"]))
        d.find_element(By.ID, "walk-next").click()
    if d.find_element(By.ID, "walk-next").is_enabled():
        fail("%s: 'next' still enabled after the last level" % what)
    if not walk["result"]["translated"]:
        return None
    shown = text(d, "#walk-pa")
    want = "0x%x" % (int(walk["result"]["pa"], 16) + va_off)
    if shown != want:
        fail("%s: the page shows PA %s, the module's walk gives %s" % (what, shown, want))
    return shown


def check_svgs(d, data, outdir, tag):
    """Each embedded SVG: parses as XML, renders without a parse error."""
    for key in ("maps_svg", "frames_svg"):
        if not data.get(key):
            continue
        svg = os.path.join(outdir, "%s-%s.svg" % (tag, key.replace("_svg", "")))
        with open(svg, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + data[key])
        try:
            ET.parse(svg)
        except ET.ParseError as e:
            fail("%s: not well-formed XML: %s" % (svg, e))
            continue
        d.get("file://" + os.path.abspath(svg))
        if d.find_elements(By.TAG_NAME, "parsererror") or \
                d.execute_script("return document.documentElement.localName") != "svg":
            fail("%s: chromium did not render it as SVG" % svg)
        d.save_screenshot(svg[:-4] + ".png")
        console_errors(d, svg)


def check_page(d, path, outdir, tag):
    data = page_data(path)
    walks = {int(w["va"], 16): w for w in data["walks"]}
    d.get("file://" + os.path.abspath(path))
    d.save_screenshot(os.path.join(outdir, tag + "-1-loaded.png"))
    if not text(d, "#title").endswith("PID %d" % data["pid"]):
        fail("%s: title '%s'" % (tag, text(d, "#title")))

    # A region with a mapped run whose first page the module walked.
    pick = None
    for i, v in enumerate(data["maps"]["vmas"]):
        for r in v["runs"]:
            if r["kind"] == "mapped" and int(r["start"], 16) in walks and r["size"] == "4K":
                pick = (i, v, r)
                break
        if pick:
            break
    if not pick:
        fail("%s: no mapped 4K run with a recorded walk" % tag)
        return
    i, v, r = pick
    g = d.find_element(By.CSS_SELECTOR, '#maps-svg [data-vma="%d"] rect' % i)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", g)
    g.click()
    title = text(d, "#region-title")
    if v["start"] not in title:
        fail("%s: clicked VMA %s, the region panel says '%s'" % (tag, v["start"], title))
    rows = d.find_elements(By.CSS_SELECTOR, "#runs tbody tr.run")
    if [row.get_attribute("data-start") for row in rows] != [x["start"] for x in v["runs"]]:
        fail("%s: runs listed for %s are not the VMA's runs" % (tag, v["start"]))
    d.save_screenshot(os.path.join(outdir, tag + "-2-region.png"))

    # Walk the run by clicking it: the page's own address, no offset.
    link = [row for row in rows if row.get_attribute("data-start") == r["start"]][0]
    link.find_element(By.CSS_SELECTOR, "a.walk-run").click()
    d.save_screenshot(os.path.join(outdir, tag + "-3-walk-level1.png"))
    step_through(d, walks[int(r["start"], 16)], 0, "%s: walk of %s" % (tag, r["start"]))
    d.save_screenshot(os.path.join(outdir, tag + "-4-walk-result.png"))

    # A typed address: the last recorded 4K page of a run, plus an offset.
    typed = None
    for va in sorted(walks, reverse=True):
        w = walks[va]
        leaf = [e for e in w["entries"] if e["kind"] == "leaf"]
        if w["result"]["translated"] and leaf and leaf[0]["leaf"] == "4K":
            typed = va
            break
    if typed is None:
        fail("%s: no translated 4K walk to type" % tag)
    else:
        box = d.find_element(By.ID, "va-input")
        box.clear()
        box.send_keys("0x%x" % (typed + 0x123))
        d.find_element(By.ID, "walk-go").click()
        step_through(d, walks[typed], 0x123, "%s: typed 0x%x" % (tag, typed + 0x123))
        d.find_element(By.ID, "walk-prev").click()
        d.save_screenshot(os.path.join(outdir, tag + "-5-typed-last-level.png"))

    # An address in no VMA says so instead of showing a walk.
    box = d.find_element(By.ID, "va-input")
    box.clear()
    box.send_keys("0x10")
    d.find_element(By.ID, "walk-go").click()
    if "no VMA" not in text(d, "#walk-note"):
        fail("%s: address 0x10 gives '%s'" % (tag, text(d, "#walk-note")))

    for sec in ("frames", "cost"):
        d.execute_script("document.getElementById(arguments[0]).scrollIntoView()", sec)
        d.save_screenshot(os.path.join(outdir, "%s-6-%s.png" % (tag, sec)))
    rows = d.find_elements(By.CSS_SELECTOR, "#cost-table tbody tr")
    if data["tables"] and len(rows) != len(data["tables"]["level"]):
        fail("%s: %d cost rows for %d levels" % (tag, len(rows), len(data["tables"]["level"])))
    if data["frames_svg"] and not d.find_elements(By.CSS_SELECTOR, "#frames-svg svg"):
        fail("%s: no frames picture" % tag)
    console_errors(d, tag)
    check_svgs(d, data, outdir, tag)
    print("explorer-browser: %s: region %s (%d runs), walk of %s and of 0x%x through %d levels"
          % (tag, v["start"], len(v["runs"]), r["start"], (typed or 0) + 0x123,
             len(walks[int(r["start"], 16)]["entries"])))


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    d = driver()
    try:
        for n, page in enumerate(sys.argv[2:]):
            check_page(d, page, outdir, "page%d" % (n + 1))
        # Other pictures given as SVG files: render and screenshot them.
        for svg in os.environ.get("EXPLORER_SVGS", "").split():
            try:
                ET.parse(svg)
            except ET.ParseError as e:
                fail("%s: not well-formed XML: %s" % (svg, e))
                continue
            d.get("file://" + os.path.abspath(svg))
            if d.execute_script("return document.documentElement.localName") != "svg":
                fail("%s: chromium did not render it as SVG" % svg)
            d.save_screenshot(os.path.join(outdir, os.path.basename(svg)[:-4] + ".png"))
            console_errors(d, svg)
    finally:
        d.quit()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
