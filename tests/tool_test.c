// SPDX-License-Identifier: GPL-2.0
/*
 * The ptwalk tool (/bin/ptwalk) against independent oracles:
 * - --json of info, maps, walk, whatis, kernel, sharing and alloc says what
 *   the module's own text says for the same request;
 * - the commands' errors give their documented message and exit status
 *   (docs/tool.md): module not loaded, unprivileged, no such PID, bad VA;
 * - the SVGs it writes are well-formed XML.
 * The demo steps are checked against pagemap in demo_test.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "aspace.h"
#include "jsonread.h"
#include "kernel_oracle.h"
#include "oracle.h"
#include "ptwalk.h"
#include "toolrun.h"
#include "util.h"
#include "xmlcheck.h"

#define EXIT_USAGE	2
#define EXIT_NOMODULE	3
#define EXIT_PERM	4
#define EXIT_NOPROC	5
#define EXIT_FORMAT	6

static int run(struct tool_result *r, const char *const *argv)
{
	return tool_run(r, false, NULL, NULL, argv);
}

/* Run, expect exit 0, parse stdout as a ptwalk JSON document of @command. */
static struct jval *run_json(struct __test_metadata *_metadata,
			     const char *const *argv, const char *command)
{
	struct tool_result r;
	struct jval *doc;
	size_t at = 0;

	if (run(&r, argv) || r.status) {
		TH_LOG("ptwalk %s: status %d, stderr: %s", argv[1], r.status, r.err);
		tool_result_free(&r);
		return NULL;
	}
	doc = jparse(r.out, &at);
	if (!doc)
		TH_LOG("ptwalk %s: bad JSON at offset %zu: %.200s", argv[1], at, r.out + at);
	tool_result_free(&r);
	if (doc && (jint(jget(doc, "ptwalk_json")) != 4 ||
		    strcmp(jstr(jget(doc, "command")), command))) {
		TH_LOG("ptwalk %s: not a version-4 '%s' document", argv[1], command);
		jfree(doc);
		return NULL;
	}
	return doc;
}

static void join_flags(const struct jval *arr, char *out, size_t sz)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < jlen(arr) && n < sz; i++)
		n += snprintf(out + n, sz - n, "%s%s", i ? "," : "", jstr(jat(arr, i)));
}

/* A JSON scalar as the module wrote it: "yes"/"no", the number's digits, the string. */
static const char *scalar_text(const struct jval *j)
{
	if (j && j->type == J_BOOL)
		return j->boolean ? "yes" : "no";
	return j && (j->type == J_STR || j->type == J_NUM) ? j->text : "?";
}

/* The objects the JSON holds for @file's tags below @parent (NULL: the top). */
static size_t line_objects(const struct jval *o, const char *file, const char *parent)
{
	const struct ptw_tag *t;
	size_t n = 0, i;

	for (t = ptw_tags; t->file; t++) {
		const struct jval *m = jget(o, t->tag);

		if (strcmp(t->file, file) || !t->parent != !parent ||
		    (parent && strcmp(t->parent, parent)) || !m)
			continue;
		if (!t->many)
			n += 1 + line_objects(m, file, t->tag);
		for (i = 0; t->many && i < jlen(m); i++)
			n += 1 + line_objects(jat(m, i), file, t->tag);
	}
	return n;
}

/*
 * docs/json.md's line rule against the module's own text for the same
 * request (@body: after the header): every line is the object at its
 * place (a member named by its tag, in the object of the line it belongs
 * to; an array element where the tag may repeat) with the same fields,
 * and the JSON holds no object that is not a line. A field for which
 * @own (if any) says the value is the reader's own (the tool's and this
 * test's differ) must be there, of the same type.
 */
static void check_line_rule(struct __test_metadata *_metadata, const struct jval *doc,
			    const char *file, char *body,
			    bool (*own)(const struct ptw_line *l, const char *key))
{
	const struct jval *cur[64] = { NULL };
	size_t count[64] = { 0 }, lines = 0;
	char *line, *rest = body, val[PTW_VALUE_MAX], list[PTW_VALUE_MAX];
	const struct ptw_tag *t, *u;
	struct ptw_line l;
	int k;

	for (t = ptw_tags; t->file; t++)
		;
	ASSERT_GE(64, t - ptw_tags) TH_LOG("more tags than this check's tables hold");
	while ((line = ptw_next_line(&rest))) {
		const struct jval *in = doc, *m, *o;
		size_t ti;

		ASSERT_EQ(0, ptw_tokenize(line, &l)) TH_LOG("bad line");
		t = ptw_tag_find(file, l.tag);
		ASSERT_NE(NULL, t) TH_LOG("%s: tag '%s' not in PTW_TAGS", file, l.tag);
		ti = t - ptw_tags;
		if (t->parent) {
			in = cur[ptw_tag_find(file, t->parent) - ptw_tags];
			ASSERT_NE(NULL, in) TH_LOG("'%s' line before any '%s'", l.tag, t->parent);
		}
		m = jget(in, l.tag);
		o = t->many ? jat(m, count[ti]++) : m;
		ASSERT_NE(NULL, o) TH_LOG("%s: no object for line %zu ('%s')", file, lines, l.tag);
		ASSERT_EQ(J_OBJ, o->type);
		cur[ti] = o;
		for (u = ptw_tags; u->file; u++)
			if (!strcmp(u->file, file) && u->parent && !strcmp(u->parent, l.tag))
				count[u - ptw_tags] = 0;
		for (k = 0; k < l.n; k++) {
			const struct jval *j = jget(o, l.key[k]);

			snprintf(val, sizeof(val), "%s", l.val[k]);
			ptw_unescape(val);
			ASSERT_NE(NULL, j) TH_LOG("no '%s.%s' in the JSON", l.tag, l.key[k]);
			if (ptw_list_key(l.key[k])) {
				size_t i, n = 0;

				ASSERT_EQ(J_ARR, j->type) TH_LOG("'%s.%s'", l.tag, l.key[k]);
				list[0] = '\0';
				for (i = 0; i < jlen(j); i++)
					n += snprintf(list + n, sizeof(list) - n, "%s%s", i ? "," : "",
						      scalar_text(jat(j, i)));
				EXPECT_STREQ(strcmp(val, "-") ? val : "", list);
			} else if (own && own(&l, l.key[k])) {
				EXPECT_EQ(strncmp(val, "0x", 2) ? J_NUM : J_STR, j->type);
			} else {
				EXPECT_STREQ(val, scalar_text(j)) TH_LOG("'%s.%s'", l.tag, l.key[k]);
				/* Free text stays a string, whatever it looks like. */
				if (ptw_text_key(l.key[k]))
					EXPECT_EQ(J_STR, j->type) TH_LOG("'%s.%s'", l.tag, l.key[k]);
			}
		}
		lines++;
	}
	EXPECT_LE(1, lines);
	EXPECT_EQ(lines, line_objects(doc, file, NULL));
}

TEST(info_json_agrees_with_module)
{
	const char *argv[] = { "", "info", "--json", NULL };
	char *text = read_whole(PTWALK_DIR "/info", NULL);
	struct jval *doc = run_json(_metadata, argv, "info");
	char v[128];

	ASSERT_NE(NULL, text);
	ASSERT_NE(NULL, doc);
	ASSERT_EQ(0, strncmp(text, PTW_HEADER(info), strlen(PTW_HEADER(info))));
	check_line_rule(_metadata, doc, "info", text + strlen(PTW_HEADER(info)), NULL);
	/* The tool reads the THP mode from sysfs itself (the module cannot). */
	thp_mode_sysfs(v, sizeof(v));
	EXPECT_STREQ(v, jstr(jget(doc, "thp")));
	jfree(doc);
	free(text);
}

FIXTURE(target) {
	pid_t pid;
	struct aspace *as;
	char pidstr[16];
};

FIXTURE_SETUP(target)
{
	self->pid = aspace_spawn(&self->as);
	ASSERT_LT(0, self->pid);
	snprintf(self->pidstr, sizeof(self->pidstr), "%d", self->pid);
}

FIXTURE_TEARDOWN(target)
{
	aspace_kill(self->pid, self->as);
}

/*
 * maps --json is the module's text by the line rule, and what the tool
 * adds is the module's runs summed: each VMA's 4K pages with a frame
 * (mapped runs) and the document's total.
 */
TEST_F(target, maps_json_agrees_with_module)
{
	const char *argv[] = { "", "maps", "--json", self->pidstr, NULL };
	struct jval *doc = run_json(_metadata, argv, "maps");
	const struct jval *vmas;
	unsigned long long total = 0;
	struct pw_maps m;
	char *text;
	size_t i, k;

	ASSERT_NE(NULL, doc);
	text = pw_request(PTWALK_DIR "/maps", self->pidstr);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, strncmp(text, PTW_HEADER(maps), strlen(PTW_HEADER(maps))));
	ASSERT_EQ(0, pw_maps_parse(text, &m));
	check_line_rule(_metadata, doc, "maps", text + strlen(PTW_HEADER(maps)), NULL);
	vmas = jget(doc, "vma");
	ASSERT_EQ(m.nvmas, jlen(vmas));
	for (i = 0; i < jlen(vmas); i++) {
		const struct jval *v = jat(vmas, i);
		unsigned long long pages = 0;

		for (k = 0; k < m.nruns; k++)
			if (m.runs[k].start >= m.vmas[i].start && m.runs[k].end <= m.vmas[i].end &&
			    !strcmp(m.runs[k].kind, "mapped"))
				pages += m.runs[k].pages * (m.runs[k].page / 4096);
		EXPECT_EQ(pages, (unsigned long long)jint(jget(v, "present_pages")))
			TH_LOG("VMA %s", m.vmas[i].line);
		EXPECT_NE(NULL, jstr(jget(v, "region")));
		total += pages;
	}
	EXPECT_EQ(total, (unsigned long long)jint(jget(doc, "present_pages")));
	EXPECT_EQ(m.nruns, (size_t)jint(jget(jget(doc, "end"), "runs")));
	pw_maps_free(&m);
	free(text);
	jfree(doc);
}

/*
 * A file name is bytes, JSON is text: a name that is not UTF-8 comes out
 * as documented (docs/json.md): each byte that is no character as U+FFFD,
 * characters as they are, '<' escaped; the document stays valid JSON.
 */
TEST(maps_json_name_bytes)
{
	static const char path[] = "/tmp/ptw-json-\xff\xc0\xaf-\xc3\xa9-<x> 42";
	static const char want[] =
		"\"/tmp/ptw-json-\\ufffd\\ufffd\\ufffd-\xc3\xa9-\\u003cx> 42\"";
	char pid[16];
	const char *argv[] = { "", "maps", "--json", pid, NULL };
	struct tool_result r;
	struct jval *doc;
	void *p;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, ftruncate(fd, 4096));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, run(&r, argv));
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("no %s in the JSON", want);
	EXPECT_EQ(NULL, strchr(r.out, '\xff'));
	EXPECT_EQ(NULL, strstr(r.out, "\xc0\xaf"));
	doc = jparse(r.out, NULL);
	EXPECT_NE(NULL, doc);
	jfree(doc);
	tool_result_free(&r);
	munmap(p, 4096);
	close(fd);
	unlink(path);
}

/*
 * A kernel walk starts in the reader's own top-level table: its address
 * and the top-level entry's are the tool's, not this test's.
 */
static bool kernel_walk_own(const struct ptw_line *l, const char *key)
{
	return (!strcmp(l->tag, "top") && !strcmp(key, "pa")) ||
	       (!strcmp(l->tag, "level") && !strcmp(key, "entry") &&
		!strcmp(ptw_get(l, "name"), "PGD"));
}

/* walk --json is the module's answer to the same request by the line rule. */
static void check_walk(struct __test_metadata *_metadata, const char *who,
		       unsigned long va)
{
	char vastr[32], req[64], *text;
	const char *argv[] = { "", "walk", "--json", who, vastr, NULL };
	struct jval *doc;
	struct pw_walk w;

	snprintf(vastr, sizeof(vastr), "0x%lx", va);
	snprintf(req, sizeof(req), "%s %s", who, vastr);
	doc = run_json(_metadata, argv, "walk");
	ASSERT_NE(NULL, doc);
	ASSERT_EQ(0, pw_walk(req, &w, &text)) TH_LOG("walk %s: %s", req, strerror(errno));
	ASSERT_EQ(0, strncmp(text, PTW_HEADER(walk), strlen(PTW_HEADER(walk))));
	check_line_rule(_metadata, doc, "walk", text + strlen(PTW_HEADER(walk)),
			strcmp(who, "kernel") ? NULL : kernel_walk_own);
	/* Exactly one outcome, the module's. */
	EXPECT_EQ(w.translated, jget(doc, "result") != NULL) TH_LOG("%s", req);
	EXPECT_EQ(!w.translated, jget(doc, "stop") != NULL) TH_LOG("%s", req);
	if (w.translated) {
		EXPECT_EQ(w.pa, jhex(jget(jget(doc, "result"), "pa")));
	} else {
		EXPECT_STREQ(w.stop, jstr(jget(jget(doc, "stop"), "reason")));
	}
	free(text);
	jfree(doc);
}

TEST_F(target, walk_json_agrees_with_module)
{
	check_walk(_metadata, self->pidstr, self->as->text);
	check_walk(_metadata, self->pidstr, self->as->heap);
	check_walk(_metadata, self->pidstr, self->as->partial);
	check_walk(_metadata, self->pidstr, self->as->partial + AS_PAGE);
	check_walk(_metadata, self->pidstr, self->as->thp);
	check_walk(_metadata, self->pidstr, self->as->stack);
	check_walk(_metadata, self->pidstr, 0x1000);
	check_walk(_metadata, self->pidstr, 0xffff888000000000UL);
}

/* The kernel's text: from kallsyms (root sees addresses), else a guess. */
static unsigned long kernel_text(void)
{
	char *syms = read_whole("/proc/kallsyms", NULL), *p;
	unsigned long va = 0xffffffff81000000UL;

	p = syms ? strstr(syms, " T _text\n") : NULL;
	if (p) {
		while (p > syms && p[-1] != '\n')
			p--;
		if (strtoul(p, NULL, 16))
			va = strtoul(p, NULL, 16);
	}
	free(syms);
	return va;
}

TEST(walk_kernel_json_agrees_with_module)
{
	check_walk(_metadata, "kernel", kernel_text());
	check_walk(_metadata, "kernel", 0xffff800000000000UL);
}

/* Every key of the module's whatis answer is in the JSON, same value. */
TEST(whatis_json_agrees_with_module)
{
	char va[32];
	const char *argv[] = { "", "whatis", "--json", va, NULL };
	struct jval *doc;
	char *text;

	if (access(PTWALK_DIR "/whatis", F_OK))
		SKIP(return, "module has no /proc/ptwalk/whatis");
	snprintf(va, sizeof(va), "0x%lx", kernel_text());
	doc = run_json(_metadata, argv, "whatis");
	ASSERT_NE(NULL, doc);
	text = pw_request(PTWALK_DIR "/whatis", va);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, strncmp(text, PTW_HEADER(whatis), strlen(PTW_HEADER(whatis))));
	check_line_rule(_metadata, doc, "whatis", text + strlen(PTW_HEADER(whatis)), NULL);
	free(text);
	jfree(doc);
}

/*
 * "kernel-text" names the kernel image where KASLR put it this boot: the
 * address the tool resolves it to is _text in /proc/kallsyms (root reads
 * the real addresses), and whatis and walk both translate it.
 */
TEST(kernel_text_is_kallsyms_text)
{
	const char *wargv[] = { "", "whatis", "--json", "kernel-text", NULL };
	const char *kargv[] = { "", "walk", "--json", "kernel", "kernel-text", NULL };
	char *syms = read_whole("/proc/kallsyms", NULL);
	struct jval *doc;

	ASSERT_NE(NULL, syms);
	if (!strstr(syms, " T _text\n") || kernel_text() == 0xffffffff81000000UL) {
		free(syms);
		SKIP(return, "/proc/kallsyms hides _text (kptr_restrict): no oracle");
	}
	free(syms);
	doc = run_json(_metadata, wargv, "whatis");
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(kernel_text(), jhex(jget(jget(doc, "target"), "va")));
	EXPECT_STREQ("kernel-image", jstr(jget(jget(doc, "target"), "region")));
	EXPECT_NE(NULL, jget(doc, "leaf"));
	EXPECT_TRUE(jbool(jget(jget(doc, "helper"), "agree")));
	jfree(doc);
	doc = run_json(_metadata, kargv, "walk");
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(kernel_text(), jhex(jget(jget(doc, "target"), "va")));
	EXPECT_NE(NULL, jget(jget(doc, "result"), "pa"));
	jfree(doc);
}

/* tables --json: the module's counts, and VmPTE as the kernel counts it. */
TEST_F(target, tables_json_agrees_with_module_and_vmpte)
{
	const char *argv[] = { "", "tables", "--json", self->pidstr, NULL };
	char path[64], v[32], *status, *text;
	struct jval *doc;

	if (access(PTWALK_DIR "/tables", F_OK))
		SKIP(return, "module has no /proc/ptwalk/tables");
	doc = run_json(_metadata, argv, "tables");
	ASSERT_NE(NULL, doc);
	text = pw_request(PTWALK_DIR "/tables", self->pidstr);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, strncmp(text, PTW_HEADER(tables), strlen(PTW_HEADER(tables))));
	check_line_rule(_metadata, doc, "tables", text + strlen(PTW_HEADER(tables)), NULL);
	snprintf(path, sizeof(path), "/proc/%d/status", self->pid);
	status = read_whole(path, NULL);
	ASSERT_NE(NULL, status);
	ASSERT_TRUE(kv_get(status, "VmPTE", v, sizeof(v)));
	EXPECT_EQ(strtoull(v, NULL, 10) * 1024, jint(jget(jget(doc, "vmpte"), "bytes")));
	EXPECT_EQ(self->pid, jint(jget(jget(doc, "target"), "pid")));
	EXPECT_EQ(cpu_has_flag("la57") ? 5U : 4U, jlen(jget(doc, "level")));
	free(status);
	free(text);
	jfree(doc);
}

/* ---- kernel, sharing, alloc ------------------------------------------ */

/* Bytes of a page-size name ("4K", "2M", "1G"), 0 for another. */
static unsigned long size_bytes(const char *name)
{
	return !strcmp(name, "4K") ? 4096UL : !strcmp(name, "2M") ? 2UL << 20 :
	       !strcmp(name, "1G") ? 1UL << 30 : 0;
}

/* Regions whose runs do not change while the tests run (vmalloc does). */
static bool stable_region(const char *name)
{
	return !strcmp(name, "kernel-image") || !strcmp(name, "cpu-entry-area") ||
	       !strcmp(name, "fixmap") || !strcmp(name, "espfix");
}

/* Runs of @c that lie in region @g. */
static size_t region_runs(const struct ko_copy *c, const struct ko_region *g,
			  const struct ko_range **first)
{
	size_t i, n = 0;

	*first = NULL;
	for (i = 0; i < c->nruns; i++) {
		if (c->runs[i].start < g->start ||
		    (g->end && c->runs[i].start >= g->end))
			continue;
		if (!n++)
			*first = &c->runs[i];
	}
	return n;
}

/*
 * The tool reads its own table and this test its own; both map the same
 * kernel half. Regions must be identical; runs of the stable regions too
 * (the vmalloc area changes as processes come and go).
 */
TEST(kernel_json_agrees_with_module)
{
	const char *argv[] = { "", "kernel", "--json", NULL };
	char *text = read_whole(PTWALK_DIR "/kernel", NULL);
	const struct jval *copies;
	struct jval *doc;
	struct ko_dump d;
	size_t c, g, k, total = 0;

	ASSERT_NE(NULL, text) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, ko_parse_dump(text, &d));
	doc = run_json(_metadata, argv, "kernel");
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(d.levels, jint(jget(jget(doc, "layout"), "levels")));
	EXPECT_STREQ(d.pti ? "on" : "off", jstr(jget(jget(doc, "layout"), "pti")));
	copies = jget(doc, "copy");
	ASSERT_EQ((size_t)d.ncopies, jlen(copies));
	for (c = 0; c < jlen(copies); c++) {
		const struct ko_copy *kc = &d.copy[c];
		const struct jval *jc = jat(copies, c), *regions = jget(jc, "region");

		EXPECT_STREQ(kc->name, jstr(jget(jc, "name")));
		ASSERT_EQ(kc->nregions, jlen(regions));
		for (g = 0; g < kc->nregions; g++) {
			const struct ko_region *kg = &kc->regions[g];
			const struct jval *jg = jat(regions, g), *runs = jget(jg, "run");
			const struct ko_range *first;
			size_t n = region_runs(kc, kg, &first);

			EXPECT_STREQ(kg->name, jstr(jget(jg, "name")));
			EXPECT_EQ(kg->start, jhex(jget(jg, "start")));
			EXPECT_EQ(kg->end, jhex(jget(jg, "end")));
			total += jlen(runs);
			if (!stable_region(kg->name))
				continue;
			ASSERT_EQ(n, jlen(runs)) TH_LOG("%s copy, region %s", kc->name, kg->name);
			for (k = 0; k < n; k++) {
				const struct jval *r = jat(runs, k);

				EXPECT_EQ(first[k].start, jhex(jget(r, "start")));
				EXPECT_EQ(first[k].end, jhex(jget(r, "end")));
				EXPECT_EQ(first[k].pa, jhex(jget(r, "pa")));
				EXPECT_EQ(first[k].page, size_bytes(jstr(jget(r, "size"))));
				EXPECT_STREQ(first[k].cache, jstr(jget(r, "cache")));
			}
		}
	}
	EXPECT_EQ(total, (size_t)jint(jget(jget(doc, "end"), "runs")));
	ko_dump_free(&d);
	jfree(doc);
	free(text);
}

static const struct jval *slot_by_index(const struct jval *slots, unsigned int index)
{
	size_t i;

	for (i = 0; i < jlen(slots); i++)
		if ((unsigned int)jint(jget(jat(slots, i), "index")) == index)
			return jat(slots, i);
	return NULL;
}

/*
 * The tool's scan (the tool as reader) and this test's (this test as
 * reader): the same slots in use, pointing to the same tables, naming the
 * same regions; the tool's JSON keeps the module's counts consistent.
 */
TEST(sharing_json_agrees_with_module)
{
	const char *argv[] = { "", "sharing", "--json", NULL };
	char *text = read_whole(PTWALK_DIR "/sharing", NULL), regions[192];
	struct jval *doc;
	struct ko_sharing sh;
	size_t i, nk = 0, nu = 0;

	ASSERT_NE(NULL, text) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, ko_parse_sharing(text, &sh));
	doc = run_json(_metadata, argv, "sharing");
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(sh.levels, jint(jget(jget(doc, "reader"), "levels")));
	EXPECT_STREQ(sh.pti ? "on" : "off", jstr(jget(jget(doc, "reader"), "pti")));
	EXPECT_STREQ(sh.levels == 5 ? "256T" : "512G",
		     jstr(jget(jget(doc, "reader"), "slot_size")));
	EXPECT_EQ(sh.user_copy_none, jget(doc, "user-copy") != NULL);
	for (i = 0; i < sh.nslots; i++) {
		const struct ko_slot *ks = &sh.slots[i];
		const struct jval *js = slot_by_index(jget(doc, ks->user ? "user-slot" : "slot"),
						      ks->index);

		ks->user ? nu++ : nk++;
		ASSERT_NE(NULL, js) TH_LOG("slot %u (user %d) missing", ks->index, ks->user);
		EXPECT_EQ(ks->start, jhex(jget(js, "start")));
		EXPECT_EQ(ks->end, jhex(jget(js, "end")));
		EXPECT_EQ(ks->next, jhex(jget(js, "next")));
		join_flags(jget(js, "regions"), regions, sizeof(regions));
		EXPECT_STREQ(strcmp(ks->regions, "-") ? ks->regions : "", regions);
		if (ks->user) {
			EXPECT_STREQ(ks->kernel, jstr(jget(js, "kernel")));
		} else {
			EXPECT_EQ(ks->tables, (unsigned long)jint(jget(js, "tables")));
		}
		EXPECT_EQ(J_ARR, jget(js, ks->user ? "user-exception" : "exception")->type);
	}
	EXPECT_EQ(nk, jlen(jget(doc, "slot")));
	EXPECT_EQ(nu, jlen(jget(doc, "user-slot")));
	EXPECT_EQ(sh.in_use, (unsigned long)jint(jget(jget(doc, "total"), "slots")));
	EXPECT_EQ(sh.tables, (unsigned long)jint(jget(jget(doc, "total"), "tables")));
	ko_sharing_free(&sh);
	jfree(doc);
	free(text);
}

#define ALLOC_REQS	"kmalloc 100", "kmalloc 64 3", "pages 2", "vmalloc 64K"

/* At the tool's --hold stop: the kernel dump while its allocations live. */
static void keep_kernel_dump(pid_t pid, int stop, void *ctx)
{
	char **dump = ctx;

	(void)pid;
	if (stop == 0)
		*dump = read_whole(PTWALK_DIR "/kernel", NULL);
}

/* PA of @va in the saved dump (the kernel copy), or 0. */
static unsigned long long dump_pa(const struct ko_dump *d, unsigned long va)
{
	const struct ko_range *r = ko_run_find(ko_copy_get(d, "kernel"), va);

	return r ? r->pa + (va - r->start) : 0;
}

/* The module's "alloc" line of allocation @id for the same request. */
static char *module_alloc_line(const char *text, int id)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "alloc id=%d ", id);
	return line_find(text, prefix, 0);
}

/*
 * The same requests to the module directly: every field that does not
 * depend on where memory lands is equal. Where it landed: every physical
 * address in the JSON is what the module's kernel dump, read while the
 * tool held the allocations (--hold), maps that address to.
 */
TEST(alloc_json_agrees_with_module)
{
	const char *argv[] = { "", "alloc", "--json", "--hold", ALLOC_REQS, NULL };
	static const char *const reqs[] = { ALLOC_REQS };
	const struct jval *allocs;
	char *dump = NULL, *text;
	struct tool_result r;
	struct jval *doc;
	struct ko_dump d;
	size_t i, k;
	int fd;

	if (access(PTWALK_DIR "/alloc", F_OK))
		SKIP(return, "module has no /proc/ptwalk/alloc");
	fd = open(PTWALK_DIR "/alloc", O_RDWR);
	ASSERT_LE(0, fd);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		ASSERT_EQ(0, req_write(fd, "%s", reqs[i]));
	text = read_all_fd(fd);
	close(fd);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, tool_run(&r, false, keep_kernel_dump, &dump, argv));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = jparse(r.out, NULL);
	tool_result_free(&r);
	ASSERT_NE(NULL, doc);
	ASSERT_NE(NULL, dump);
	ASSERT_EQ(0, ko_parse_dump(dump, &d));
	allocs = jget(doc, "alloc");
	ASSERT_EQ(4, jlen(allocs));
	for (i = 0; i < jlen(allocs); i++) {
		const struct jval *a = jat(allocs, i), *items;
		char *l = module_alloc_line(text, i + 1), kind[16];
		unsigned long long first, last;
		const char *keys[] = { "size", "count", "bucket", "bytes", "order", "pages", NULL };
		const char **key;

		ASSERT_NE(NULL, l);
		ASSERT_TRUE(line_field(l, "kind", kind, sizeof(kind)));
		EXPECT_STREQ(kind, jstr(jget(a, "kind")));
		for (key = keys; *key; key++) {
			if (line_num(l, *key) == ULLONG_MAX)
				continue;
			EXPECT_EQ(line_num(l, *key), (unsigned long long)jint(jget(a, *key)))
				TH_LOG("alloc %zu %s", i + 1, *key);
		}
		if (!strcmp(kind, "pages")) {
			EXPECT_EQ(1, jint(jget(a, "runs")));
			EXPECT_EQ(dump_pa(&d, jhex(jget(a, "va"))), jhex(jget(a, "pa")));
			ASSERT_EQ(0, ptw_range(jstr(jget(a, "pfns")), &first, &last));
			EXPECT_EQ(first + 3, last);
			EXPECT_EQ(first, jhex(jget(a, "pa")) >> 12);
		}
		items = jget(a, !strcmp(kind, "kmalloc") ? "object" : "page");
		if (strcmp(kind, "pages")) {
			EXPECT_EQ(line_num(l, "count") != ULLONG_MAX ? line_num(l, "count") :
				  line_num(l, "pages"), jlen(items));
		}
		for (k = 0; k < jlen(items); k++) {
			const struct jval *it = jat(items, k);

			EXPECT_EQ(dump_pa(&d, jhex(jget(it, "va"))), jhex(jget(it, "pa")))
				TH_LOG("alloc %zu item %zu va 0x%llx", i + 1, k, jhex(jget(it, "va")));
		}
		free(l);
	}
	ko_dump_free(&d);
	free(dump);
	free(text);
	jfree(doc);
}

/* ---- errors ---------------------------------------------------------- */

static void expect_error(struct __test_metadata *_metadata, bool nobody,
			 const char *const *argv, int status, const char *msg)
{
	struct tool_result r;

	ASSERT_EQ(0, tool_run(&r, nobody, NULL, NULL, argv));
	EXPECT_EQ(status, r.status) TH_LOG("ptwalk %s: stderr: %s", argv[1], r.err);
	EXPECT_NE(NULL, strstr(r.err, msg)) TH_LOG("stderr: %s", r.err);
	/* One line, and nothing on stdout. */
	EXPECT_EQ(strlen(r.err) - 1, strcspn(r.err, "\n"));
	EXPECT_STREQ("", r.out);
	tool_result_free(&r);
}

TEST(error_alloc_requests)
{
	const char *unknown[] = { "", "alloc", "bogus", "1", NULL };
	const char *refused[] = { "", "alloc", "kmalloc", "0", NULL };
	const char *no_id[] = { "", "alloc", "free", "7", NULL };

	expect_error(_metadata, false, unknown, EXIT_USAGE, "is not a request");
	expect_error(_metadata, false, refused, EXIT_USAGE, "the module refused the request 'kmalloc 0'");
	expect_error(_metadata, false, no_id, 1, "no such allocation");
}

/*
 * A module whose format this tool does not read: the tool refuses it with
 * EXIT_FORMAT and names the module release that prints what it reads
 * (docs/tool.md). /proc/ptwalk/info is overlaid, in this test's own mount
 * namespace, by what module 0.1.0 printed (info format 2), by a format
 * from the future, and by something else.
 */
static bool overlay_info(struct __test_metadata *_metadata, const char *text)
{
	const char *path = "/tmp/ptwalk-overlay-info";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		TH_LOG("%s: %s", path, strerror(errno));
		return false;
	}
	close(fd);
	umount2(PTWALK_DIR "/info", MNT_DETACH);
	if (mount(path, PTWALK_DIR "/info", NULL, MS_BIND, NULL)) {
		TH_LOG("bind %s over " PTWALK_DIR "/info: %s", path, strerror(errno));
		return false;
	}
	return true;
}

TEST(format_version_mismatch_names_the_module_needed)
{
	const char *info[] = { "", "info", NULL };
	char want[160];

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		SKIP(return, "no private mount namespace: %s", strerror(errno));
	snprintf(want, sizeof(want), "this ptwalk reads ptwalk-info %d, which the ptwalk module %s prints",
		 PTW_VERSION_info, PTWALK_VERSION);
	ASSERT_TRUE(overlay_info(_metadata,
				 "ptwalk-info 2\nversion: 0.1.0\nrelease: 6.1.0\npaging_levels: 4\n"));
	expect_error(_metadata, false, info, EXIT_FORMAT,
		     "/proc/ptwalk/info has format ptwalk-info 2 (module 0.1.0)");
	expect_error(_metadata, false, info, EXIT_FORMAT, want);
	ASSERT_TRUE(overlay_info(_metadata, "ptwalk-info 9\nmodule version=0.9.0 files_open=0\n"));
	expect_error(_metadata, false, info, EXIT_FORMAT,
		     "/proc/ptwalk/info has format ptwalk-info 9 (module 0.9.0)");
	expect_error(_metadata, false, info, EXIT_FORMAT, want);
	ASSERT_TRUE(overlay_info(_metadata, "something else\n"));
	expect_error(_metadata, false, info, EXIT_FORMAT, "/proc/ptwalk/info: not a ptwalk-info file");
	ASSERT_TRUE(overlay_info(_metadata, ""));
	expect_error(_metadata, false, info, EXIT_FORMAT, "/proc/ptwalk/info: empty or cut short");
	umount2(PTWALK_DIR "/info", MNT_DETACH);
}

TEST(error_module_not_loaded)
{
	const char *info[] = { "", "info", NULL };
	const char *maps[] = { "", "maps", "--json", NULL };
	const char *demo[] = { "", "demo", "1", NULL };

	if (access("/lib/modules/ptwalk.ko", R_OK))
		SKIP(return, "no /lib/modules/ptwalk.ko to reload");
	if (ptwalk_loaded())
		ASSERT_EQ(0, module_unload("ptwalk"));
	expect_error(_metadata, false, info, EXIT_NOMODULE, "sudo insmod module/ptwalk.ko");
	expect_error(_metadata, false, maps, EXIT_NOMODULE, "module not loaded");
	expect_error(_metadata, false, demo, EXIT_NOMODULE, "module not loaded");
	ASSERT_EQ(0, module_load(NULL)) TH_LOG("reload: %s", strerror(errno));
}

TEST(error_unprivileged)
{
	const char *maps[] = { "", "maps", "1", NULL };
	const char *walk[] = { "", "walk", "kernel", "0xffffffff81000000", NULL };
	const char *frames[] = { "", "frames", "self", NULL };
	const char *walk1[] = { "", "walk", "1", "0x400000", NULL };
	const char *kernel[] = { "", "kernel", NULL };
	const char *sharing[] = { "", "sharing", "--json", NULL };
	const char *alloc[] = { "", "alloc", "kmalloc", "100", NULL };
	const char *whatis[] = { "", "whatis", "0xffffffff81000000", NULL };
	const char *demo9[] = { "", "demo", "9", NULL };

	expect_error(_metadata, true, maps, EXIT_PERM, "run as root");
	expect_error(_metadata, true, walk, EXIT_PERM, "run as root");
	expect_error(_metadata, true, walk1, EXIT_PERM, "run as root");
	expect_error(_metadata, true, frames, EXIT_PERM, "run as root");
	expect_error(_metadata, true, kernel, EXIT_PERM, "run as root");
	expect_error(_metadata, true, sharing, EXIT_PERM, "run as root");
	expect_error(_metadata, true, alloc, EXIT_PERM, "run as root");
	expect_error(_metadata, true, whatis, EXIT_PERM, "run as root");
	expect_error(_metadata, true, demo9, EXIT_PERM, "run as root");
}

TEST(unprivileged_own_maps_works)
{
	const char *argv[] = { "", "maps", "--json", NULL };
	const struct jval *vmas;
	struct tool_result r;
	size_t i, k, n = 0;
	struct jval *doc;

	ASSERT_EQ(0, tool_run(&r, true, NULL, NULL, argv));
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	doc = jparse(r.out, NULL);
	ASSERT_NE(NULL, doc);
	/* Physical addresses are root's: hidden, every one 0. */
	EXPECT_STREQ("hidden", jstr(jget(jget(doc, "target"), "pfn")));
	vmas = jget(doc, "vma");
	ASSERT_LT(0, jlen(vmas));
	for (i = 0; i < jlen(vmas); i++) {
		const struct jval *runs = jget(jat(vmas, i), "run");

		for (k = 0; k < jlen(runs); k++, n++)
			EXPECT_STREQ("0x0", jstr(jget(jat(runs, k), "pa")));
	}
	EXPECT_LT(0, n);
	jfree(doc);
	tool_result_free(&r);
}

/* A PID that is free: above every live one, below pid_max. */
static pid_t free_pid(void)
{
	char *s = read_whole("/proc/sys/kernel/pid_max", NULL);
	pid_t pid = s ? atoi(s) - 1 : 32767;

	free(s);
	while (pid > 2 && kill(pid, 0) == 0)
		pid--;
	return pid;
}

TEST(error_no_such_pid)
{
	char p[16];
	const char *maps[] = { "", "maps", p, NULL };
	const char *walk[] = { "", "walk", p, "0x400000", NULL };
	const char *frames[] = { "", "frames", "1", p, NULL };

	snprintf(p, sizeof(p), "%d", free_pid());
	expect_error(_metadata, false, maps, EXIT_NOPROC, "no such process");
	expect_error(_metadata, false, walk, EXIT_NOPROC, "no such process");
	expect_error(_metadata, false, frames, EXIT_NOPROC, "no such process");
}

TEST(error_malformed_va_and_pid)
{
	const char *bad_va[][5] = {
		{ "", "walk", "1", "0xzz", NULL },
		{ "", "walk", "1", "", NULL },
		{ "", "walk", "kernel", "0x1fffffffffffffffff", NULL },
		{ "", "walk", "1", "12 34", NULL },
	};
	const char *bad_pid[] = { "", "maps", "12abc", NULL };
	const char *neg_pid[] = { "", "walk", "-5", "0x1000", NULL };
	const char *neg_va[] = { "", "walk", "1", "-1", NULL };
	size_t i;

	for (i = 0; i < sizeof(bad_va) / sizeof(bad_va[0]); i++)
		expect_error(_metadata, false, bad_va[i], EXIT_USAGE, "malformed address");
	expect_error(_metadata, false, bad_pid, EXIT_USAGE, "malformed PID");
	expect_error(_metadata, false, neg_pid, EXIT_USAGE, "malformed PID");
	expect_error(_metadata, false, neg_va, EXIT_USAGE, "malformed PID or address");
}

TEST(help_for_every_command)
{
	static const char *const cmds[] = { "info", "maps", "walk", "frames", "kernel",
					    "sharing", "alloc", "whatis", "demo", "html" };
	struct tool_result r;
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *argv[] = { "", cmds[i], "--help", NULL };

		ASSERT_EQ(0, run(&r, argv));
		EXPECT_EQ(0, r.status);
		EXPECT_EQ(0, strncmp(r.out, "usage: ptwalk ", 14)) TH_LOG("%s", cmds[i]);
		tool_result_free(&r);
	}
}

/* ---- pictures -------------------------------------------------------- */

static void check_svg(struct __test_metadata *_metadata, const char *path)
{
	char why[128];
	char *svg = read_whole(path, NULL);

	ASSERT_NE(NULL, svg) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_NE(NULL, strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	EXPECT_EQ(0, xml_check(svg, why, sizeof(why))) TH_LOG("%s: %s", path, why);
	/* Self-contained: no external references or scripts. */
	EXPECT_EQ(NULL, strstr(svg, "href"));
	EXPECT_EQ(NULL, strstr(svg, "<script"));
	free(svg);
}

TEST_F(target, svgs_are_well_formed_xml)
{
	const char *maps[] = { "", "maps", self->pidstr, "--svg", "/tmp/tt-maps.svg", NULL };
	const char *frames[] = { "", "frames", "1", self->pidstr, "--svg", "/tmp/tt-frames.svg", NULL };
	struct tool_result r;

	ASSERT_EQ(0, run(&r, maps));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	tool_result_free(&r);
	check_svg(_metadata, "/tmp/tt-maps.svg");
	ASSERT_EQ(0, run(&r, frames));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	tool_result_free(&r);
	check_svg(_metadata, "/tmp/tt-frames.svg");
}

/* A file name that needs escaping ends up as text in the picture. */
TEST(svg_escapes_names)
{
	const char *name = "/tmp/a<b>&\"c'\001d";
	const char *maps[] = { "", "maps", "self", "--svg", "/tmp/tt-esc.svg", NULL };
	struct tool_result r;
	int fd = open(name, O_CREAT | O_RDWR, 0644);
	char *svg;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	close(fd);
	/* The tool maps nothing of ours: use a child that maps the file. */
	{
		char p[16], why[128], c = 0;
		int mapped[2];
		pid_t pid;

		ASSERT_EQ(0, pipe(mapped));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			int f = open(name, O_RDONLY);

			if (f < 0 || mmap(NULL, 4096, PROT_READ, MAP_SHARED, f, 0) == MAP_FAILED)
				_exit(1);
			if (write(mapped[1], &c, 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		close(mapped[1]);
		/* A byte when the file is mapped; EOF if the child failed. */
		ASSERT_EQ(1, read(mapped[0], &c, 1));
		close(mapped[0]);
		snprintf(p, sizeof(p), "%d", pid);
		maps[2] = p;
		ASSERT_EQ(0, run(&r, maps));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
		tool_result_free(&r);
		svg = read_whole("/tmp/tt-esc.svg", NULL);
		ASSERT_NE(NULL, svg);
		EXPECT_EQ(0, xml_check(svg, why, sizeof(why))) TH_LOG("%s", why);
		EXPECT_NE(NULL, strstr(svg, "a&lt;b&gt;&amp;&quot;c&apos;?d"));
		free(svg);
	}
	unlink(name);
}

TEST(demo_out_files_parse)
{
	const char *argv[] = { "", "demo", "1", "6", "--out", "/tmp/tt-demo", NULL };
	struct tool_result r;
	struct dirent *de;
	int svgs = 0, jsons = 0;
	DIR *d;

	ASSERT_EQ(0, run(&r, argv));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	tool_result_free(&r);
	d = opendir("/tmp/tt-demo");
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		char path[300];
		size_t n = strlen(de->d_name);

		snprintf(path, sizeof(path), "/tmp/tt-demo/%s", de->d_name);
		if (n > 4 && !strcmp(de->d_name + n - 4, ".svg")) {
			check_svg(_metadata, path);
			svgs++;
		} else if (n > 5 && !strcmp(de->d_name + n - 5, ".json")) {
			char *t = read_whole(path, NULL);
			struct jval *doc = t ? jparse(t, NULL) : NULL;

			EXPECT_NE(NULL, doc) TH_LOG("%s does not parse", path);
			EXPECT_STREQ("demo-step", jstr(jget(doc, "command")));
			EXPECT_TRUE(jbool(jget(doc, "expected")));
			jfree(doc);
			free(t);
			jsons++;
		}
	}
	closedir(d);
	EXPECT_EQ(2, jsons);
	EXPECT_EQ(2, svgs);	/* maps-self.svg, step6-frames.svg */
}

PTW_HARNESS_MAIN
