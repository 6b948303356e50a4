// SPDX-License-Identifier: GPL-2.0
/*
 * `ptwalk html`: the explorer page of a stopped target. The JSON the page
 * embeds is read back out of the HTML and checked against oracles the
 * tool did not produce: every embedded walk against a fresh read of
 * /proc/ptwalk/walk (its level lines, word for word, and its result),
 * every translated walk against /proc/PID/pagemap, the page-table cost
 * against VmPTE, the pictures as well-formed XML. The page must be self
 * contained: no network reference, no external script, style or font.
 * (tests/host/explorer.sh drives such a page in a real browser.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "aspace.h"
#include "jsonread.h"
#include "oracle.h"
#include "ptwalk.h"
#include "toolrun.h"
#include "util.h"
#include "xmlcheck.h"

#define EXIT_USAGE	2
#define PAGE_PATH	"/tmp/ht-explorer.html"
#define DATA_OPEN	"<script id=\"ptwalk-data\" type=\"application/json\">"

/* The page's embedded document, parsed; NULL (with a log) if absent. */
static struct jval *page_data(struct __test_metadata *_metadata, const char *html)
{
	const char *s = strstr(html, DATA_OPEN), *e;
	struct jval *doc;
	size_t at = 0;
	char *text;

	if (!s) {
		TH_LOG("no data script in the page");
		return NULL;
	}
	s += strlen(DATA_OPEN);
	e = strstr(s, "</script>");
	if (!e)
		return NULL;
	text = strndup(s, e - s);
	doc = jparse(text, &at);
	if (!doc)
		TH_LOG("embedded JSON does not parse at %zu: %.80s", at, text + at);
	free(text);
	return doc;
}

/*
 * One embedded walk against the module's text for the same request: the
 * same target, the same level lines in order (name, copy, index, entry,
 * raw) and the same end (result pa, or stop reason, level and kind).
 */
static int compare_walk(struct __test_metadata *_metadata, pid_t pid,
			const struct jval *w)
{
	const struct jval *levels = jget(w, "level"), *res = jget(w, "result");
	const struct jval *stop = jget(w, "stop"), *target = jget(w, "target");
	unsigned long va = jhex(jget(target, "va"));
	unsigned long long raw, entry, index;
	struct pw_walk pw;
	char req[64], *text = NULL, *rest, *line;
	struct ptw_line l;
	size_t k = 0;
	int bad = 0;

	if (strcmp(jstr(jget(target, "space")), "user") || jint(jget(target, "pid")) != pid) {
		TH_LOG("0x%lx: page's target space '%s' pid %lld, not user %d", va,
		       jstr(jget(target, "space")), jint(jget(target, "pid")), pid);
		bad = 1;
	}
	snprintf(req, sizeof(req), "%d 0x%lx", pid, va);
	if (pw_walk(req, &pw, &text)) {
		TH_LOG("walk %s: %s", req, strerror(errno));
		return 1;
	}
	rest = text;
	while ((line = ptw_next_line(&rest))) {
		const struct jval *e;
		const char *name, *copy;

		if (ptw_tokenize(line, &l) || strcmp(l.tag, "level"))
			continue;
		/* The PTI user copy's line: name PGD and copy user, as the module's. */
		name = ptw_get(&l, "name") ?: "?";
		copy = ptw_get(&l, "copy") ?: "";
		e = jat(levels, k++);
		if (!e || strcmp(jstr(jget(e, "name")), name) ||
		    strcmp(jstr(jget(e, "copy")), copy)) {
			TH_LOG("0x%lx: level %zu is %s copy '%s', the page has %s copy '%s'",
			       va, k, name, copy, e ? jstr(jget(e, "name")) : "none",
			       jstr(jget(e, "copy")));
			bad = 1;
			break;
		}
		if (ptw_get_num(&l, "raw", &raw) || raw != jhex(jget(e, "raw")) ||
		    ptw_get_num(&l, "entry", &entry) || entry != jhex(jget(e, "entry")) ||
		    ptw_get_num(&l, "index", &index) || (long long)index != jint(jget(e, "index"))) {
			TH_LOG("0x%lx %s: module raw 0x%llx entry 0x%llx, page raw %s entry %s",
			       va, name, raw, entry, jstr(jget(e, "raw")), jstr(jget(e, "entry")));
			bad = 1;
		}
	}
	if (k != jlen(levels)) {
		TH_LOG("0x%lx: module %zu levels, page %zu", va, k, jlen(levels));
		bad = 1;
	}
	/* Exactly one of result and stop, the one the module ended with. */
	if (!res == !stop || pw.translated != (res != NULL) ||
	    (pw.translated && pw.pa != jhex(jget(res, "pa"))) ||
	    (!pw.translated && (strcmp(pw.stop, jstr(jget(stop, "reason"))) ||
				strcmp(pw.stop_level, jstr(jget(stop, "level"))) ||
				strcmp(pw.stop_kind, jstr(jget(stop, "kind")))))) {
		TH_LOG("0x%lx: module %s 0x%llx %s %s %s, page result %s stop %s %s %s", va,
		       pw.translated ? "pa" : "stop", pw.pa, pw.stop, pw.stop_level,
		       pw.stop_kind, res ? jstr(jget(res, "pa")) : "-",
		       stop ? jstr(jget(stop, "reason")) : "-", jstr(jget(stop, "level")),
		       jstr(jget(stop, "kind")));
		bad = 1;
	}
	free(text);
	return bad;
}

FIXTURE(target) {
	pid_t pid;
	struct aspace *as;
	char pidstr[16];
	char *html;
	struct jval *doc;
};

FIXTURE_SETUP(target)
{
	const char *argv[] = { "", "html", self->pidstr, "-o", PAGE_PATH, NULL };
	struct tool_result r;

	self->html = NULL;
	self->doc = NULL;
	self->pid = aspace_spawn(&self->as);
	ASSERT_LT(0, self->pid);
	snprintf(self->pidstr, sizeof(self->pidstr), "%d", self->pid);
	unlink(PAGE_PATH);
	ASSERT_EQ(0, tool_run(&r, false, NULL, NULL, argv));
	ASSERT_EQ(0, r.status) TH_LOG("ptwalk html: %s", r.err);
	tool_result_free(&r);
	self->html = read_whole(PAGE_PATH, NULL);
	ASSERT_NE(NULL, self->html);
	self->doc = page_data(_metadata, self->html);
	ASSERT_NE(NULL, self->doc);
}

FIXTURE_TEARDOWN(target)
{
	jfree(self->doc);
	free(self->html);
	aspace_kill(self->pid, self->as);
}

TEST_F(target, embedded_walks_are_the_modules)
{
	const struct jval *walks = jget(self->doc, "walks");
	const struct jval *vmas = jget(jget(self->doc, "maps"), "vma");
	size_t i, k, bad = 0, runs = 0, found;

	EXPECT_STREQ("html", jstr(jget(self->doc, "command")));
	EXPECT_EQ(self->pid, jint(jget(self->doc, "pid")));
	EXPECT_EQ(self->pid, jint(jget(jget(jget(self->doc, "maps"), "target"), "pid")));
	ASSERT_LT(0, jlen(vmas));
	ASSERT_LT(0, jlen(walks));
	for (i = 0; i < jlen(walks); i++)
		bad += compare_walk(_metadata, self->pid, jat(walks, i));
	EXPECT_EQ(0, bad) TH_LOG("%zu of %zu walks differ from the module's", bad, jlen(walks));
	/* Every run's first page has its walk (the page's promise). */
	for (i = 0; i < jlen(vmas); i++) {
		const struct jval *rs = jget(jat(vmas, i), "run");

		for (k = 0; k < jlen(rs); k++, runs++) {
			unsigned long s = jhex(jget(jat(rs, k), "start"));
			size_t w;

			for (w = found = 0; w < jlen(walks) && !found; w++)
				found = jhex(jget(jget(jat(walks, w), "target"), "va")) == s;
			EXPECT_TRUE(found) TH_LOG("no walk of run 0x%lx", s);
		}
	}
	TH_LOG("%zu walks compared, %zu runs", jlen(walks), runs);
}

/* Translated walks against pagemap, which the module does not write. */
TEST_F(target, embedded_walks_agree_with_pagemap)
{
	const struct jval *walks = jget(self->doc, "walks");
	size_t i, compared = 0, bad = 0;

	for (i = 0; i < jlen(walks); i++) {
		const struct jval *w = jat(walks, i), *res = jget(w, "result");
		unsigned long va = jhex(jget(jget(w, "target"), "va"));
		uint64_t *pm;

		if (!res)
			continue;
		pm = pagemap_range(self->pid, va, va + 4096);
		ASSERT_NE(NULL, pm);
		/* pfnmap VMAs (vvar) have no pagemap PFN: skipped. */
		if (pm[0] & PM_PRESENT && PM_PFN(pm[0])) {
			compared++;
			if (PM_PFN(pm[0]) << 12 != (jhex(jget(res, "pa")) & ~0xfffULL) &&
			    bad++ < 3)
				TH_LOG("0x%lx: page pa %s, pagemap pfn 0x%llx", va,
				       jstr(jget(res, "pa")),
				       (unsigned long long)PM_PFN(pm[0]));
		}
		free(pm);
	}
	EXPECT_EQ(0, bad);
	EXPECT_LT(10, compared);
}

TEST_F(target, cost_pictures_and_self_contained)
{
	const struct jval *t = jget(self->doc, "tables");
	const char *svg[2] = { jstr(jget(self->doc, "maps_svg")),
			       jstr(jget(self->doc, "frames_svg")) };
	static const char *const external[] = {
		"<script src", "<link", "@import", "url(", "https://", "http://localhost",
		"<iframe", "<img",
	};
	char why[128];
	const char *p;
	size_t i;

	if (access(PTWALK_DIR "/tables", F_OK))
		TH_LOG("module has no tables file: cost not compared");
	else
		EXPECT_EQ(proc_status_num(self->pid, "VmPTE") * 1024,
			  jint(jget(jget(t, "vmpte"), "bytes")));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, strncmp(svg[i], "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39));
		EXPECT_EQ(0, xml_check(svg[i], why, sizeof(why))) TH_LOG("svg %zu: %s", i, why);
	}
	/* The frames picture has a line to each frame of the target. */
	EXPECT_NE(NULL, strstr(svg[1], "data-pa=\""));
	for (i = 0; i < sizeof(external) / sizeof(external[0]); i++) {
		const char *what = external[i];

		EXPECT_EQ(NULL, strstr(self->html, what)) TH_LOG("page has '%s'", what);
	}
	/* http:// only as the SVG namespace name, which is no fetch. */
	for (p = strstr(self->html, "http://"); p; p = strstr(p + 1, "http://"))
		EXPECT_EQ(0, strncmp(p, "http://www.w3.org/2000/svg", 26));
}

/* Without root: the tool's own page, physical addresses hidden, no frames. */
TEST(html_unprivileged_self_has_no_frames)
{
	const char *argv[] = { "", "html", "-o", "/tmp/ht-nobody.html", NULL };
	struct tool_result r;
	struct jval *doc;
	char *html;

	unlink("/tmp/ht-nobody.html");
	ASSERT_EQ(0, tool_run(&r, true, NULL, NULL, argv));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	tool_result_free(&r);
	html = read_whole("/tmp/ht-nobody.html", NULL);
	ASSERT_NE(NULL, html);
	doc = page_data(_metadata, html);
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("hidden", jstr(jget(jget(jget(doc, "maps"), "target"), "pfn")));
	EXPECT_EQ(J_NULL, jget(doc, "frames_svg")->type);
	EXPECT_LT(0, jlen(jget(doc, "walks")));
	jfree(doc);
	free(html);
	unlink("/tmp/ht-nobody.html");
}

TEST(html_needs_a_file)
{
	const char *argv[] = { "", "html", "self", NULL };
	struct tool_result r;

	ASSERT_EQ(0, tool_run(&r, false, NULL, NULL, argv));
	EXPECT_EQ(EXIT_USAGE, r.status);
	EXPECT_NE(NULL, strstr(r.err, "-o FILE"));
	tool_result_free(&r);
}

PTW_HARNESS_MAIN
