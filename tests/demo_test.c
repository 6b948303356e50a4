// SPDX-License-Identifier: GPL-2.0
/*
 * `ptwalk demo` steps against the kernel's own oracles. Each step runs
 * with --hold: the tool stops itself after every snapshot it takes, and
 * while it is stopped this test reads /proc/PID/pagemap (and smaps) of the
 * tool and of its children. Afterwards every snapshot in the step's JSON
 * must agree page by page with the pagemap read at its stop: the same
 * pages present, the same frames. Then the step's own claims are checked
 * against pagemap: k of n present after touching k, the copy-on-write
 * relations of step 6, the 2M leaf of step 7 when smaps shows
 * AnonHugePages. Steps 9 and 10 are checked against what the module shows
 * this test (another reader) at the same stops: every process's kernel
 * slots point to the same tables; the allocations sit where the kernel
 * dump maps them, in the bucket and order the module's own alloc file
 * names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "jsonread.h"
#include "kernel_oracle.h"
#include "oracle.h"
#include "ptwalk.h"
#include "toolrun.h"
#include "util.h"
#include "xmlcheck.h"

#define MAX_STOPS	16
#define MAX_PROCS	4
#define BIG_VMA		(64UL << 20)	/* larger VMAs (the tool's arena) skipped */

struct cap_vma {
	unsigned long start, end;
	bool private_writable;		/* perms rw?p */
	uint64_t *pm;
};

struct cap_proc {
	pid_t pid;
	int nr;
	struct cap_vma *vmas;
	char *smaps;
};

struct stop_capture {
	int nprocs;
	struct cap_proc procs[MAX_PROCS];
};

struct run_capture {
	int nstops;
	struct stop_capture stops[MAX_STOPS];
};

static void capture_proc(struct cap_proc *cp, pid_t pid)
{
	struct pm_vma *v;
	char path[64];
	int n = proc_maps(pid, &v), i;

	cp->pid = pid;
	if (n < 0)
		return;
	cp->vmas = calloc(n, sizeof(*cp->vmas));
	for (i = 0; i < n; i++) {
		if (v[i].end - v[i].start > BIG_VMA)
			continue;
		const char *perms = strchr(v[i].line, ' ');

		cp->vmas[cp->nr].start = v[i].start;
		cp->vmas[cp->nr].end = v[i].end;
		cp->vmas[cp->nr].private_writable = perms && strlen(perms) > 4 &&
						    perms[2] == 'w' && perms[4] == 'p';
		cp->vmas[cp->nr].pm = pagemap_range(pid, v[i].start, v[i].end);
		cp->nr++;
	}
	free(v);
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	cp->smaps = read_whole(path, NULL);
}

/* At each stop: the tool and each child listed in /proc/PID/task/PID/children. */
/*
 * The tool is stopped: capture it and its children, found by their PPid
 * in /proc (not /proc/PID/task/TID/children, which needs
 * CONFIG_PROC_CHILDREN and lists only one thread's children).
 */
static void at_stop(pid_t pid, int stop, void *ctx)
{
	struct run_capture *rc = ctx;
	struct stop_capture *sc;
	struct dirent *de;
	DIR *dir;

	if (stop >= MAX_STOPS)
		return;
	sc = &rc->stops[stop];
	rc->nstops = stop + 1;
	capture_proc(&sc->procs[sc->nprocs++], pid);
	dir = opendir("/proc");
	while (dir && (de = readdir(dir)) && sc->nprocs < MAX_PROCS) {
		pid_t child = atoi(de->d_name);

		if (child > 0 && proc_status_num(child, "PPid") == pid)
			capture_proc(&sc->procs[sc->nprocs++], child);
	}
	if (dir)
		closedir(dir);
}

static void free_capture(struct run_capture *rc)
{
	int s, p, v;

	for (s = 0; s < rc->nstops; s++)
		for (p = 0; p < rc->stops[s].nprocs; p++) {
			struct cap_proc *cp = &rc->stops[s].procs[p];

			for (v = 0; v < cp->nr; v++)
				free(cp->vmas[v].pm);
			free(cp->vmas);
			free(cp->smaps);
		}
}

/* pagemap entry of @va in @pid at @stop; 0 if not captured (no VMA). */
static uint64_t pm_at(const struct run_capture *rc, int stop, pid_t pid,
		      unsigned long va, bool *covered)
{
	const struct stop_capture *sc = &rc->stops[stop];
	int p, v;

	*covered = false;
	for (p = 0; p < sc->nprocs; p++) {
		if (sc->procs[p].pid != pid)
			continue;
		for (v = 0; v < sc->procs[p].nr; v++) {
			const struct cap_vma *cv = &sc->procs[p].vmas[v];

			if (va >= cv->start && va < cv->end && cv->pm) {
				*covered = true;
				return cv->pm[(va - cv->start) / 4096];
			}
		}
	}
	return 0;
}

/*
 * Physical address of @va per the snapshot's runs; false if none. Runs
 * are the module's lines, not clipped to the range: a run's pa is that of
 * its start, its frames consecutive (docs/interface.md).
 */
static bool json_pa(const struct jval *snap, unsigned long va, unsigned long long *pa)
{
	const struct jval *vmas = jget(snap, "vma");
	size_t i, k;

	for (i = 0; i < jlen(vmas); i++) {
		const struct jval *runs = jget(jat(vmas, i), "run");

		for (k = 0; k < jlen(runs); k++) {
			const struct jval *r = jat(runs, k);
			unsigned long s = jhex(jget(r, "start")), e = jhex(jget(r, "end"));

			if (va >= s && va < e && !strcmp(jstr(jget(r, "kind")), "mapped")) {
				*pa = jhex(jget(r, "pa")) + (va - s);
				return true;
			}
		}
	}
	return false;
}

struct demo_run {
	struct jval *doc;
	const struct jval *step;
	struct run_capture cap;
	unsigned long lo, hi;
};

/* @out: also --out @out (the step's pictures), or NULL. */
static int run_step_out(struct __test_metadata *_metadata, int n, const char *out,
			struct demo_run *d)
{
	char num[8];
	const char *argv[] = { "", "demo", num, "--json", "--hold", out ? "--out" : NULL,
			       out, NULL };
	struct tool_result r;
	size_t at = 0;

	memset(d, 0, sizeof(*d));
	snprintf(num, sizeof(num), "%d", n);
	if (tool_run(&r, false, at_stop, &d->cap, argv))
		return -1;
	if (r.status) {
		TH_LOG("demo %d: status %d: %s", n, r.status, r.err);
		tool_result_free(&r);
		return -1;
	}
	d->doc = jparse(r.out, &at);
	tool_result_free(&r);
	if (!d->doc)
		return -1;
	d->step = jat(jget(d->doc, "steps"), 0);
	d->lo = jhex(jget(jget(d->step, "region"), "start"));
	d->hi = jhex(jget(jget(d->step, "region"), "end"));
	return d->step ? 0 : -1;
}

static int run_step(struct __test_metadata *_metadata, int n, struct demo_run *d)
{
	return run_step_out(_metadata, n, NULL, d);
}

static const struct cap_proc *cap_proc(const struct run_capture *rc, int stop,
				       pid_t pid)
{
	int p;

	for (p = 0; p < rc->stops[stop].nprocs; p++)
		if (rc->stops[stop].procs[p].pid == pid)
			return &rc->stops[stop].procs[p];
	return NULL;
}

/*
 * Every snapshot against pagemap at its stop: each page of the region in
 * a VMA that /proc/PID/maps lists is present in both or neither, with the
 * same frame; and the snapshot's VMAs are those /proc/PID/maps lists.
 */
static void check_snapshots(struct __test_metadata *_metadata, struct demo_run *d)
{
	const struct jval *snaps = jget(d->step, "snapshots");
	size_t i, k;
	int v;

	ASSERT_EQ(jlen(snaps), (size_t)d->cap.nstops);
	for (i = 0; i < jlen(snaps); i++) {
		const struct jval *sn = jat(snaps, i), *vmas = jget(sn, "vma");
		pid_t pid = jint(jget(jget(sn, "target"), "pid"));
		const struct cap_proc *cp = cap_proc(&d->cap, i, pid);
		long mismatch = 0, pages = 0, present = 0;
		size_t nruns;
		bool whole, all_captured = true;

		ASSERT_NE(NULL, cp) TH_LOG("snapshot %zu: pid %d not captured", i, pid);
		for (v = 0; v < cp->nr; v++) {
			unsigned long lo = cp->vmas[v].start > d->lo ? cp->vmas[v].start : d->lo;
			unsigned long hi = cp->vmas[v].end < d->hi ? cp->vmas[v].end : d->hi;
			unsigned long va;

			for (va = lo; va < hi; va += 4096, pages++) {
				unsigned long long pa = 0;
				bool covered, in_json = json_pa(sn, va, &pa);
				uint64_t e = pm_at(&d->cap, i, pid, va, &covered);
				bool in_pm = covered && (e & PM_PRESENT);

				present += in_pm;
				if (in_json == in_pm &&
				    (!in_pm || PM_PFN(e) << 12 == (pa & ~0xfffULL)))
					continue;
				if (mismatch++ < 3)
					TH_LOG("snapshot '%s' va 0x%lx: json %s pa 0x%llx, pagemap %s pfn 0x%llx",
					       jstr(jget(sn, "label")), va, in_json ? "present" : "absent",
					       pa, in_pm ? "present" : "absent",
					       (unsigned long long)PM_PFN(e));
			}
		}
		EXPECT_EQ(0, mismatch) TH_LOG("%ld pages compared", pages);
		/* Its range is the step's; only runs overlapping it, unclipped. */
		EXPECT_EQ(d->lo, jhex(jget(jget(sn, "range"), "start")));
		EXPECT_EQ(d->hi, jhex(jget(jget(sn, "range"), "end")));
		for (k = nruns = 0; k < jlen(vmas); k++) {
			const struct jval *runs = jget(jat(vmas, k), "run");
			size_t r;

			for (r = 0; r < jlen(runs); r++, nruns++) {
				unsigned long s = jhex(jget(jat(runs, r), "start"));
				unsigned long e = jhex(jget(jat(runs, r), "end"));

				EXPECT_TRUE(s < d->hi && e > d->lo)
					TH_LOG("snapshot '%s': run 0x%lx-0x%lx outside the range",
					       jstr(jget(sn, "label")), s, e);
			}
		}
		/*
		 * The end line counts the whole space's runs: there only when
		 * the range is the whole space, and then every run is kept.
		 */
		whole = d->lo == 0 && d->hi == ~0UL;
		EXPECT_EQ(whole, jget(sn, "end") != NULL) TH_LOG("snapshot '%s'",
								 jstr(jget(sn, "label")));
		if (whole)
			EXPECT_EQ(nruns, (size_t)jint(jget(jget(sn, "end"), "runs")));
		/* The snapshot's VMAs are /proc/PID/maps's (big ones not captured). */
		for (k = 0; k < jlen(vmas); k++) {
			unsigned long s = jhex(jget(jat(vmas, k), "start"));
			unsigned long e = jhex(jget(jat(vmas, k), "end"));
			bool found = e - s > BIG_VMA;

			all_captured &= e - s <= BIG_VMA;
			for (v = 0; v < cp->nr && !found; v++)
				found = cp->vmas[v].start == s && cp->vmas[v].end == e;
			EXPECT_TRUE(found) TH_LOG("snapshot '%s': VMA 0x%lx-0x%lx not in /proc/%d/maps",
						  jstr(jget(sn, "label")), s, e, pid);
		}
		/* Its present_pages: the range's pages pagemap shows present. */
		if (all_captured) {
			EXPECT_EQ(present, jint(jget(sn, "present_pages")))
				TH_LOG("snapshot '%s'", jstr(jget(sn, "label")));
		} else {
			TH_LOG("snapshot '%s': a VMA over %lu MiB not captured, present_pages not compared",
			       jstr(jget(sn, "label")), BIG_VMA >> 20);
		}
	}
	EXPECT_TRUE(jbool(jget(d->step, "expected"))) TH_LOG("%s", jstr(jget(d->step, "shows")));
}

static long pm_present(const struct demo_run *d, int stop, pid_t pid,
		       unsigned long lo, unsigned long hi)
{
	unsigned long va;
	long n = 0;
	bool covered;

	for (va = lo; va < hi; va += 4096)
		n += (pm_at(&d->cap, stop, pid, va, &covered) & PM_PRESENT) != 0;
	return n;
}

static const struct jval *fact(const struct demo_run *d, const char *key)
{
	return jget(jget(d->step, "facts"), key);
}

static void end_run(struct demo_run *d)
{
	free_capture(&d->cap);
	jfree(d->doc);
}

FIXTURE(demo) {
	struct demo_run d;
};

FIXTURE_SETUP(demo)
{
	memset(&self->d, 0, sizeof(self->d));
}

FIXTURE_TEARDOWN(demo)
{
	end_run(&self->d);
}

TEST_F(demo, step1_layout)
{
	struct demo_run *d = &self->d;

	ASSERT_EQ(0, run_step(_metadata, 1, d));
	check_snapshots(_metadata, d);
}

TEST_F(demo, step2_malloc_small)
{
	struct demo_run *d = &self->d;
	pid_t pid;
	unsigned long b0, b1;

	ASSERT_EQ(0, run_step(_metadata, 2, d));
	check_snapshots(_metadata, d);
	pid = jint(jget(d->step, "pid"));
	b0 = jhex(fact(d, "brk_before"));
	b1 = jhex(fact(d, "brk_after"));
	ASSERT_LT(b0, b1);
	/* The new heap pages: most without a frame after malloc (pagemap). */
	EXPECT_LT(pm_present(d, 1, pid, b0, b1), (long)((b1 - b0) / 4096));
	EXPECT_EQ(pm_present(d, 1, pid, b0, b1), jint(fact(d, "new_pages_present_after_malloc")));
}

TEST_F(demo, step3_malloc_large_touch_half)
{
	struct demo_run *d = &self->d;
	unsigned long base, i;
	pid_t pid;
	bool covered;

	ASSERT_EQ(0, run_step(_metadata, 3, d));
	check_snapshots(_metadata, d);
	pid = jint(jget(d->step, "pid"));
	base = jhex(fact(d, "mapping"));
	EXPECT_EQ(32, jint(fact(d, "present_after_touch")));
	/* pagemap at the third stop: exactly the even pages present. */
	for (i = 0; i < 64; i++) {
		uint64_t e = pm_at(&d->cap, 2, pid, base + i * 4096, &covered);

		EXPECT_EQ(i % 2 == 0, (e & PM_PRESENT) != 0) TH_LOG("page %lu", i);
	}
	EXPECT_EQ(0, pm_present(d, 0, pid, base, base + 64 * 4096));
	EXPECT_FALSE(jbool(fact(d, "mapped_after_free")));
}

TEST_F(demo, step4_brk_touch_k)
{
	struct demo_run *d = &self->d;
	pid_t pid;

	ASSERT_EQ(0, run_step(_metadata, 4, d));
	check_snapshots(_metadata, d);
	pid = jint(jget(d->step, "pid"));
	EXPECT_EQ(0, pm_present(d, 1, pid, d->lo, d->hi));
	EXPECT_EQ(jint(fact(d, "touched")), pm_present(d, 2, pid, d->lo, d->hi));
	EXPECT_EQ(jint(fact(d, "touched")), jint(fact(d, "present_after_touch")));
}

TEST_F(demo, step5_mmap_kinds)
{
	struct demo_run *d = &self->d;
	unsigned long pop;
	pid_t pid;

	ASSERT_EQ(0, run_step(_metadata, 5, d));
	check_snapshots(_metadata, d);
	pid = jint(jget(d->step, "pid"));
	pop = jhex(fact(d, "populate_address"));
	EXPECT_EQ(8, pm_present(d, 0, pid, pop, pop + 8 * 4096));
	EXPECT_FALSE(jbool(fact(d, "file-readonly_writable")));
	EXPECT_TRUE(jbool(fact(d, "file-readonly_nx")));
	EXPECT_TRUE(jbool(fact(d, "private-anonymous_writable")));
}

TEST_F(demo, step6_fork_cow)
{
	struct demo_run *d = &self->d;
	pid_t parent, child;
	uint64_t p, c;
	bool cov;

	ASSERT_EQ(0, run_step(_metadata, 6, d));
	check_snapshots(_metadata, d);
	parent = jint(jget(d->step, "pid"));
	child = jint(fact(d, "child_pid"));
	/* Stops: 0 parent before fork, 1 parent after, 2 child after, 3 child
	 * after its write, 4 parent after that, 5 parent after its write. */
	p = pm_at(&d->cap, 1, parent, d->lo, &cov);
	c = pm_at(&d->cap, 2, child, d->lo, &cov);
	ASSERT_TRUE(cov);
	EXPECT_EQ(PM_PFN(p), PM_PFN(c));
	EXPECT_EQ(jhex(fact(d, "page0_pa_child_after_fork")), PM_PFN(c) << 12);
	EXPECT_FALSE(jbool(fact(d, "page0_writable_parent_after_fork")));
	EXPECT_FALSE(jbool(fact(d, "page0_writable_child_after_fork")));
	c = pm_at(&d->cap, 3, child, d->lo, &cov);
	p = pm_at(&d->cap, 3, parent, d->lo, &cov);
	EXPECT_NE(PM_PFN(p), PM_PFN(c));
	EXPECT_EQ(jhex(fact(d, "page0_pa_before_fork")), PM_PFN(p) << 12);
	EXPECT_EQ(jhex(fact(d, "page0_pa_child_after_child_write")), PM_PFN(c) << 12);
	EXPECT_TRUE(jbool(fact(d, "page0_writable_child_after_child_write")));
	EXPECT_TRUE(jbool(fact(d, "pages_1_to_3_still_shared")));
	p = pm_at(&d->cap, 3, parent, d->lo + 4096, &cov);
	c = pm_at(&d->cap, 3, child, d->lo + 4096, &cov);
	EXPECT_EQ(PM_PFN(p), PM_PFN(c));
}

/* AnonHugePages (kB) of the smaps VMA containing @va. */
static long anon_huge_kb(const char *smaps, unsigned long va)
{
	const char *p;
	bool in = false;

	for (p = smaps; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long s, e;
		char c;

		if (sscanf(p, "%lx-%lx%c", &s, &e, &c) == 3 && c == ' ')
			in = va >= s && va < e;
		else if (in && !strncmp(p, "AnonHugePages:", 14))
			return strtol(p + 14, NULL, 10);
	}
	return -1;
}

TEST_F(demo, step7_thp_leaf_when_smaps_says_so)
{
	struct demo_run *d = &self->d;
	const struct jval *walk, *levels, *leaf = NULL;
	long kb;
	size_t i;

	ASSERT_EQ(0, run_step(_metadata, 7, d));
	check_snapshots(_metadata, d);
	ASSERT_LE(2, d->cap.nstops);
	kb = anon_huge_kb(d->cap.stops[1].procs[0].smaps, d->lo);
	walk = jget(jat(jget(d->step, "snapshots"), 1), "walk");
	levels = jget(walk, "level");
	/* A level with leaf= is a leaf (docs/json.md, walk). */
	for (i = 0; i < jlen(levels); i++)
		if (jget(jat(levels, i), "leaf"))
			leaf = jat(levels, i);
	ASSERT_NE(NULL, leaf);
	if (kb >= 2048) {
		EXPECT_STREQ("PMD", jstr(jget(leaf, "name")));
		EXPECT_STREQ("2M", jstr(jget(leaf, "leaf")));
		EXPECT_EQ(512, jint(fact(d, "present_pages")));
	} else {
		EXPECT_STREQ("PTE", jstr(jget(leaf, "name")));
		TH_LOG("no THP here (AnonHugePages %ld kB): the step explains: %s", kb,
		       jstr(jget(d->step, "shows")));
	}
}

TEST_F(demo, step8_stack_grows)
{
	struct demo_run *d = &self->d;

	ASSERT_EQ(0, run_step(_metadata, 8, d));
	check_snapshots(_metadata, d);
	EXPECT_LT(jhex(fact(d, "stack_start_deep")), jhex(fact(d, "stack_start_before")));
	EXPECT_LT(jint(fact(d, "present_before")), jint(fact(d, "present_deep")));
}

/* ---- steps 9 and 10: the kernel half --------------------------------- */

#define KSTOPS	4

/* What this test reads at each stop of steps 9 and 10. */
struct kernel_capture {
	int nstops;
	char *sharing[KSTOPS];		/* this test as the reader */
	char *dump[KSTOPS];		/* /proc/ptwalk/kernel */
	char *pgd_walk[KSTOPS];		/* walk kernel _text */
	char *children[KSTOPS];
};

static void kernel_at_stop(pid_t pid, int stop, void *ctx)
{
	struct kernel_capture *kc = ctx;
	char path[64], req[64];
	unsigned long text = kallsyms_text("", "_text");

	if (stop >= KSTOPS)
		return;
	kc->nstops = stop + 1;
	kc->sharing[stop] = read_whole(PTWALK_DIR "/sharing", NULL);
	kc->dump[stop] = read_whole(PTWALK_DIR "/kernel", NULL);
	snprintf(req, sizeof(req), "kernel 0x%lx", text ? text : 0xffffffff81000000UL);
	kc->pgd_walk[stop] = pw_request(PTWALK_DIR "/walk", req);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	kc->children[stop] = read_whole(path, NULL);
}

static void free_kernel_capture(struct kernel_capture *kc)
{
	int i;

	for (i = 0; i < KSTOPS; i++) {
		free(kc->sharing[i]);
		free(kc->dump[i]);
		free(kc->pgd_walk[i]);
		free(kc->children[i]);
	}
}

static struct jval *run_kernel_step(struct __test_metadata *_metadata, int n,
				    struct kernel_capture *kc)
{
	char num[8];
	const char *argv[] = { "", "demo", num, "--json", "--hold", NULL };
	struct tool_result r;
	struct jval *doc;

	memset(kc, 0, sizeof(*kc));
	snprintf(num, sizeof(num), "%d", n);
	if (tool_run(&r, false, kernel_at_stop, kc, argv))
		return NULL;
	if (r.status) {
		TH_LOG("demo %d: status %d: %s", n, r.status, r.err);
		tool_result_free(&r);
		return NULL;
	}
	doc = jparse(r.out, NULL);
	tool_result_free(&r);
	return doc;
}

static const struct jval *slot_json(const struct jval *slots, unsigned int index)
{
	size_t i;

	for (i = 0; i < jlen(slots); i++)
		if ((unsigned int)jint(jget(jat(slots, i), "index")) == index)
			return jat(slots, i);
	return NULL;
}

/* The "next=" of the first level line of a kernel walk: the PGD entry. */
static unsigned long long walk_top_next(const char *walk)
{
	struct pw_walk w;

	return walk && !pw_walk_parse(walk, &w) && w.nlevels ? w.next[0] : 0;
}

static unsigned long walk_va(const char *walk)
{
	struct pw_walk w;

	return walk && !pw_walk_parse(walk, &w) ? w.va : 0;
}

TEST(step9_every_process_shares_the_kernel_slots)
{
	struct kernel_capture kc;
	struct jval *doc;
	const struct jval *step, *after, *slots;
	struct ko_sharing mine;
	pid_t child;
	unsigned long va, slot_size;
	size_t i, e;

	if (access(PTWALK_DIR "/sharing", F_OK))
		SKIP(return, "module has no /proc/ptwalk/sharing");
	doc = run_kernel_step(_metadata, 9, &kc);
	ASSERT_NE(NULL, doc);
	step = jat(jget(doc, "steps"), 0);
	ASSERT_NE(NULL, step);
	EXPECT_TRUE(jbool(jget(step, "expected"))) TH_LOG("%s", jstr(jget(step, "shows")));
	ASSERT_EQ(2, kc.nstops);
	child = jint(jget(jget(step, "facts"), "child_pid"));
	ASSERT_LT(0, child);
	/* The child was alive, a child of the tool, at the second stop. */
	ASSERT_NE(NULL, kc.children[1]);
	EXPECT_EQ(child, atoi(kc.children[1]));
	after = jat(jget(step, "sharing"), 1);
	ASSERT_NE(NULL, after);
	slots = jget(after, "slot");
	/*
	 * Both scans include the tool (and the second its child). A count
	 * of before + 1 <= after does not hold in general: another process
	 * of the guest (one an earlier test killed, still tearing down) may
	 * leave between the scans. The child's presence is checked above
	 * (it is the tool's child at the second stop) and its table below.
	 */
	EXPECT_LE(2, jint(jget(jget(after, "total"), "processes")));
	/* This test as another reader, at the same moment: same tables. */
	ASSERT_NE(NULL, kc.sharing[1]);
	ASSERT_EQ(0, ko_parse_sharing(kc.sharing[1], &mine));
	for (i = 0; i < mine.nslots; i++) {
		const struct ko_slot *ks = &mine.slots[i];
		const struct jval *js;

		if (ks->user)
			continue;
		js = slot_json(slots, ks->index);
		ASSERT_NE(NULL, js) TH_LOG("slot %u in this test's scan only", ks->index);
		EXPECT_EQ(ks->next, jhex(jget(js, "next"))) TH_LOG("slot %u", ks->index);
		if (strcmp(ks->regions, "ldt-remap")) {
			EXPECT_EQ(0, ks->differ) TH_LOG("slot %u (%s)", ks->index, ks->regions);
			EXPECT_EQ(0, jint(jget(js, "differ")));
		}
	}
	EXPECT_EQ(jlen(slots), mine.in_use);
	for (e = 0; e < mine.nexc; e++)
		EXPECT_NE(child, mine.exc[e].pid) TH_LOG("the child has its own slot %u",
							  mine.exc[e].slot);
	/* And the walk of the kernel text: its PGD entry is the slot's. */
	va = walk_va(kc.pgd_walk[1]);
	slot_size = mine.levels == 5 ? 1UL << 48 : 1UL << 39;
	ASSERT_NE(0, va);
	{
		const struct jval *js = slot_json(slots, (va / slot_size) % 512);

		ASSERT_NE(NULL, js);
		EXPECT_EQ(walk_top_next(kc.pgd_walk[1]), jhex(jget(js, "next")));
	}
	ko_sharing_free(&mine);
	free_kernel_capture(&kc);
	jfree(doc);
}

/* PA of @va in the saved kernel dump (kernel copy), or 0. */
static unsigned long long dump_pa(const struct ko_dump *d, unsigned long va)
{
	const struct ko_range *r = ko_run_find(ko_copy_get(d, "kernel"), va);

	return r ? r->pa + (va - r->start) : 0;
}

static const struct jval *alloc_kind(const struct jval *allocs, const char *kind)
{
	size_t i;

	for (i = 0; i < jlen(allocs); i++)
		if (!strcmp(jstr(jget(jat(allocs, i), "kind")), kind))
			return jat(allocs, i);
	return NULL;
}

/* The bucket the module's alloc file names for kmalloc(@size), or 0. */
static unsigned long module_bucket(unsigned long size)
{
	int fd = open(PTWALK_DIR "/alloc", O_RDWR);
	char *text, *l;
	unsigned long b = 0;

	if (fd < 0)
		return 0;
	if (!req_write(fd, "kmalloc %lu", size) && (text = read_all_fd(fd))) {
		l = line_find(text, "alloc id=1 ", 0);
		b = l ? line_num(l, "bucket") : 0;
		free(l);
		free(text);
	}
	close(fd);
	return b;
}

TEST(step10_buckets_order_and_vmalloc_frames)
{
	const struct jval *step, *alloc, *k, *p, *v, *pages;
	unsigned long slab;
	struct kernel_capture kc;
	struct jval *doc;
	struct ko_dump d;
	size_t i, breaks = 0;
	unsigned long long pfn_first, pfn_last;

	if (access(PTWALK_DIR "/alloc", F_OK))
		SKIP(return, "module has no /proc/ptwalk/alloc");
	doc = run_kernel_step(_metadata, 10, &kc);
	ASSERT_NE(NULL, doc);
	step = jat(jget(doc, "steps"), 0);
	ASSERT_NE(NULL, step);
	EXPECT_TRUE(jbool(jget(step, "expected"))) TH_LOG("%s", jstr(jget(step, "shows")));
	ASSERT_EQ(1, kc.nstops);
	ASSERT_NE(NULL, kc.dump[0]);
	ASSERT_EQ(0, ko_parse_dump(kc.dump[0], &d));
	alloc = jget(jget(step, "alloc"), "alloc");
	k = alloc_kind(alloc, "kmalloc");
	p = alloc_kind(alloc, "pages");
	v = alloc_kind(alloc, "vmalloc");
	ASSERT_TRUE(k && p && v);

	/* kmalloc(100): the 128-byte bucket, as the module's own file says. */
	EXPECT_EQ(100, jint(jget(k, "size")));
	EXPECT_EQ(128, jint(jget(k, "bucket")));
	EXPECT_EQ(module_bucket(100), (unsigned long)jint(jget(k, "bucket")));
	slab = slabinfo_kmalloc_bucket(100);
	if (slab) {
		EXPECT_EQ(slab, (unsigned long)jint(jget(k, "bucket")));
	} else {
		TH_LOG("no /proc/slabinfo: bucket checked against the module only");
	}
	{
		const struct jval *o = jat(jget(k, "object"), 0);

		ASSERT_NE(NULL, o);
		EXPECT_STREQ("direct-map", jstr(jget(o, "region")));
		EXPECT_EQ(dump_pa(&d, jhex(jget(o, "va"))), jhex(jget(o, "pa")));
	}

	/* Order 2: 4 consecutive frames, 16K-aligned, where the dump maps them. */
	EXPECT_EQ(2, jint(jget(p, "order")));
	ASSERT_EQ(0, ptw_range(jstr(jget(p, "pfns")), &pfn_first, &pfn_last));
	EXPECT_EQ(pfn_first + 3, pfn_last);
	EXPECT_EQ(pfn_first << 12, jhex(jget(p, "pa")));
	EXPECT_EQ(0, jhex(jget(p, "pa")) & 0x3fff);
	EXPECT_EQ(dump_pa(&d, jhex(jget(p, "va"))), jhex(jget(p, "pa")));
	for (i = 1; i < 4; i++)
		EXPECT_EQ(dump_pa(&d, jhex(jget(p, "va")) + i * 4096), jhex(jget(p, "pa")) + i * 4096);

	/* vmalloc(64K): 16 pages; each frame is where the dump maps its page. */
	pages = jget(v, "page");
	ASSERT_EQ(16, jlen(pages));
	EXPECT_EQ(16, jint(jget(v, "pages")));
	for (i = 0; i < 16; i++) {
		const struct jval *pg = jat(pages, i);
		unsigned long va = jhex(jget(pg, "va"));

		EXPECT_EQ(jhex(jget(v, "va")) + i * 4096, va);
		EXPECT_EQ(dump_pa(&d, va), jhex(jget(pg, "pa"))) TH_LOG("page %zu", i);
		if (i && jhex(jget(pg, "pa")) != jhex(jget(jat(pages, i - 1), "pa")) + 4096)
			breaks++;
	}
	EXPECT_EQ(breaks + 1, (size_t)jint(jget(v, "runs")));
	if (!breaks)
		TH_LOG("vmalloc's frames happened to be contiguous; the step says so: %s",
		       jstr(jget(step, "shows")));
	/* Closing the file gave everything back. */
	EXPECT_EQ(jint(jget(step, "module_bytes_before")),
		  jint(jget(step, "module_bytes_after_close")));
	ko_dump_free(&d);
	free_kernel_capture(&kc);
	jfree(doc);
}

/* ---- step 11: what page tables cost ---------------------------------- */

struct vmpte_capture {
	long kb[8];
	int nstops;
};

static void vmpte_at_stop(pid_t pid, int stop, void *ctx)
{
	struct vmpte_capture *vc = ctx;

	if (stop >= 8)
		return;
	vc->kb[stop] = proc_status_num(pid, "VmPTE");
	vc->nstops = stop + 1;
}

/*
 * The tool stops after each of its four reads of tables: VmPTE at each
 * stop is the kernel's own count, which each fact must equal; the shapes
 * cost what the lecture says.
 */
TEST(step11_page_table_cost_against_vmpte)
{
	static const char *const keys[4] = {
		"vmpte_before", "vmpte_after_sparse", "vmpte_after_dense", "vmpte_after_thp",
	};
	const char *argv[] = { "", "demo", "11", "--json", "--hold", NULL };
	struct vmpte_capture vc = { .nstops = 0 };
	const struct jval *step, *facts;
	struct tool_result r;
	struct jval *doc;
	size_t at = 0;
	int i;

	if (access(PTWALK_DIR "/tables", F_OK))
		SKIP(return, "module has no /proc/ptwalk/tables");
	ASSERT_EQ(0, tool_run(&r, false, vmpte_at_stop, &vc, argv));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = jparse(r.out, &at);
	tool_result_free(&r);
	ASSERT_NE(NULL, doc);
	step = jat(jget(doc, "steps"), 0);
	facts = jget(step, "facts");
	EXPECT_TRUE(jbool(jget(step, "expected"))) TH_LOG("%s", jstr(jget(step, "shows")));
	ASSERT_EQ(4, vc.nstops);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(vc.kb[i] * 1024, jint(jget(facts, keys[i]))) TH_LOG("stop %d", i);
	EXPECT_LE(512, jint(jget(facts, "sparse_pte_tables")));
	EXPECT_EQ(1, jint(jget(facts, "dense_pte_tables")));
	if (jint(jget(facts, "thp_2m_leaves")) == 512) {
		EXPECT_EQ(0, jint(jget(facts, "thp_pte_tables")));
		EXPECT_EQ(512, jint(jget(facts, "thp_deposited_tables")));
	} else {
		TH_LOG("no THP here: %s", jstr(jget(step, "shows")));
	}
	jfree(doc);
}

/* ---- step 12: three processes and their frames ---------------------- */

/*
 * Every line of a Figure 13.2 picture (data-pid, data-va, data-pa) against
 * pagemap at the stop of the snapshot it was drawn from: process i's at
 * stop i. With @whole (whole address spaces), the tool's own private
 * writable pages are skipped: after the
 * fork they are copy-on-write, and the tool writes some of them (stdout's
 * buffer, the parser's state) between reading its maps and stopping, so
 * they get new frames before pagemap can be read. Returns pages compared,
 * counting each pid's lines in @per.
 */
/* Is @va in a private writable VMA of @pid at @stop (/proc/PID/maps)? */
static bool private_writable(const struct demo_run *d, int stop, pid_t pid,
			     unsigned long va)
{
	const struct cap_proc *cp = cap_proc(&d->cap, stop, pid);
	int v;

	for (v = 0; cp && v < cp->nr; v++)
		if (va >= cp->vmas[v].start && va < cp->vmas[v].end)
			return cp->vmas[v].private_writable;
	return false;
}

static int check_figure_lines(struct __test_metadata *_metadata, struct demo_run *d,
			      const char *path, bool whole, const pid_t *pids, int *per)
{
	char *svg = read_whole(path, NULL), why[128];
	const char *p;
	int n = 0, bad = 0, i;

	if (!svg) {
		TH_LOG("%s: %s", path, strerror(errno));
		return -1;
	}
	if (xml_check(svg, why, sizeof(why))) {
		TH_LOG("%s: %s", path, why);
		free(svg);
		return -1;
	}
	for (p = strstr(svg, "data-pid=\""); p; p = strstr(p + 1, "data-pid=\"")) {
		unsigned long va;
		unsigned long long pa, pages, k;
		int pid, stop = -1;
		bool cov;

		if (sscanf(p, "data-pid=\"%d\" data-va=\"%lx\" data-pa=\"%llx\" data-pages=\"%llu\"",
			   &pid, &va, &pa, &pages) != 4) {
			TH_LOG("%s: bad line attributes: %.80s", path, p);
			bad++;
			continue;
		}
		for (i = 0; i < 3; i++)
			if (pids[i] == pid)
				per[stop = i]++;
		if (stop < 0) {
			TH_LOG("%s: a line of pid %d, not one of the three", path, pid);
			bad++;
			continue;
		}
		for (k = 0; k < pages; k++) {
			uint64_t e = pm_at(&d->cap, stop, pid, va + k * 4096, &cov);

			if (!cov || (whole && stop == 0 &&
				     private_writable(d, 0, pid, va + k * 4096)))
				continue;
			n++;
			if (!(e & PM_PRESENT) || PM_PFN(e) << 12 != pa + k * 4096) {
				if (bad++ < 3)
					TH_LOG("%s: pid %d va 0x%lx drawn to 0x%llx, pagemap pfn 0x%llx",
					       path, pid, va + k * 4096, pa + k * 4096,
					       (unsigned long long)PM_PFN(e));
			}
		}
	}
	free(svg);
	EXPECT_EQ(0, bad) TH_LOG("%s", path);
	return n;
}

TEST_F(demo, step12_three_processes_cow_frames_and_figure)
{
	struct demo_run *d = &self->d;
	pid_t pids[3];
	uint64_t e[3];
	int per[3] = { 0 }, all[3] = { 0 }, i, p;
	bool cov;

	ASSERT_EQ(0, run_step_out(_metadata, 12, "/tmp/dt-12", d));
	check_snapshots(_metadata, d);
	pids[0] = jint(jget(d->step, "pid"));
	pids[1] = jint(fact(d, "reader_pid"));
	pids[2] = jint(fact(d, "writer_pid"));
	ASSERT_EQ(3, d->cap.nstops);
	/* Stop 2 (the last snapshot): every process's pages, from pagemap. */
	for (i = 0; i < 12; i++) {
		unsigned long va = d->lo + i * 4096UL;

		for (p = 0; p < 3; p++) {
			e[p] = pm_at(&d->cap, 2, pids[p], va, &cov);
			ASSERT_TRUE(cov) TH_LOG("pid %d not captured", pids[p]);
			ASSERT_TRUE(e[p] & PM_PRESENT) TH_LOG("pid %d page %d absent", pids[p], i);
		}
		/* Copy-on-write: the reader still shares every frame. */
		EXPECT_EQ(PM_PFN(e[0]), PM_PFN(e[1])) TH_LOG("page %d", i);
		/* Written by the writer: copied; 4-7 untouched, 8-11 shared memory. */
		if (i < 4) {
			EXPECT_NE(PM_PFN(e[0]), PM_PFN(e[2])) TH_LOG("page %d", i);
		} else {
			EXPECT_EQ(PM_PFN(e[0]), PM_PFN(e[2])) TH_LOG("page %d", i);
		}
	}
	EXPECT_EQ(8, jint(fact(d, "reader_private_frames_shared_with_parent")));
	EXPECT_EQ(4, jint(fact(d, "writer_private_pages_copied")));
	EXPECT_EQ(4, jint(fact(d, "writer_private_frames_shared_with_parent")));
	EXPECT_EQ(4, jint(fact(d, "shared_pages_on_one_frame_in_all")));
	EXPECT_TRUE(jbool(fact(d, "parent_sees_shared_write")));
	/* The pictures: one line per page of each process, to its frame. */
	EXPECT_EQ(36, check_figure_lines(_metadata, d, "/tmp/dt-12/step12-frames.svg",
					 false, pids, per));
	for (p = 0; p < 3; p++) {
		pid_t who = pids[p];

		EXPECT_EQ(12, per[p]) TH_LOG("pid %d", who);
	}
	EXPECT_LT(36, check_figure_lines(_metadata, d, "/tmp/dt-12/step12-frames-all.svg",
					 true, pids, all));
}

/* ---- step 13 ------------------------------------------------------------ */


static const struct jval *experiment(const struct demo_run *d, const char *name)
{
	const struct jval *xs = jget(d->step, "experiments");
	size_t i;

	for (i = 0; i < jlen(xs); i++)
		if (!strcmp(jstr(jget(jat(xs, i), "name")), name))
			return jat(xs, i);
	return NULL;
}

/*
 * Every fault of experiment @x is there: faults recorded (@faults) and
 * none of its records dropped by the module (a full ring) while it ran.
 */
static bool all_faults(const struct jval *x, bool faults)
{
	return faults && jget(x, "records_dropped") && !jint(jget(x, "records_dropped"));
}

/* Faults of @pid recorded at the page of @va in @x at or after @t_min. */
static int faults_at(const struct jval *x, pid_t pid, unsigned long va,
		     unsigned long long t_min)
{
	const struct jval *r = jget(x, "records");
	size_t i;
	int n = 0;

	for (i = 0; i < jlen(r); i++)
		if (!strcmp(jstr(jget(jat(r, i), "type")), "fault") &&
		    jint(jget(jat(r, i), "pid")) == pid &&
		    (jhex(jget(jat(r, i), "addr")) & ~0xfffUL) == va &&
		    (unsigned long long)jint(jget(jat(r, i), "time_ns")) >= t_min)
			n++;
	return n;
}

/*
 * The last done record of @pid, of @kind (NULL: any), in @x with an entry
 * for @va: that entry, and the record's time in *@t.
 */
static const struct jval *done_entry(const struct jval *x, pid_t pid, const char *kind,
				     unsigned long va, unsigned long long *t)
{
	const struct jval *r = jget(x, "records"), *found = NULL;
	size_t i, k;

	for (i = 0; i < jlen(r); i++) {
		const struct jval *rec = jat(r, i), *e = jget(rec, "entries");

		if (strcmp(jstr(jget(rec, "type")), "done") || jint(jget(rec, "pid")) != pid ||
		    (kind && strcmp(jstr(jget(rec, "kind")), kind)))
			continue;
		for (k = 0; k < jlen(e); k++)
			if (jhex(jget(jat(e, k), "va")) == va) {
				found = jat(e, k);
				if (t)
					*t = jint(jget(rec, "time_ns"));
			}
	}
	return found;
}

#define E_PRESENT(v)	((v) & 1ULL)
#define E_WRITE(v)	((v) & 2ULL)
#define E_PFN(v)	(((v) & 0x000ffffffffff000ULL) >> 12)

/*
 * Step 13: the trace records of each experiment against pagemap at the
 * stops after it, and against the experiment's own log (the addresses it
 * touched): one fault per fresh page and the page then present; fork's
 * write protection, the child's write copying onto a frame pagemap shows
 * while the parent keeps the old one, the parent's own write; mprotect's entries without W on pagemap's
 * frames; munmap's entries gone with the VMA; the collapse's 2M range and
 * a huge page in smaps; the swap entry's offset equal to pagemap's, and
 * the page back after a fault.
 */
TEST_F(demo, step13_records_against_pagemap)
{
	struct demo_run *d = &self->d;
	const struct jval *x, *e, *t;
	unsigned long lo, va;
	unsigned long long tm = 0, tm2 = 0;
	pid_t parent, child;
	bool pfns, faults, cov;
	int dropped;
	char why[160];
	uint64_t pm, pm2;
	int k, i;

	if (!zram_swap_on(why, sizeof(why)))
		TH_LOG("no swap, the swap experiment will be skipped: %s", why);
	ASSERT_EQ(0, run_step(_metadata, 13, d));
	check_snapshots(_metadata, d);
	parent = jint(jget(d->step, "pid"));
	pfns = jbool(fact(d, "frames_shown"));
	faults = jbool(fact(d, "faults_recorded"));
	TH_LOG("frames %s, faults %s", pfns ? "shown" : "hidden",
	       faults ? "recorded" : jstr(fact(d, "faults_missing")));
	/* The module records faults for root and users alike. */
	EXPECT_TRUE(faults);
	/*
	 * A full ring drops records (counted, per experiment too): then a
	 * fault of that experiment may be missing.
	 */
	dropped = jint(fact(d, "records_dropped"));
	if (dropped)
		TH_LOG("%d records dropped: missing faults are not held against the step", dropped);
	for (i = 0, k = 0; i < (int)jlen(jget(d->step, "experiments")); i++) {
		x = jat(jget(d->step, "experiments"), i);
		if (jget(x, "skipped"))
			continue;
		EXPECT_NE(NULL, jget(x, "records_dropped")) TH_LOG("experiment %d", i);
		k += jint(jget(x, "records_dropped"));
	}
	EXPECT_LE(k, dropped);

	/* Demand paging: each touched page one fault, and present after. */
	x = experiment(d, "demand_paging");
	ASSERT_NE(NULL, x);
	k = jint(jget(x, "snapshot"));
	t = jget(x, "touched");
	ASSERT_EQ(4, jlen(t));
	for (i = 0; i < 4; i++) {
		va = jhex(jat(t, i));
		EXPECT_TRUE(pm_at(&d->cap, k, parent, va, &cov) & PM_PRESENT) TH_LOG("0x%lx", va);
		/* The module records every fault: exactly one per first touch. */
		if (all_faults(x, faults))
			EXPECT_EQ(1, faults_at(x, parent, va, 0)) TH_LOG("faults at 0x%lx", va);
		/* A first touch fills an empty entry: no invalidation. */
		EXPECT_EQ(NULL, done_entry(x, parent, NULL, va, NULL)) TH_LOG("0x%lx", va);
	}

	/*
	 * COW: stops k-2 (after fork), k-1 (after the child's write), k
	 * (after the parent's write). The child's records are its own tracer's.
	 */
	x = experiment(d, "cow_after_fork");
	ASSERT_NE(NULL, x);
	k = jint(jget(x, "snapshot"));
	ASSERT_LE(2, k);
	lo = jhex(jget(x, "start"));
	EXPECT_EQ(lo, jhex(jat(jget(x, "touched"), 0)));
	child = jint(fact(d, "cow_child_pid"));
	ASSERT_TRUE(jbool(fact(d, "cow_child_traced")));
	pm = pm_at(&d->cap, k - 2, parent, lo, &cov);
	pm2 = pm_at(&d->cap, k - 2, child, lo, &cov);
	ASSERT_TRUE(cov) TH_LOG("the child was not captured after fork");
	EXPECT_EQ(PM_PFN(pm), PM_PFN(pm2));
	e = done_entry(x, parent, "protection_page", lo, &tm);
	ASSERT_NE(NULL, e) TH_LOG("no protection_page record for fork");
	EXPECT_TRUE(E_WRITE(jhex(jget(e, "before"))));
	EXPECT_FALSE(E_WRITE(jhex(jget(e, "after"))));
	if (pfns)
		EXPECT_EQ(PM_PFN(pm), E_PFN(jhex(jget(e, "after"))));
	/* The child's write: its fault, its entry onto a new frame. */
	e = done_entry(x, child, NULL, lo, &tm2);
	ASSERT_NE(NULL, e) TH_LOG("no record of the child's write");
	EXPECT_LT(tm, tm2);
	pm2 = pm_at(&d->cap, k - 1, child, lo, &cov);
	EXPECT_TRUE(pm2 & PM_PRESENT);
	EXPECT_NE(PM_PFN(pm), PM_PFN(pm2)) TH_LOG("the child's write did not copy");
	EXPECT_EQ(PM_PFN(pm), PM_PFN(pm_at(&d->cap, k - 1, parent, lo, &cov)));
	EXPECT_TRUE(E_WRITE(jhex(jget(e, "after"))));
	if (pfns) {
		EXPECT_EQ(PM_PFN(pm), E_PFN(jhex(jget(e, "before"))));
		EXPECT_EQ(PM_PFN(pm2), E_PFN(jhex(jget(e, "after"))));
		EXPECT_EQ(PM_PFN(pm2), (uint64_t)jhex(fact(d, "cow_child_new_pfn")));
	}
	if (all_faults(x, faults))
		EXPECT_LE(1, faults_at(x, child, lo, 0)) TH_LOG("the child's write");
	/*
	 * The parent's write: a fault; its frame is its own now, kept (no
	 * record) or, if something still held the old one, copied (then the
	 * record says where to).
	 */
	pm2 = pm_at(&d->cap, k, parent, lo, &cov);
	EXPECT_TRUE(pm2 & PM_PRESENT);
	e = done_entry(x, parent, NULL, lo, &tm);
	ASSERT_NE(NULL, e);
	if (tm > tm2 && pfns) {
		EXPECT_EQ(PM_PFN(pm2), E_PFN(jhex(jget(e, "after"))));
	} else if (tm < tm2) {
		EXPECT_EQ(PM_PFN(pm), PM_PFN(pm2));
	}
	if (all_faults(x, faults))
		EXPECT_LE(1, faults_at(x, parent, lo, tm2)) TH_LOG("the parent's write");

	/* mprotect: the entries lose W and keep pagemap's frames. */
	x = experiment(d, "mprotect");
	ASSERT_NE(NULL, x);
	k = jint(jget(x, "snapshot"));
	lo = jhex(jget(x, "start"));
	for (va = lo; va < jhex(jget(x, "end")); va += 4096) {
		e = done_entry(x, parent, "protection_vma", va, NULL);
		ASSERT_NE(NULL, e) TH_LOG("0x%lx", va);
		pm = pm_at(&d->cap, k, parent, va, &cov);
		EXPECT_TRUE(E_WRITE(jhex(jget(e, "before"))));
		EXPECT_FALSE(E_WRITE(jhex(jget(e, "after"))));
		EXPECT_TRUE(pm & PM_PRESENT);
		if (pfns)
			EXPECT_EQ(PM_PFN(pm), E_PFN(jhex(jget(e, "after"))));
	}

	/* munmap: present before, empty after, and no VMA left there. */
	x = experiment(d, "munmap");
	ASSERT_NE(NULL, x);
	k = jint(jget(x, "snapshot"));
	lo = jhex(jget(x, "start"));
	for (va = lo; va < jhex(jget(x, "end")); va += 4096) {
		e = done_entry(x, parent, "unmap", va, NULL);
		ASSERT_NE(NULL, e) TH_LOG("0x%lx", va);
		EXPECT_TRUE(E_PRESENT(jhex(jget(e, "before"))));
		EXPECT_EQ(0, jhex(jget(e, "after")));
		pm_at(&d->cap, k, parent, va, &cov);
		EXPECT_FALSE(cov) TH_LOG("0x%lx still in a VMA", va);
	}

	/* THP collapse: a change over the 2M, then one huge page. */
	x = experiment(d, "thp_collapse");
	ASSERT_NE(NULL, x);
	if (jget(x, "skipped")) {
		TH_LOG("THP collapse skipped: %s", jstr(jget(x, "skipped")));
	} else {
		uint64_t first;

		k = jint(jget(x, "snapshot"));
		lo = jhex(jget(x, "start"));
		EXPECT_EQ(2UL << 20, jhex(jget(x, "end")) - lo);
		EXPECT_LE(1, jint(fact(d, "thp_changes_over_2m")));
		first = PM_PFN(pm_at(&d->cap, k, parent, lo, &cov));
		EXPECT_EQ(0, first % 512) TH_LOG("first pfn 0x%llx", (unsigned long long)first);
		for (i = 0; i < 512; i++) {
			pm = pm_at(&d->cap, k, parent, lo + i * 4096UL, &cov);
			if (!(pm & PM_PRESENT) || PM_PFN(pm) != first + i) {
				EXPECT_TRUE(0) TH_LOG("page %d: pm 0x%llx", i, (unsigned long long)pm);
				break;
			}
		}
		EXPECT_EQ(2048, anon_huge_kb(cap_proc(&d->cap, k, parent)->smaps, lo));
	}

	/* Swap: stops k-1 (after MADV_PAGEOUT) and k (after reading page 0). */
	x = experiment(d, "swap_out_in");
	ASSERT_NE(NULL, x);
	if (jget(x, "skipped")) {
		TH_LOG("swap skipped: %s", jstr(jget(x, "skipped")));
	} else {
		k = jint(jget(x, "snapshot"));
		lo = jhex(jget(x, "start"));
		EXPECT_EQ(lo, jhex(jat(jget(x, "touched"), 0)));
		for (va = lo; va < jhex(jget(x, "end")); va += 4096) {
			unsigned long long v;

			e = done_entry(x, parent, NULL, va, &tm);
			ASSERT_NE(NULL, e) TH_LOG("0x%lx", va);
			v = jhex(jget(e, "after"));
			pm = pm_at(&d->cap, k - 1, parent, va, &cov);
			ASSERT_TRUE(pm & PM_SWAP) TH_LOG("0x%lx not swapped: 0x%llx", va,
							 (unsigned long long)pm);
			EXPECT_FALSE(E_PRESENT(v));
			/* x86-64: the offset inverted from bit 9, the type in 59-63. */
			if (pfns) {
				EXPECT_EQ(PM_SWAP_OFF(pm), (~v << 5) >> 14) TH_LOG("0x%lx", va);
				EXPECT_EQ(PM_SWAP_TYPE(pm), v >> 59);
			}
		}
		e = done_entry(x, parent, NULL, lo, &tm);
		pm = pm_at(&d->cap, k, parent, lo, &cov);
		EXPECT_TRUE(pm & PM_PRESENT) TH_LOG("page 0 not back: 0x%llx", (unsigned long long)pm);
		if (all_faults(x, faults))
			EXPECT_LE(1, faults_at(x, parent, lo, tm)) TH_LOG("the swap-in");
		if (pfns)
			EXPECT_EQ(jhex(fact(d, "swap_offset")),
				  PM_SWAP_OFF(pm_at(&d->cap, k - 1, parent, lo, &cov)));
	}
}

PTW_HARNESS_MAIN
