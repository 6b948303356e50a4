// SPDX-License-Identifier: GPL-2.0
/*
 * Readers of /proc/ptwalk/maps and /proc/ptwalk/walk against a target that
 * keeps changing its page tables: THP collapse (a PTE table becomes a 2M
 * leaf under a walk that paused inside it) and split, munmap/mmap, mremap
 * (moving and growing), mprotect flips, fork (COW write-protects the PTEs)
 * and MADV_DONTNEED. Every output read meanwhile must be well formed
 * (pw_maps_check(), pw_walk_check()); once the target is stopped one more
 * read must agree with /proc/PID/pagemap and /proc/PID/maps.
 *
 * Readers use read sizes of 1 KiB, 4 KiB and 64 KiB without seeking: small
 * reads make a walk stop and resume more often. PTWALK_RACE_SECS sets how
 * long each race runs (default 8; the THP maps race runs twice that). Collapses come from MADV_COLLAPSE, or
 * where it fails (or PTWALK_RACE_KHUGEPAGED=1) from khugepaged made to scan
 * without sleeping (its settings are restored afterwards).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "aspace.h"
#include "ptwalk.h"
#include "util.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define REGION		(2 * HPAGE)	/* 2 PTE tables: 1026 entries */
#define NREADERS	4
#define KHUGEPAGED	"/sys/kernel/mm/transparent_hugepage/khugepaged/"

static const size_t read_sizes[NREADERS] = { 1024, 4096, 65536, 1024 };

enum churn { CHURN_THP, CHURN_VMAS, CHURN_FORK, CHURN_HUGETLB_SHARE };

struct reader {
	struct pw_faults f;		/* maps readers */
	unsigned long reads, errors, huge_runs, small_runs;
	int first_errno;
	unsigned long walk_bad;		/* walk readers */
	char walk_why[256];
	char walk_text[1024];		/* the first bad walk output */
};

/* Shared between the test, its readers and the target. */
struct race {
	volatile int stop_readers, stop_target, target_ready;
	volatile pid_t target;
	bool use_madv_collapse;
	unsigned long region;		/* the target's churning 2M-aligned region */
	unsigned long iterations, collapses, collapse_fails, forks;
	int collapse_errno;
	volatile pid_t sharer;		/* CHURN_HUGETLB_SHARE's second mapper */
	unsigned long unshares;		/* its hole punches and truncations */
	struct reader r[NREADERS];
};

static int race_secs(void)
{
	const char *s = getenv("PTWALK_RACE_SECS");

	return s ? atoi(s) : 8;
}

/* AnonHugePages of this process, in kB. */
static long anon_huge_kb(void)
{
	char *t = read_whole("/proc/self/smaps_rollup", NULL);
	char v[32] = "-1";

	if (t)
		kv_get(t, "AnonHugePages", v, sizeof(v));
	free(t);
	return atol(v);
}

/* Collapse @p..+@len into 2M leaves: MADV_COLLAPSE, or wait for khugepaged. */
static void collapse(struct race *rc, char *p, size_t len)
{
	double until;

	if (rc->use_madv_collapse) {
		if (!madvise(p, len, MADV_COLLAPSE)) {
			rc->collapses++;
		} else {
			rc->collapse_fails++;
			rc->collapse_errno = errno;
		}
		return;
	}
	until = now() + 0.5;
	while (now() < until && !rc->stop_target) {
		if (anon_huge_kb() >= (long)(len >> 10)) {
			rc->collapses++;
			return;
		}
		usleep(2000);
	}
	rc->collapse_fails++;
}

/*
 * Roughly how many entries a walk of this process visits below @addr: the
 * PTEs of each VMA there (a static binary's are touched) and a few upper
 * entries each.
 */
static long entries_below(unsigned long addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long s, e;
	char line[256];
	long n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && e <= addr)
			n += (e - s) / PAGE + 4;
	fclose(f);
	return n;
}

/*
 * The pad: a VMA below the region whose PTEs a walk visits before the
 * region's. Remapped at a new length before each collapse: at random half
 * the time, else so that a walk that yields its locks every 2048 entries
 * (the module's budget) yields inside the PTE table about to collapse,
 * whose PTEs start @before entries into the region.
 */
static char *remap_pad(char *pad, size_t *len, long before)
{
	long want;

	if (pad)
		munmap(pad, *len);
	pad = mmap(NULL, 4096 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pad == MAP_FAILED)
		return NULL;
	if (random() % 4 == 0)
		want = 1 + random() % 2048;
	else
		want = 2048 - entries_below((unsigned long)pad) - 8 - before -
		       random() % 512;
	if (want < 1 || want > 4096)
		want = 1 + random() % 2048;
	*len = want * PAGE;
	if (*len < 4096 * PAGE)
		munmap(pad + *len, 4096 * PAGE - *len);
	madvise(pad, *len, MADV_NOHUGEPAGE);
	pad[0] = 1;
	pad[*len - PAGE] = 1;
	return pad;
}

/*
 * PTE tables made and turned into 2M leaves over and over: populate with
 * 4K pages (or split each THP with MADV_DONTNEED of one page), collapse
 * one PMD at a time, now and then split one with mprotect of a 4K piece
 * and flip it back.
 *
 * A walk yields its locks every so many entries and resumes by address; a
 * collapse waiting for the mmap write lock runs right then. Where the
 * yield falls depends on the entries before the region: remap_pad() moves
 * it over the region's PTEs.
 */
static void churn_thp(struct race *rc)
{
	const size_t npmd = REGION / HPAGE;
	char *p = map_aligned(REGION), *pad = NULL;
	size_t off, pad_len = 0, first, j, k, npmd_done = 0;
	bool leaf[REGION / HPAGE];
	unsigned long it;

	if (!p)
		_exit(20);
	rc->region = (unsigned long)p;
	srandom(2);
	for (it = 0; !rc->stop_target; it++) {
		if (it % 8 == 0) {
			madvise(p, REGION, MADV_NOHUGEPAGE);	/* 4K faults */
			madvise(p, REGION, MADV_DONTNEED);
			touch(p, REGION);
			madvise(p, REGION, MADV_HUGEPAGE);
		} else {
			for (off = 0; off < REGION; off += HPAGE)
				madvise(p + off + (it * 37 % 512) * PAGE, PAGE, MADV_DONTNEED);
		}
		memset(leaf, 0, sizeof(leaf));
		if (!rc->use_madv_collapse) {	/* khugepaged picks its order */
			pad = remap_pad(pad, &pad_len, 1 + random() % (REGION / PAGE));
			rc->target_ready = 1;
			collapse(rc, p, REGION);
			npmd_done = npmd;
		}
		first = random() % npmd;
		for (j = npmd_done; j < npmd; j++) {
			long before = 1;
			size_t i;

			k = (first + j) % npmd;
			for (i = 0; i < k; i++)
				before += leaf[i] ? 1 : 513;
			pad = remap_pad(pad, &pad_len, before);
			rc->target_ready = 1;
			collapse(rc, p + k * HPAGE, HPAGE);
			leaf[k] = true;
		}
		if (it % 4 == 3) {
			off = (it % npmd) * HPAGE + (it * 11 % 512) * PAGE;
			mprotect(p + off, PAGE, PROT_READ);
			mprotect(p + off, PAGE, PROT_READ | PROT_WRITE);
		}
		rc->iterations++;
	}
	/* Stopped, the region must stay as it is: keep khugepaged away. */
	madvise(p, REGION, MADV_NOHUGEPAGE);
}

struct slot {
	char *p;
	size_t len;
};

/* mmap, munmap, mremap (grow, move), mprotect flips, MADV_DONTNEED. */
static void churn_vmas(struct race *rc)
{
	struct slot s[16] = { 0 };
	unsigned long it;

	srandom(1);
	for (it = 0; !rc->stop_target; it++) {
		struct slot *sl = &s[random() % 16];
		size_t pages = 1 + random() % 64;
		char *q;

		rc->target_ready = 1;
		if (!sl->p) {
			sl->len = pages * PAGE;
			sl->p = mmap(NULL, sl->len, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (sl->p == MAP_FAILED)
				sl->p = NULL;
			else
				touch(sl->p, sl->len);
			continue;
		}
		switch (random() % 6) {
		case 0:
			munmap(sl->p, sl->len);
			sl->p = NULL;
			break;
		case 1:		/* grow, moving if it must */
			mprotect(sl->p, sl->len, PROT_READ | PROT_WRITE);
			q = mremap(sl->p, sl->len, sl->len + pages * PAGE, MREMAP_MAYMOVE);
			if (q != MAP_FAILED) {
				sl->p = q;
				sl->len += pages * PAGE;
				touch(sl->p, sl->len);
			}
			break;
		case 2:		/* move onto a placeholder elsewhere */
			q = mmap(NULL, sl->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q == MAP_FAILED)
				break;
			q = mremap(sl->p, sl->len, sl->len, MREMAP_MAYMOVE | MREMAP_FIXED, q);
			if (q != MAP_FAILED)
				sl->p = q;
			break;
		case 3:
			/* never past the slot: a neighbour (the shared page) keeps its rights */
			mprotect(sl->p, (sl->len / PAGE / 2 + 1) * PAGE, random() % 2 ? PROT_READ :
				 PROT_READ | PROT_WRITE);
			break;
		case 4:
			madvise(sl->p + sl->len / 4 / PAGE * PAGE, sl->len / 2, MADV_DONTNEED);
			break;
		default:
			mprotect(sl->p, sl->len, PROT_READ | PROT_WRITE);
			touch(sl->p, sl->len);
		}
		rc->iterations++;
	}
}

/*
 * fork() write-protects every private writable PTE of the target (and
 * copies its tables); writing breaks COW page by page; MADV_DONTNEED and
 * touching drop and refill ranges. One region of 4K pages, one THP region.
 */
static void churn_fork(struct race *rc)
{
	char *small = map_aligned(2 * HPAGE), *huge = map_aligned(2 * HPAGE);
	unsigned long it;

	if (!small || !huge)
		_exit(20);
	madvise(small, 2 * HPAGE, MADV_NOHUGEPAGE);
	madvise(huge, 2 * HPAGE, MADV_HUGEPAGE);
	touch(small, 2 * HPAGE);
	touch(huge, 2 * HPAGE);
	rc->region = (unsigned long)small;
	for (it = 0; !rc->stop_target; it++) {
		pid_t pid;
		size_t off = (it * 97 % 496) * PAGE;

		rc->target_ready = 1;
		pid = fork();
		if (pid == 0) {
			small[off] = 2;		/* COW in the child too */
			usleep(1000);
			_exit(0);
		}
		if (pid > 0)
			rc->forks++;
		touch(small, 2 * HPAGE);	/* break COW */
		huge[off] = 3;
		madvise(small + off, 16 * PAGE, MADV_DONTNEED);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		touch(small + off, 8 * PAGE);
		rc->iterations++;
	}
}

/*
 * A hugetlb file mapped MAP_SHARED over a whole 1 GiB-aligned range by
 * the target and by a child it forks shares one PMD table between them
 * (huge_pmd_share()). Hole punches and truncations unshare it
 * (huge_pmd_unshare()) and the child's munmap drops its reference, while
 * readers walk the target through that table: the walker holds the file's
 * i_mmap lock for reading, which keeps the table from being unshared and
 * freed under it. The child touches only the first 4 huge pages (the file
 * shrinks to 4 for a moment), the target the first 8.
 */
#define GPAGE		(1UL << 30)
#define SHARE_PAGES	8

static char *map_hugetlb_share(int fd, char *at)
{
	char *raw = at, *p;

	if (!raw) {
		raw = mmap(NULL, 2 * GPAGE, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (raw == MAP_FAILED)
			return NULL;
		at = (char *)(((unsigned long)raw + GPAGE - 1) & ~(GPAGE - 1));
	}
	p = mmap(at, GPAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void sharer(struct race *rc, int fd, char *p)
{
	unsigned long it;

	for (it = 0; !rc->stop_target; it++) {
		touch(p, 4 * HPAGE);
		if (it % 8 == 7 && (munmap(p, GPAGE) || !map_hugetlb_share(fd, p)))
			_exit(22);
		usleep(500);
	}
	_exit(0);
}

static void churn_hugetlb_share(struct race *rc)
{
	int fd = memfd_create("ptwalk-race", MFD_HUGETLB);
	char *p;
	pid_t pid;
	unsigned long it;

	if (fd < 0 || ftruncate(fd, GPAGE))
		_exit(21);
	p = map_hugetlb_share(fd, NULL);
	if (!p)
		_exit(21);
	touch(p, SHARE_PAGES * HPAGE);
	rc->region = (unsigned long)p;
	pid = fork_tied();
	if (pid == 0)
		sharer(rc, fd, p);
	rc->sharer = pid;
	for (it = 0; !rc->stop_target; it++) {
		rc->target_ready = 1;
		touch(p, SHARE_PAGES * HPAGE);
		if (!fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       (it % SHARE_PAGES) * HPAGE, HPAGE))
			rc->unshares++;
		if (it % 4 == 3 && !ftruncate(fd, 4 * HPAGE) &&
		    !ftruncate(fd, GPAGE))
			rc->unshares++;
		rc->iterations++;
	}
	/* The sharer's faults would change the shared table: stop it first. */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	rc->sharer = 0;
	touch(p, SHARE_PAGES * HPAGE);
}

static void target(struct race *rc, enum churn kind)
{
	if (kind == CHURN_THP)
		churn_thp(rc);
	else if (kind == CHURN_VMAS)
		churn_vmas(rc);
	else if (kind == CHURN_HUGETLB_SHARE)
		churn_hugetlb_share(rc);
	else
		churn_fork(rc);
	raise(SIGSTOP);
	for (;;)
		pause();
}

/* Runs of one output inside [start, end): 2M leaves and 4K entries. */
static void count_runs(const char *text, unsigned long start, unsigned long end,
		       struct reader *st)
{
	char *copy = strdup(text), *rest = copy, *line;
	struct ptw_line l;
	struct pw_run r;

	while ((line = ptw_next_line(&rest))) {
		if (ptw_tokenize(line, &l) || strcmp(l.tag, "run") || pw_run_parse(&l, &r) ||
		    r.start < start || r.start >= end)
			continue;
		if (r.page == HPAGE)
			st->huge_runs++;
		else
			st->small_runs++;
	}
	free(copy);
}

static void maps_reader(struct race *rc, int idx, bool nonpresent)
{
	struct reader *st = &rc->r[idx];
	char req[32];

	snprintf(req, sizeof(req), "%d\n", rc->target);
	while (!rc->stop_readers) {
		int fd = open(PTWALK_DIR "/maps", O_RDWR);
		char *text = NULL;

		if (fd < 0)
			_exit(30);
		if ((!nonpresent || write(fd, "nonpresent on", 13) == 13) &&
		    write(fd, req, strlen(req)) == (ssize_t)strlen(req))
			text = read_fd_sized(fd, read_sizes[idx], NULL);
		if (!text) {
			if (!st->errors++)
				st->first_errno = errno;
		} else {
			pw_maps_check(text, &st->f);
			count_runs(text, rc->region, rc->region + REGION, st);
			st->reads++;
		}
		free(text);
		close(fd);
	}
	_exit(0);
}

static int paging_levels(void)
{
	return cpu_has_flag("la57") ? 5 : 4;
}

static void walk_reader(struct race *rc, int idx)
{
	struct reader *st = &rc->r[idx];
	int levels = paging_levels();

	srandom(idx + 1);
	while (!rc->stop_readers) {
		unsigned long va = rc->region + (random() % (REGION / PAGE)) * PAGE +
				   random() % PAGE;
		int fd = open(PTWALK_DIR "/walk", O_RDWR);
		char req[64], why[256];
		char *text = NULL;
		struct pw_walk w;

		if (fd < 0)
			_exit(30);
		snprintf(req, sizeof(req), "%d 0x%lx", rc->target, va);
		if (write(fd, req, strlen(req)) == (ssize_t)strlen(req))
			text = read_fd_sized(fd, idx ? read_sizes[idx] : 64, NULL);
		if (!text) {
			if (!st->errors++)
				st->first_errno = errno;
		} else {
			if (pw_walk_check(text, rc->target, va, levels, why, sizeof(why)) &&
			    !st->walk_bad++) {
				snprintf(st->walk_why, sizeof(st->walk_why), "%s", why);
				snprintf(st->walk_text, sizeof(st->walk_text), "%s", text);
			}
			if (pw_walk_parse(text, &w))
				w.leaf = 0;	/* malformed: pw_walk_check() said so */
			if (w.leaf == HPAGE)
				st->huge_runs++;
			else if (w.leaf == PAGE)
				st->small_runs++;
			st->reads++;
		}
		free(text);
		close(fd);
	}
	_exit(0);
}

/* The khugepaged knobs a 6.1 kernel without MADV_COLLAPSE is raced with. */
static const char *const knobs[] = {
	"scan_sleep_millisecs", "alloc_sleep_millisecs", "pages_to_scan",
};
static const char *const knob_fast[] = { "0", "0", "4096" };

FIXTURE(race) {
	struct race *rc;
	pid_t target, readers[NREADERS];
	char saved[3][32];
	bool knobs_changed;
	long hugepages_saved;		/* nr_hugepages to put back, or -1 */
};

static int write_knob(const char *name, const char *value)
{
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), KHUGEPAGED "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, value, strlen(value)) == (ssize_t)strlen(value) ? 0 : -1;
	close(fd);
	return ret;
}

/* Does MADV_COLLAPSE collapse 4K pages here? 0, or the errno it gave. */
static int probe_madv_collapse(void)
{
	char *p = map_aligned(HPAGE);
	int ret;

	if (!p)
		return ENOMEM;
	madvise(p, HPAGE, MADV_NOHUGEPAGE);
	touch(p, HPAGE);
	madvise(p, HPAGE, MADV_HUGEPAGE);
	ret = madvise(p, HPAGE, MADV_COLLAPSE) ? errno : 0;
	munmap(p, HPAGE);
	return ret;
}

FIXTURE_SETUP(race)
{
	self->rc = mmap(NULL, sizeof(*self->rc), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->rc);
	memset(self->rc, 0, sizeof(*self->rc));
	self->target = -1;
	memset(self->readers, 0, sizeof(self->readers));
	self->knobs_changed = false;
	self->hugepages_saved = -1;
}

FIXTURE_TEARDOWN(race)
{
	unsigned int i;

	self->rc->stop_readers = 1;
	for (i = 0; i < NREADERS; i++)
		if (self->readers[i] > 0)
			child_kill(self->readers[i]);
	child_kill(self->target);
	if (self->knobs_changed)
		for (i = 0; i < 3; i++)
			write_knob(knobs[i], self->saved[i]);
	if (self->hugepages_saved >= 0)
		hugetlb_reserve_2m(self->hugepages_saved);
	munmap(self->rc, sizeof(*self->rc));
}

/*
 * Collapse needs MADV_COLLAPSE (6.1+), or else a fast khugepaged; the
 * knobs are put back by the teardown. Returns NULL, or why it cannot.
 */
static const char *thp_setup(FIXTURE_DATA(race) *self, char *why, size_t sz)
{
	int err = probe_madv_collapse();
	unsigned int i;

	/* PTWALK_RACE_KHUGEPAGED=1 races khugepaged even where MADV_COLLAPSE works. */
	if (getenv("PTWALK_RACE_KHUGEPAGED") && atoi(getenv("PTWALK_RACE_KHUGEPAGED")))
		err = err ? err : EINVAL;
	if (!err) {
		self->rc->use_madv_collapse = true;
		return NULL;
	}
	for (i = 0; i < 3; i++) {
		char path[128], *v;

		snprintf(path, sizeof(path), KHUGEPAGED "%s", knobs[i]);
		v = read_whole(path, NULL);
		if (!v) {
			snprintf(why, sz, "MADV_COLLAPSE fails (%s) and %s cannot be read (%s)",
				 strerror(err), path, strerror(errno));
			return why;
		}
		snprintf(self->saved[i], sizeof(self->saved[i]), "%.*s",
			 (int)strcspn(v, "\n"), v);
		free(v);
	}
	self->knobs_changed = true;
	for (i = 0; i < 3; i++)
		if (write_knob(knobs[i], knob_fast[i])) {
			snprintf(why, sz, "MADV_COLLAPSE fails (%s) and khugepaged's %s is not writable (%s)",
				 strerror(err), knobs[i], strerror(errno));
			return why;
		}
	return NULL;
}

/* Start the target and wait until it has built its region. */
static int start_target(FIXTURE_DATA(race) *self, enum churn kind)
{
	double until = now() + 30;

	self->target = fork_tied();
	if (self->target < 0)
		return -1;
	if (self->target == 0)
		target(self->rc, kind);
	self->rc->target = self->target;
	while (!self->rc->target_ready && now() < until)
		usleep(10000);
	return self->rc->target_ready ? 0 : -1;
}

/* Stop readers and the target; the target is SIGSTOPped, then reads are checked. */
static void stop_all(struct __test_metadata *_metadata, FIXTURE_DATA(race) *self)
{
	int status, i;

	self->rc->stop_readers = 1;
	for (i = 0; i < NREADERS; i++) {
		ASSERT_EQ(self->readers[i], waitpid(self->readers[i], &status, 0));
		self->readers[i] = 0;
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("reader %d status 0x%x", i, status);
	}
	self->rc->stop_target = 1;
	ASSERT_EQ(self->target, waitpid(self->target, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status)) TH_LOG("target status 0x%x", status);
	if (self->knobs_changed) {
		for (i = 0; i < 3; i++)
			write_knob(knobs[i], self->saved[i]);
		self->knobs_changed = false;
	}
}

static void run_maps_race(struct __test_metadata *_metadata,
			  FIXTURE_DATA(race) *self, enum churn kind, int secs)
{
	unsigned long faults = 0, huge = 0, small = 0;
	struct pw_maps m;
	struct pw_diff d;
	char req[16];
	int i, tries;

	if (self->target <= 0)
		ASSERT_EQ(0, start_target(self, kind));
	for (i = 0; i < NREADERS; i++) {
		self->readers[i] = fork_tied();
		ASSERT_LE(0, self->readers[i]);
		if (self->readers[i] == 0)
			maps_reader(self->rc, i, i == 1);
	}
	sleep(secs);
	stop_all(_metadata, self);

	for (i = 0; i < NREADERS; i++) {
		struct reader *st = &self->rc->r[i];
		char who[64];

		snprintf(who, sizeof(who), "reader %d (%zu-byte reads%s)", i,
			 read_sizes[i], i == 1 ? ", nonpresent on" : "");
		TH_LOG("%s: %lu outputs, %lu runs, %lu read errors, region runs 2M %lu 4K %lu",
		       who, st->reads, st->f.runs, st->errors, st->huge_runs, st->small_runs);
		pw_faults_print(who, &st->f);
		faults += pw_faults_total(&st->f);
		huge += st->huge_runs;
		small += st->small_runs;
		EXPECT_EQ(0, st->errors) TH_LOG("%s: first error %s", who,
						 strerror(st->first_errno));
		EXPECT_LE(3, st->reads);
	}
	TH_LOG("target: %lu iterations, %lu collapses (%lu failed, last errno %d), %lu forks",
	       self->rc->iterations, self->rc->collapses, self->rc->collapse_fails,
	       self->rc->collapse_errno, self->rc->forks);
	EXPECT_EQ(0, faults);
	EXPECT_LT(0, self->rc->iterations);

	/* Stopped: one more read is well formed and agrees with pagemap. */
	snprintf(req, sizeof(req), "%d", self->target);
	for (tries = 0; tries < 3; tries++) {
		struct pw_faults ff = { 0 };
		char *text = pw_request(PTWALK_DIR "/maps", req);

		ASSERT_NE(NULL, text) TH_LOG("%s", strerror(errno));
		EXPECT_EQ(0, pw_maps_check(text, &ff));
		pw_faults_print("stopped target", &ff);
		ASSERT_EQ(0, pw_maps_parse(text, &m));
		free(text);
		ASSERT_EQ(0, pw_maps_compare(self->target, &m, &d));
		if (!d.wrong_pfn && !d.extra && !d.missing)
			break;
		pw_maps_free(&m);
	}
	TH_LOG("stopped target: pages matched %ld, wrong pfn %ld, only here %ld, only in pagemap %ld",
	       d.matched, d.wrong_pfn, d.extra, d.missing);
	EXPECT_LT(0, d.matched);
	EXPECT_EQ(0, d.wrong_pfn);
	EXPECT_EQ(0, d.extra);
	EXPECT_EQ(0, d.missing);
	EXPECT_TRUE(m.complete);
	{
		struct pm_vma *v;
		int n = proc_maps(self->target, &v), j;

		ASSERT_LT(0, n);
		EXPECT_EQ((size_t)n, m.nvmas);
		for (j = 0; j < n && (size_t)j < m.nvmas; j++)
			EXPECT_STREQ(v[j].line, m.vmas[j].line);
		free(v);
	}
	pw_maps_free(&m);

	if (kind == CHURN_THP && !faults && (!self->rc->collapses || !huge || !small))
		SKIP(return, "the race never saw both 4K tables and 2M leaves: %lu collapses (errno %d), %lu 2M and %lu 4K runs read in the region",
		     self->rc->collapses, self->rc->collapse_errno, huge, small);
}

TEST_F_TIMEOUT(race, thp_collapse_and_split_under_maps_readers, 90)
{
	char why[256];

	if (thp_setup(self, why, sizeof(why)))
		SKIP(return, "%s", why);
	/* The resume-inside-a-collapsed-table race is rare: give it longer. */
	run_maps_race(_metadata, self, CHURN_THP, race_secs() * 2);
}

TEST_F_TIMEOUT(race, munmap_mremap_mprotect_under_maps_readers, 90)
{
	run_maps_race(_metadata, self, CHURN_VMAS, race_secs());
}

TEST_F_TIMEOUT(race, fork_cow_and_dontneed_under_maps_readers, 90)
{
	run_maps_race(_metadata, self, CHURN_FORK, race_secs());
}

/* "entry=" of the PMD line: where the PMD entry for @va sits, or 0. */
static unsigned long pmd_entry_pa(pid_t pid, unsigned long va)
{
	struct pw_walk w;
	char req[64], *text;
	unsigned long pa = 0;
	int i;

	snprintf(req, sizeof(req), "%d 0x%lx", pid, va);
	if (pw_walk(req, &w, &text)) {
		fprintf(stderr, "# walk %s: %s\n", req, strerror(errno));
		return 0;
	}
	for (i = 0; i < w.nlevels; i++)
		if (!strcmp(w.level[i], "PMD"))
			pa = w.entry[i];
	if (!pa)
		fprintf(stderr, "# walk %s: no PMD line:\n%s", req, text);
	free(text);
	return pa;
}

TEST_F_TIMEOUT(race, hugetlb_pmd_unshare_under_maps_readers, 90)
{
	long before = hugetlb_reserve_2m(-1), got;
	unsigned long a = 0, b = 0;
	double until;
	int i;

	ASSERT_LE(0, before);
	self->hugepages_saved = before;
	got = hugetlb_reserve_2m(before + 2 * SHARE_PAGES);
	if (got < before + SHARE_PAGES + 4)
		SKIP(return, "no 2M hugetlb pages to be had (nr_hugepages %ld -> %ld)",
		     before, got);
	/* The sharer has its mapping and has touched it: the table is shared. */
	ASSERT_EQ(0, start_target(self, CHURN_HUGETLB_SHARE));
	for (until = now() + 10; !self->rc->sharer && now() < until;)
		usleep(10000);
	/* Informative: a punch may have unshared it just now; look again. */
	for (i = 0; i < 10; i++) {
		usleep(100000);
		a = pmd_entry_pa(self->target, self->rc->region);
		b = self->rc->sharer ?
		    pmd_entry_pa(self->rc->sharer, self->rc->region) : 0;
		if (a && a == b)
			break;
	}
	TH_LOG("PMD entry for 0x%lx: target at 0x%lx, sharer at 0x%lx%s",
	       self->rc->region, a, b, a && a == b ? " (one shared PMD table)" : "");
	run_maps_race(_metadata, self, CHURN_HUGETLB_SHARE, race_secs());
	TH_LOG("%lu unshares (hole punches and truncations)", self->rc->unshares);
	EXPECT_LT(0, self->rc->unshares);
}

/* One address of the collapsing region at a time: each walk well formed. */
TEST_F_TIMEOUT(race, thp_collapse_and_split_under_walk_readers, 90)
{
	unsigned long bad = 0, huge = 0, small = 0, va;
	int levels = paging_levels(), i, checked = 0;
	char why[256];
	uint64_t *pm;

	if (thp_setup(self, why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_EQ(0, start_target(self, CHURN_THP));
	for (i = 0; i < NREADERS; i++) {
		self->readers[i] = fork_tied();
		ASSERT_LE(0, self->readers[i]);
		if (self->readers[i] == 0)
			walk_reader(self->rc, i);
	}
	sleep(race_secs());
	stop_all(_metadata, self);
	for (i = 0; i < NREADERS; i++) {
		struct reader *st = &self->rc->r[i];

		TH_LOG("walk reader %d: %lu walks, %lu bad, %lu errors, leaves 2M %lu 4K %lu",
		       i, st->reads, st->walk_bad, st->errors, st->huge_runs, st->small_runs);
		if (st->walk_bad)
			TH_LOG("first bad walk: %s\n%s", st->walk_why, st->walk_text);
		EXPECT_EQ(0, st->errors) TH_LOG("first error %s", strerror(st->first_errno));
		EXPECT_LE(3, st->reads);
		bad += st->walk_bad;
		huge += st->huge_runs;
		small += st->small_runs;
	}
	TH_LOG("target: %lu iterations, %lu collapses (%lu failed, last errno %d)",
	       self->rc->iterations, self->rc->collapses, self->rc->collapse_fails,
	       self->rc->collapse_errno);
	EXPECT_EQ(0, bad);

	/* Stopped: walks of the region give pagemap's frames. */
	pm = pagemap_range(self->target, self->rc->region, self->rc->region + REGION);
	ASSERT_NE(NULL, pm);
	for (va = self->rc->region; va < self->rc->region + REGION; va += 61 * PAGE) {
		uint64_t e = pm[(va - self->rc->region) / PAGE];
		struct pw_walk w;
		char req[64], *text;

		snprintf(req, sizeof(req), "%d 0x%lx", self->target, va + 0x123);
		ASSERT_EQ(0, pw_walk(req, &w, &text));
		EXPECT_EQ(0, pw_walk_check(text, self->target, va + 0x123, levels,
					   why, sizeof(why))) TH_LOG("%s", why);
		free(text);
		if (!(e & PM_PRESENT)) {
			EXPECT_FALSE(w.translated) TH_LOG("0x%lx", va);
			continue;
		}
		EXPECT_TRUE(w.translated) TH_LOG("0x%lx: %s", va, w.stop);
		EXPECT_EQ((PM_PFN(e) << 12) + 0x123, w.pa) TH_LOG("0x%lx", va);
		checked++;
	}
	free(pm);
	EXPECT_LT(0, checked);
	if (!bad && (!self->rc->collapses || !huge || !small))
		SKIP(return, "the race never saw both 4K and 2M leaves: %lu collapses (errno %d), %lu 2M and %lu 4K leaves walked",
		     self->rc->collapses, self->rc->collapse_errno, huge, small);
}

PTW_HARNESS_MAIN
