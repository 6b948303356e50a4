#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The explorer page (ptwalk html) in a real browser: Debian's chromium
driven through chromium-driver by python3-selenium (tests/host/explorer.sh).

    explorer_browser.py OUTDIR PAGE.html...

For each page: open it from disk, click a region of the address-space
picture, check the runs listed are the region's, walk a run by clicking
it and an address typed with an in-page offset, step through every level
and check that each level's entry (name, index, raw, table, next table or
frame, the VA bits of its index) and the final physical address the DOM
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


def level_name(e):
    """A walk level's name as the page shows it: the PTI user copy of the
    top-level entry (name PGD, copy user) is "PGD-user"."""
    return e["name"] + "-user" if e.get("copy") == "user" else e["name"]


# Lowest VA bit each level's 9-bit index takes (the PGD's: 48 with 5 levels, 39 with 4).
SHIFT = {"P4D": 39, "PUD": 30, "PMD": 21, "PTE": 12}


def step_through(d, walk, va_off, what):
    """Click "next" through every level; check each against @walk."""
    top = walk["top"]["pa"] if "top" in walk else ""
    va = int(walk["target"]["va"], 16) + va_off
    levels = walk["target"]["levels"]
    for k, e in enumerate(walk["level"]):
        lname = level_name(e)
        name = text(d, "#walk-level-name")
        # The table the entry is in: the top table, then each table's next.
        table = "(PTI user copy)" if e.get("copy") == "user" else \
            top if k == 0 else walk["level"][k - 1].get("next", top)
        if "table at %s + %d" % (table, e["index"]) not in text(d, "#walk-level"):
            fail("%s: level %s is not shown in table %s" % (what, lname, table))
        if not name.startswith(lname + " entry %d" % e["index"]):
            fail("%s: level %d shows '%s', the module's walk says %s index %d"
                 % (what, k, name, lname, e["index"]))
        if text(d, "#walk-raw") != e["raw"] or text(d, "#walk-entry") != e["entry"]:
            fail("%s: level %s: raw/entry %s/%s, module %s/%s"
                 % (what, lname, text(d, "#walk-raw"), text(d, "#walk-entry"),
                    e["raw"], e["entry"]))
        # What the entry leads to: the next table or the leaf's frame.
        for key, css in (("next", "#walk-next-table"), ("frame", "#walk-frame")):
            got = d.find_elements(By.CSS_SELECTOR, css)
            if (key in e) != bool(got) or (got and got[0].text.strip() != e[key]):
                fail("%s: level %s: %s shown '%s', module %s"
                     % (what, lname, key, got[0].text.strip() if got else "none", e.get(key)))
        cur = d.find_elements(By.CSS_SELECTOR, "#va-bits .field.cur")
        if e.get("copy") != "user" and (not cur or cur[0].get_attribute("data-level") != e["name"]):
            fail("%s: level %s: the VA's index bits are not the highlighted field" % (what, lname))
        elif e.get("copy") != "user":
            # The field: the level's VA bits, equal to the module's index.
            sh = SHIFT.get(e["name"], 48 if levels == 5 else 39)
            want = "%s %d-%d = %d\n%s" % (e["name"], sh + 8, sh, e["index"],
                                          format((va >> sh) & 0x1ff, "09b"))
            if cur[0].text.strip() != want or (va >> sh) & 0x1ff != e["index"]:
                fail("%s: level %s: field '%s', want '%s'"
                     % (what, lname, cur[0].text.strip(), want))
        d.find_element(By.ID, "walk-next").click()
    if d.find_element(By.ID, "walk-next").is_enabled():
        fail("%s: 'next' still enabled after the last level" % what)
    # Exactly one of result and stop (docs/json.md, "walk").
    if ("result" in walk) == ("stop" in walk):
        fail("%s: the module's walk has %s" % (what, "both result and stop" if "result" in walk
                                               else "neither result nor stop"))
        return None
    if "stop" in walk:
        if text(d, "#walk-stop") != walk["stop"]["reason"]:
            fail("%s: the page shows stop '%s', the module's walk says %s"
                 % (what, text(d, "#walk-stop"), walk["stop"]["reason"]))
        return None
    said = "walk of %s gave %s" % (walk["target"]["va"], walk["result"]["pa"])
    if said not in text(d, "#walk-level"):
        fail("%s: the result does not say '%s'" % (what, said))
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
    walks = {int(w["target"]["va"], 16): w for w in data["walks"]}
    d.get("file://" + os.path.abspath(path))
    d.save_screenshot(os.path.join(outdir, tag + "-1-loaded.png"))
    if not text(d, "#title").endswith("PID %d" % data["pid"]):
        fail("%s: title '%s'" % (tag, text(d, "#title")))
    summary = text(d, "#summary")
    counts = "%d VMAs, %d pages with a frame" % (len(data["maps"]["vma"]),
                                                 data["maps"]["present_pages"])
    kernel = data["info"]["kernel"]
    said = "kernel %s, %d-level paging, PTI %s, THP %s" % (kernel["release"], kernel["paging_levels"],
                                                          kernel["pti"], data["info"]["thp"])
    if counts not in summary or not summary.startswith(said) or \
            ("physical addresses hidden" in summary) != (data["maps"]["target"]["pfn"] != "shown"):
        fail("%s: summary '%s'" % (tag, summary))

    # A region with a mapped run whose first page the module walked.
    pick = None
    for i, v in enumerate(data["maps"]["vma"]):
        for r in v["run"]:
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
    if [row.get_attribute("data-start") for row in rows] != [x["start"] for x in v["run"]]:
        fail("%s: runs listed for %s are not the VMA's runs" % (tag, v["start"]))
    for row, x in zip(rows, v["run"]):
        phys = row.find_elements(By.TAG_NAME, "td")[5].text.strip()
        want = x.get("pa", "swap %s:%s" % (x["type"], x["offset"]) if "type" in x else "")
        if phys != want:
            fail("%s: run %s: physical '%s', module %s" % (tag, x["start"], phys, want))
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
        leaf = [e for e in w["level"] if "leaf" in e]
        if "result" in w and leaf and leaf[0]["leaf"] == "4K":
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
          % (tag, v["start"], len(v["run"]), r["start"], (typed or 0) + 0x123,
             len(walks[int(r["start"], 16)]["level"])))


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
