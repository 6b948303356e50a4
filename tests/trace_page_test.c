// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk trace -o FILE and --html FILE, as users call them: the JSON lines
 * in FILE while stdout keeps the timeline, the page's embedded document,
 * and the errors for a file that cannot be written. The oracles are the
 * command's own log (the address it mapped and wrote, and its own
 * /proc/self/maps while the mapping existed), not the tool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "jsonread.h"
#include "toolrun.h"
#include "util.h"

#define PG	4096UL
#define TARGET_PAGES 8
#define DATA_OPEN "<script id=\"ptwalk-data\" type=\"application/json\">"

/*
 * The command the tests trace (this binary with PTW_PAGE_TARGET=LOG): map
 * TARGET_PAGES pages, write each, wait a few of the tool's 100 ms ticks so
 * that the mapping is in its VMA snapshots, log the address and its own
 * /proc/self/maps, unmap, exit; before the harness starts.
 */
__attribute__((constructor)) static void page_target(void)
{
	const char *path = getenv("PTW_PAGE_TARGET");
	/* Mapped for 0.4 s, longer on a slower kernel: a few of the tool's ticks. */
	long ms = 400L * timeout_scale();
	struct timespec ts = { ms / 1000, ms % 1000 * 1000 * 1000 };
	char *p, *maps;
	FILE *f;
	int i;

	if (!path)
		return;
	p = mmap(NULL, TARGET_PAGES * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(10);
	madvise(p, TARGET_PAGES * PG, MADV_NOHUGEPAGE);
	for (i = 0; i < TARGET_PAGES; i++)
		p[i * PG] = 1;
	nanosleep(&ts, NULL);
	maps = read_whole("/proc/self/maps", NULL);
	f = fopen(path, "w");
	if (!f || !maps)
		_exit(11);
	fprintf(f, "%lx\n%s", (unsigned long)p, maps);
	fclose(f);
	munmap(p, TARGET_PAGES * PG);
	_exit(0);
}

static const char *self_exe(void)
{
	static char self[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = '\0';
	return self;
}

/* Records in the human timeline: fault, event (N pages) and done lines. */
static int human_records(const char *out)
{
	const char *l;
	int n = 0;

	for (l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)(len < 511 ? len : 511), l);
		/* "TIME  ACCESS fault      0x...": any access word. */
		if (strstr(line, " fault      0x") || strstr(line, " pages)") ||
		    (len > 5 && !strcmp(line + len - 5, " done")))
			n++;
	}
	return n;
}

static bool is_record(const char *type)
{
	return !strcmp(type, "fault") || !strcmp(type, "event") || !strcmp(type, "done");
}

/* A VMA line of /proc/PID/maps in the snapshots (same start, end, perms, name). */
static bool in_snapshots(const struct jval *snaps, unsigned long s, unsigned long e,
			 const char *perms, const char *name)
{
	size_t i, k;

	for (i = 0; i < jlen(snaps); i++) {
		const struct jval *v = jget(jat(snaps, i), "vmas");

		for (k = 0; k < jlen(v); k++) {
			const struct jval *m = jat(v, k);

			if (jhex(jget(m, "start")) == s && jhex(jget(m, "end")) == e &&
			    !strcmp(jstr(jget(m, "perms")), perms) &&
			    !strcmp(jstr(jget(m, "name")), name))
				return true;
		}
	}
	return false;
}

TEST(out_and_html)
{
	const char *log = "/tmp/trace-page-target.log", *jl = "/tmp/trace-page.jsonl";
	const char *page = "/tmp/trace-page.html";
	const char *argv[] = { "ptwalk", "trace", "-o", jl, "--html", page, "--",
			       self_exe(), NULL };
	char *text, *line, *save = NULL, *html, *data, *end;
	struct jval *doc, *v;
	const struct jval *lines, *snaps;
	struct tool_result r;
	unsigned long p, s, e;
	int file_records = 0, nlines = 0, faults_in = 0, unmaps = 0, vmas = 0;
	unsigned long long first_time = 0;
	size_t i, err = 0;

	unlink(log);
	unlink(jl);
	unlink(page);
	setenv("PTW_PAGE_TARGET", log, 1);
	ASSERT_EQ(0, tool_run(&r, false, NULL, NULL, argv));
	unsetenv("PTW_PAGE_TARGET");
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	/* stdout: the human timeline, not JSON. */
	ASSERT_EQ(0, strncmp(r.out, "trace of PID ", 13)) TH_LOG("%.200s", r.out);
	text = read_whole(log, NULL);
	ASSERT_NE(NULL, text);
	p = strtoul(text, NULL, 16);
	ASSERT_NE(0, p);

	/* The file: JSON lines, the same records as the timeline. */
	html = read_whole(jl, NULL);
	ASSERT_NE(NULL, html);
	for (line = strtok_r(html, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *type;

		v = jparse(line, &err);
		ASSERT_NE(NULL, v) TH_LOG("not JSON at %zu: %s", err, line);
		EXPECT_STREQ("trace", jstr(jget(v, "command")));
		type = jstr(jget(v, "type"));
		if (!nlines)
			EXPECT_STREQ("trace", type);
		nlines++;
		if (is_record(type))
			file_records++;
		if (is_record(type) && !first_time)
			first_time = jint(jget(v, "time_ns"));
		if (!strcmp(type, "fault") && jhex(jget(v, "addr")) >= p &&
		    jhex(jget(v, "addr")) < p + TARGET_PAGES * PG)
			faults_in++;
		if (!strcmp(type, "done") && !strcmp(jstr(jget(v, "kind")), "unmap") &&
		    jhex(jget(v, "start")) == p && jhex(jget(v, "end")) == p + TARGET_PAGES * PG)
			unmaps++;
		if (!strcmp(type, "summary"))
			EXPECT_TRUE(jbool(jget(v, "exited")));
		jfree(v);
	}
	free(html);
	EXPECT_EQ(human_records(r.out), file_records);
	EXPECT_EQ(TARGET_PAGES, faults_in);
	EXPECT_EQ(1, unmaps);

	/* The page: its document, the same lines, snapshots from the start. */
	html = read_whole(page, NULL);
	ASSERT_NE(NULL, html);
	EXPECT_EQ(NULL, strstr(html, "http://")) TH_LOG("an external reference");
	EXPECT_EQ(NULL, strstr(html, "https://"));
	data = strstr(html, DATA_OPEN);
	ASSERT_NE(NULL, data);
	data += strlen(DATA_OPEN);
	end = strstr(data, "</script>");
	ASSERT_NE(NULL, end);
	*end = '\0';
	doc = jparse(data, &err);
	ASSERT_NE(NULL, doc) TH_LOG("page data not JSON at %zu", err);
	EXPECT_STREQ("trace-page", jstr(jget(doc, "command")));
	lines = jget(doc, "lines");
	snaps = jget(doc, "snapshots");
	EXPECT_EQ(nlines, (int)jlen(lines));
	EXPECT_EQ(jint(jget(jat(lines, 0), "pid")), jint(jget(doc, "pid")));
	ASSERT_LT(0, jlen(snaps));
	/* The first snapshot: before the command's first record, with its image. */
	EXPECT_GE(first_time, (unsigned long long)jint(jget(jat(snaps, 0), "time_ns")));
	v = (struct jval *)jget(jat(snaps, 0), "vmas");
	for (i = 0; i < jlen(v); i++)
		if (!strcmp(jstr(jget(jat(v, i), "name")), self_exe()))
			vmas++;
	EXPECT_LT(0, vmas) TH_LOG("%s not in the first snapshot", self_exe());
	/* Every VMA the command listed itself (the stack may have grown). */
	vmas = 0;
	for (line = strtok_r(strchr(text, '\n') + 1, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char perms[8] = "";
		int name = 0;

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &s, &e, perms, &name) < 3)
			continue;
		if (strstr(line, "[stack]"))
			continue;
		vmas++;
		EXPECT_TRUE(in_snapshots(snaps, s, e, perms, name ? line + name : ""))
			TH_LOG("not in any snapshot: %s", line);
	}
	EXPECT_LT(3, vmas);
	EXPECT_TRUE(in_snapshots(snaps, p, p + TARGET_PAGES * PG, "rw-p", ""));
	jfree(doc);
	free(html);
	free(text);
	tool_result_free(&r);
	unlink(log);
	unlink(jl);
	unlink(page);
}

/*
 * A file that cannot be written: status 1 (docs/tool.md), one line on
 * stderr, nothing on stdout, and the command never started.
 */
TEST(unwritable)
{
	const char *mark = "/tmp/trace-page-started";
	const char *cmd = "echo x >/tmp/trace-page-started";
	const char *cases[][10] = {
		{ "ptwalk", "trace", "-o", "/nonexistent/t.jsonl", "--", "/bin/sh", "-c", cmd, NULL },
		{ "ptwalk", "trace", "--html", "/nonexistent/t.html", "--", "/bin/sh", "-c", cmd, NULL },
		{ "ptwalk", "trace", "--json", "--out", "/proc/ptwalk", "--", "/bin/sh", "-c", cmd, NULL },
	};
	struct tool_result r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unlink(mark);
		ASSERT_EQ(0, tool_run(&r, false, NULL, NULL, cases[i]));
		EXPECT_EQ(1, r.status) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_EQ(0, strncmp(r.err, "ptwalk: cannot write ", 21)) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_STREQ("", r.out);
		EXPECT_NE(0, access(mark, F_OK)) TH_LOG("case %zu: the command ran", i);
		tool_result_free(&r);
	}
	/* --html is trace's alone. */
	{
		const char *argv[] = { "ptwalk", "maps", "--html", "/tmp/x.html", NULL };

		ASSERT_EQ(0, tool_run(&r, false, NULL, NULL, argv));
		EXPECT_EQ(2, r.status) TH_LOG("%s", r.err);
		tool_result_free(&r);
	}
}

/*
 * With --html the command stays traced to its exit: one that execs, one
 * that kills itself, one that stops itself all end, the tool exits 0 and
 * writes a page whose last snapshot is not empty.
 */
TEST(html_command_ends_any_way)
{
	static const char *const scripts[] = {
		"exec /bin/true",
		"kill -TERM $$",
		"kill -STOP $$; echo after",
		"x=$(echo child); echo \"$x\" >/dev/null",
	};
	const char *page = "/tmp/trace-page-ends.html";
	struct tool_result r;
	size_t i;

	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		const char *argv[] = { "ptwalk", "trace", "--html", page, "--", "/bin/sh", "-c",
				       scripts[i], NULL };
		char *html;

		unlink(page);
		ASSERT_EQ(0, tool_run(&r, false, NULL, NULL, argv));
		EXPECT_EQ(0, r.status) TH_LOG("'%s': %s", scripts[i], r.err);
		html = read_whole(page, NULL);
		ASSERT_NE(NULL, html) TH_LOG("'%s': no page", scripts[i]);
		EXPECT_NE(NULL, strstr(html, "\"command\":\"trace-page\"")) TH_LOG("'%s'", scripts[i]);
		EXPECT_NE(NULL, strstr(html, "\"type\":\"summary\"")) TH_LOG("'%s'", scripts[i]);
		EXPECT_NE(NULL, strstr(html, "\"vmas\":[{")) TH_LOG("'%s': no VMAs", scripts[i]);
		if (i == 2)	/* the stop was not kept: the command went on */
			EXPECT_NE(NULL, strstr(r.out, "trace of PID"));
		free(html);
		tool_result_free(&r);
	}
	unlink(page);
}

PTW_HARNESS_MAIN
