// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/trace, the MMU-notifier flight recorder, against what the
 * traced process itself did (its own log of each step and the time around
 * it, on CLOCK_MONOTONIC like the module's ktime_get_ns()) and against
 * /proc/PID/pagemap once it has stopped: the right reasons, ranges and
 * order; entries before and after that say what changed; drops counted
 * exactly; lifetimes (target exit, tracer killed, rmmod) that leak nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "harness_main.h"
#include "jsonread.h"
#include "ptwalk.h"
#include "toolrun.h"
#include "util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define TRACE	PTWALK_DIR "/trace"
#define PG	4096UL
#define PAGES	16
/* x86 PTE bits, and the frame. */
#define P_PRESENT	(1ULL << 0)
#define P_RW		(1ULL << 1)
#define P_PFN(v)	(((v) & 0x000ffffffffff000ULL) >> 12)

/* One record of the trace: a line and the entry lines after it. */
struct rec {
	char tag[8];		/* event, done, exit, drop, fault */
	unsigned long long seq, time, ref, count, total;
	char kind[24];
	unsigned long start, end;
	unsigned int nentries;
	/* fault: start is the address */
	pid_t tid;
	bool user;
	unsigned long long ip, entry;
	char entry_at[16], level[8];
	char access[8], prot[8];	/* fault: read/write/exec; yes/no */
	struct {
		unsigned long va;
		bool has_before;
		unsigned long long before, after;
	} e[16];
};

struct trace {
	struct rec *r;
	size_t n;
	bool pfn_shown;
	bool faults;		/* the target line says faults=recorded */
	bool access;		/* the target line says access=recorded */
	pid_t pid;
	unsigned long long drops;	/* sum of drop counts */
	unsigned long long last_total;
	char bad[256];		/* the first malformed line, if any */
};

static void bad_line(struct trace *t, const char *line)
{
	if (!t->bad[0])
		snprintf(t->bad, sizeof(t->bad), "%.200s", line);
}

/*
 * Parse the whole text (header first), checking every line's form:
 * "TAG key=value ..." only, known tags, the keys each tag must have.
 * Appends to @t (several reads of one file make one trace).
 */
static void trace_parse(struct trace *t, char *text, bool want_header)
{
	char *save = NULL, *line, copy[512];
	struct ptw_line l;
	bool header = !want_header, synced = want_header;
	struct rec *r = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v, w;
		char tmp[64];

		/* Text read from the middle: start at a whole record. */
		if (!synced) {
			if (strncmp(line, "event ", 6) && strncmp(line, "done ", 5) &&
			    strncmp(line, "drop ", 5) && strncmp(line, "exit ", 5) &&
			    strncmp(line, "fault ", 6))
				continue;
			synced = true;
		}
		if (!strncmp(line, PTW_HEADER(trace), strlen(PTW_HEADER(trace)) - 1) &&
		    !line[strlen(PTW_HEADER(trace)) - 1]) {
			header = true;
			continue;
		}
		if (!header) {
			bad_line(t, line);
			continue;
		}
		snprintf(copy, sizeof(copy), "%s", line);
		if (ptw_tokenize(copy, &l)) {
			bad_line(t, line);
			continue;
		}
		if (!strcmp(l.tag, "target")) {
			if (ptw_get_num(&l, "pid", &v) ||
			    ptw_get_str(&l, "pfn", tmp, sizeof(tmp)) ||
			    ptw_get_str(&l, "clock", tmp + 32, 32))
				bad_line(t, line);
			t->pid = v;
			ptw_get_str(&l, "pfn", tmp, sizeof(tmp));
			t->pfn_shown = !strcmp(tmp, "shown");
			t->faults = !ptw_get_str(&l, "faults", tmp, sizeof(tmp)) &&
				    !strcmp(tmp, "recorded");
			if (ptw_get_str(&l, "access", tmp, sizeof(tmp)) ||
			    (strcmp(tmp, "recorded") && strcmp(tmp, "unknown")))
				bad_line(t, line);
			t->access = !strcmp(tmp, "recorded");
			continue;
		}
		if (!strcmp(l.tag, "entry")) {
			unsigned int i;

			if (!r || strcmp(r->tag, "done") || r->nentries >= 16 ||
			    ptw_get_num(&l, "va", &v) ||
			    ptw_get_num(&l, "after", &w) ||
			    ptw_get_str(&l, "after_level", tmp, sizeof(tmp))) {
				bad_line(t, line);
				continue;
			}
			i = r->nentries++;
			r->e[i].va = v;
			r->e[i].after = w;
			r->e[i].has_before = !ptw_get_num(&l, "before", &w);
			r->e[i].before = w;
			continue;
		}
		t->r = realloc(t->r, (t->n + 1) * sizeof(*t->r));
		r = &t->r[t->n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->tag, sizeof(r->tag), "%.7s", l.tag);
		if (!strcmp(r->tag, "drop")) {
			if (ptw_get_num(&l, "count", &r->count) ||
			    ptw_get_num(&l, "total", &r->total) || !r->count)
				bad_line(t, line);
			t->drops += r->count;
			t->last_total = r->total;
			continue;
		}
		if (ptw_get_num(&l, "seq", &r->seq) ||
		    ptw_get_num(&l, "time", &r->time)) {
			bad_line(t, line);
			continue;
		}
		if (!strcmp(r->tag, "exit"))
			continue;
		if (!strcmp(r->tag, "fault")) {
			if (ptw_get_num(&l, "tid", &v) ||
			    ptw_get_num(&l, "va", &w) ||
			    ptw_get_num(&l, "ip", &r->ip) ||
			    ptw_get_num(&l, "entry", &r->entry) ||
			    ptw_get_str(&l, "level", r->level, sizeof(r->level)) ||
			    ptw_get_str(&l, "entry_at", r->entry_at,
					sizeof(r->entry_at)) ||
			    ptw_get_str(&l, "access", r->access, sizeof(r->access)) ||
			    ptw_get_str(&l, "prot", r->prot, sizeof(r->prot)) ||
			    (strcmp(r->access, "read") && strcmp(r->access, "write") &&
			     strcmp(r->access, "exec") && strcmp(r->access, "unknown")) ||
			    (strcmp(r->prot, "yes") && strcmp(r->prot, "no") &&
			     strcmp(r->prot, "unknown")) ||
			    !strcmp(r->access, "unknown") != !strcmp(r->prot, "unknown") ||
			    ptw_get_str(&l, "mode", tmp, sizeof(tmp)) ||
			    (strcmp(tmp, "user") && strcmp(tmp, "kernel")) ||
			    (strcmp(r->entry_at, "fault_end") &&
			     strcmp(r->entry_at, "next_fault") &&
			     strcmp(r->entry_at, "change") &&
			     strcmp(r->entry_at, "read") &&
			     strcmp(r->entry_at, "none")))
				bad_line(t, line);
			r->tid = v;
			r->start = w;
			r->user = !strcmp(tmp, "user");
			continue;
		}
		if ((strcmp(r->tag, "event") && strcmp(r->tag, "done")) ||
		    ptw_get_str(&l, "kind", r->kind, sizeof(r->kind)) ||
		    ptw_get_num(&l, "start", &v) ||
		    ptw_get_num(&l, "end", &w) || v >= w) {
			bad_line(t, line);
			continue;
		}
		r->start = v;
		r->end = w;
		if (!strcmp(r->tag, "done") &&
		    (ptw_get_num(&l, "event", &r->ref) ||
		     ptw_get_num(&l, "entries", &v)))
			bad_line(t, line);
	}
}

/* Every record's seq goes up by one, or by the drop count in between. */
static bool trace_seq_ok(const struct trace *t, unsigned long long *last)
{
	unsigned long long expect = 1;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->r[i].tag, "drop")) {
			expect += t->r[i].count;
			continue;
		}
		if (t->r[i].seq != expect)
			return false;
		expect++;
	}
	*last = expect - 1;
	return true;
}

/* The records, one line each, for a failure's log. */
static void trace_dump(const struct trace *t)
{
	size_t i;
	unsigned int j;

	for (i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];

		printf("# %s seq=%llu ref=%llu kind=%s 0x%lx-0x%lx", r->tag,
		       r->seq, r->ref, r->kind, r->start, r->end);
		for (j = 0; j < r->nentries; j++)
			printf(" [0x%lx %llx>%llx]", r->e[j].va, r->e[j].before,
			       r->e[j].after);
		printf("\n");
	}
}

/*
 * A non-present x86-64 entry's swap type (bits 59-63). Real swap on the
 * VM's one zram device is type 0; the types at the top are the kernel's
 * special entries (migration, device, hwpoison, markers).
 */
static unsigned int swp_type(unsigned long long v)
{
	return v >> 59;
}

static void trace_free(struct trace *t)
{
	free(t->r);
	memset(t, 0, sizeof(*t));
}

/* Read everything buffered now; appends to @t. */
static int trace_drain(int fd, struct trace *t, bool first)
{
	char *text = read_fd_sized(fd, 4096, NULL);

	if (!text)
		return -1;
	trace_parse(t, text, first);
	free(text);
	return 0;
}

static int trace_open(pid_t pid)
{
	char req[32];
	int fd = open(TRACE, O_RDWR);

	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "%d", pid);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}


/* The scripted target's log, in a shared page: what it did and when. */
enum step { S_FORK, S_COW, S_MPROTECT, S_MUNMAP, S_PAGEOUT, S_SWAPIN, S_NR };

static const char *const step_names[S_NR] = {
	"fork", "cow write", "mprotect", "munmap", "pageout", "swap-in",
};

struct tlog {
	unsigned long p;		/* the PAGES-page mapping */
	unsigned long long t0[S_NR], t1[S_NR];	/* around each step */
	int done[S_NR];
	bool swap;			/* MADV_PAGEOUT may run */
	pid_t tid, child;		/* the target's and its fork child's */
	/* Accesses that must fault, in the order it made them. */
	struct {
		unsigned long va;
		unsigned long long t0, t1;
		bool write;
		bool prot;	/* the page is present: a protection fault */
	} acc[8];
	int nacc;
};

/* The target logs an access that must fault, with the time around it. */
#define LOGGED(log, addr, wr, pr, expr) do {			\
		int i_ = (log)->nacc++;					\
		(log)->acc[i_].va = (unsigned long)(addr);		\
		(log)->acc[i_].write = (wr);				\
		(log)->acc[i_].prot = (pr);				\
		(log)->acc[i_].t0 = mono_ns();				\
		expr;							\
		(log)->acc[i_].t1 = mono_ns();				\
	} while (0)

/*
 * The target: touch PAGES pages; fork (the child holds the frames until
 * told); write page 0 (copy on write); let the child write and exit;
 * write pages 4-5 (writable again, no copy) and mprotect them
 * read-only; munmap pages 8-9; page out page 12 and read it back (a
 * swap-in fills an entry: no invalidation); then stop.
 */
static void scripted_target(struct tlog *log, int go)
{
	char *p, c;
	int cpipe[2], cpu = sched_getcpu();
	cpu_set_t one;
	pid_t child;

	/*
	 * On one CPU: a page faulted in waits in its CPU's batch of pages to
	 * add to the LRU, and MADV_PAGEOUT drains only its own CPU's batch,
	 * so page 12 must be written on the CPU that pages it out.
	 */
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		_exit(13);
	/* 2 MiB-aligned: the steps' ranges never cross a PMD boundary. */
	p = map_aligned(PAGES * PG);
	if (!p)
		_exit(10);
	/* 4K pages: the steps' records are those of PTEs (THP is "always"). */
	madvise(p, PAGES * PG, MADV_NOHUGEPAGE);
	touch(p, PAGES * PG);
	log->p = (unsigned long)p;
	log->tid = gettid();
	mono_ns();	/* the vDSO's data page faulted in before the steps */
	if (pipe(cpipe) || read(go, &c, 1) != 1)
		_exit(11);

	log->t0[S_FORK] = mono_ns();
	child = fork();
	if (!child) {
		if (read(cpipe[0], &c, 1) != 1)
			_exit(1);
		p[PG] = 2;	/* the child's own copy */
		_exit(0);
	}
	log->t1[S_FORK] = mono_ns();
	log->done[S_FORK] = child > 0;
	log->child = child;

	log->t0[S_COW] = mono_ns();
	/* Present, write-protected by the fork: protection faults. */
	LOGGED(log, p, true, true, p[0] = 1);
	log->t1[S_COW] = mono_ns();
	log->done[S_COW] = 1;
	if (write(cpipe[1], "x", 1) != 1 || waitpid(child, NULL, 0) != child)
		_exit(12);

	/* Writable again (the child is gone: the frames are reused). */
	LOGGED(log, p + 4 * PG, true, true, p[4 * PG] = 4);
	LOGGED(log, p + 5 * PG, true, true, p[5 * PG] = 5);
	log->t0[S_MPROTECT] = mono_ns();
	log->done[S_MPROTECT] = !mprotect(p + 4 * PG, 2 * PG, PROT_READ);
	log->t1[S_MPROTECT] = mono_ns();

	log->t0[S_MUNMAP] = mono_ns();
	log->done[S_MUNMAP] = !munmap(p + 8 * PG, 2 * PG);
	log->t1[S_MUNMAP] = mono_ns();

	if (log->swap) {
		log->t0[S_PAGEOUT] = mono_ns();
		log->done[S_PAGEOUT] = !madvise(p + 12 * PG, PG, MADV_PAGEOUT);
		log->t1[S_PAGEOUT] = mono_ns();
		log->t0[S_SWAPIN] = mono_ns();
		/* Swapped out: not present. */
		LOGGED(log, p + 12 * PG, false, false,
		       log->done[S_SWAPIN] = p[12 * PG] == 1);
		log->t1[S_SWAPIN] = mono_ns();
	}
	raise(SIGSTOP);
	_exit(0);
}

/*
 * The first start record of @kind inside the step's time window whose
 * range is [start, end) (or covers it, with @cover), and the matching
 * done record (by its event= reference) in *@done.
 */
static const struct rec *find_event(const struct trace *t, const struct tlog *log,
				    enum step s, const char *kind,
				    unsigned long start, unsigned long end,
				    bool cover, const struct rec **done)
{
	const struct rec *ev = NULL;
	size_t i;

	*done = NULL;
	for (i = 0; i < t->n; i++) {
		const struct rec *r = &t->r[i];

		if (!ev && !strcmp(r->tag, "event") && !strcmp(r->kind, kind) &&
		    r->time >= log->t0[s] && r->time <= log->t1[s] &&
		    (cover ? r->start <= start && r->end >= end :
		     r->start == start && r->end == end))
			ev = r;
		else if (ev && !strcmp(r->tag, "done") && r->ref == ev->seq) {
			*done = r;
			break;
		}
	}
	return ev;
}

/*
 * The faults recorded in the target's pages since its steps began against
 * its own log: the same accesses, as many, in order, each inside its
 * logged window, from its thread, in user mode; none of its fork child's
 * (it wrote page 1). The entry each produced (read after the fault) maps
 * the frame pagemap shows now that the target is stopped.
 */
static int check_faults(struct __test_metadata *_metadata,
			const struct trace *t, const struct tlog *log,
			const uint64_t *pm)
{
	const struct rec *f[16];
	unsigned long p = log->p;
	int n = 0, i, bad = 0;
	size_t k;

	EXPECT_TRUE(t->faults);
	for (k = 0; k < t->n; k++) {
		const struct rec *r = &t->r[k];

		if (strcmp(r->tag, "fault") || r->time < log->t0[S_FORK])
			continue;
		EXPECT_NE(log->child, r->tid) TH_LOG("the fork child's fault at 0x%lx recorded", r->start);
		bad += r->tid == log->child;
		if (r->start < p || r->start >= p + PAGES * PG)
			continue;
		if (n < 16)
			f[n] = r;
		n++;
	}
	EXPECT_EQ(log->nacc, n) TH_LOG("faults in the target's pages: %d recorded, %d logged", n, log->nacc);
	if (n != log->nacc)
		return bad + 1;
	for (i = 0; i < n; i++) {
		const struct rec *r = f[i];
		int pg = (log->acc[i].va - p) / PG;

		EXPECT_EQ(log->acc[i].va, r->start) TH_LOG("fault %d", i);
		EXPECT_EQ(log->tid, r->tid);
		EXPECT_TRUE(r->user);
		EXPECT_LE(log->acc[i].t0, r->time) TH_LOG("fault %d before its access", i);
		EXPECT_GE(log->acc[i].t1, r->time) TH_LOG("fault %d after its access", i);
		EXPECT_STREQ("pte", r->level);
		/* The access the target made, from the CPU's error code. */
		if (t->access) {
			EXPECT_STREQ(log->acc[i].write ? "write" : "read", r->access)
				TH_LOG("fault %d at page %d", i, pg);
			EXPECT_STREQ(log->acc[i].prot ? "yes" : "no", r->prot)
				TH_LOG("fault %d at page %d", i, pg);
		}
		/* Each succeeded: its entry read at its end, in place. */
		EXPECT_STREQ("fault_end", r->entry_at);
		EXPECT_TRUE(r->entry & P_PRESENT) TH_LOG("fault %d: entry 0x%llx", i, r->entry);
		if (log->acc[i].write)
			EXPECT_TRUE(r->entry & P_RW) TH_LOG("entry 0x%llx", r->entry);
		/* The frame the fault put there is the one mapped now. */
		EXPECT_TRUE((pm[pg] & PM_PRESENT) &&
			    PM_PFN(pm[pg]) == P_PFN(r->entry))
			TH_LOG("fault at page %d: entry 0x%llx, pagemap 0x%llx", pg,
			       r->entry, (unsigned long long)pm[pg]);
		bad += !(r->start == log->acc[i].va && (pm[pg] & PM_PRESENT) &&
			 PM_PFN(pm[pg]) == P_PFN(r->entry));
	}
	TH_LOG("%d faults in the target's pages, as logged", n);
	return bad;
}

TEST(scripted_timeline)
{
	struct tlog *log = mmap(NULL, PG, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const struct rec *ev, *done, *last[S_NR] = { 0 };
	struct trace t = { 0 };
	unsigned long long lastseq;
	unsigned long p;
	uint64_t *pm;
	char why[128] = "", c = 'g';
	int go[2], fd, status, i, s, bad, compared = 0, migrated = 0;
	bool ok;
	size_t k;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, log);
	memset(log, 0, sizeof(*log));
	log->swap = zram_swap_on(why, sizeof(why));
	if (!log->swap)
		TH_LOG("no swap, the page-out step is left out: %s", why);
	ASSERT_EQ(0, pipe(go));
	pid = fork_tied();
	ASSERT_LE(0, pid);
	if (!pid)
		scripted_target(log, go[0]);
	fd = trace_open(pid);
	ASSERT_LE(0, fd) TH_LOG("trace %d: %s", pid, strerror(errno));
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, trace_drain(fd, &t, true));
	EXPECT_STREQ("", t.bad);
	EXPECT_EQ(pid, t.pid);
	EXPECT_TRUE(t.pfn_shown);
	EXPECT_EQ(0, t.drops);
	EXPECT_TRUE(trace_seq_ok(&t, &lastseq));
	TH_LOG("%zu records, last seq %llu", t.n, lastseq);
	p = log->p;
	for (s = 0; s < S_NR; s++)
		if ((s != S_PAGEOUT && s != S_SWAPIN) || log->swap)
			EXPECT_TRUE(log->done[s]) TH_LOG("step %s failed", step_names[s]);

	/* fork: the parent's private pages are write-protected, whole VMA. */
	ev = find_event(&t, log, S_FORK, "protection_page", p, p + PAGES * PG,
			true, &done);
	EXPECT_NE(NULL, ev) TH_LOG("no protection_page covering the mapping during fork");
	EXPECT_NE(NULL, done);
	last[S_FORK] = done;

	/* The write to page 0: copy on write, a new writable frame. */
	ev = find_event(&t, log, S_COW, "clear", p, p + PG, false, &done);
	ASSERT_NE(NULL, ev) TH_LOG("no clear event for the COW write");
	ASSERT_NE(NULL, done);
	ASSERT_EQ(1, done->nentries);
	EXPECT_EQ(p, done->e[0].va);
	EXPECT_TRUE(done->e[0].has_before);
	EXPECT_TRUE(done->e[0].before & P_PRESENT);
	EXPECT_FALSE(done->e[0].before & P_RW) TH_LOG("before=0x%llx", done->e[0].before);
	EXPECT_TRUE(done->e[0].after & P_PRESENT);
	EXPECT_TRUE(done->e[0].after & P_RW) TH_LOG("after=0x%llx", done->e[0].after);
	EXPECT_NE(P_PFN(done->e[0].before), P_PFN(done->e[0].after));
	last[S_COW] = done;

	/* mprotect of pages 4-5: their range exactly, read-only after. */
	ev = find_event(&t, log, S_MPROTECT, "protection_vma", p + 4 * PG,
			p + 6 * PG, false, &done);
	ASSERT_NE(NULL, ev) TH_LOG("no protection_vma [0x%lx, 0x%lx)", p + 4 * PG, p + 6 * PG);
	ASSERT_NE(NULL, done);
	ASSERT_EQ(2, done->nentries);
	for (i = 0; i < 2; i++) {
		EXPECT_TRUE(done->e[i].before & P_RW);
		EXPECT_FALSE(done->e[i].after & P_RW);
		EXPECT_TRUE(done->e[i].after & P_PRESENT);
		EXPECT_EQ(P_PFN(done->e[i].before), P_PFN(done->e[i].after));
	}
	last[S_MPROTECT] = done;

	/* munmap of pages 8-9: unmap, empty after. */
	ev = find_event(&t, log, S_MUNMAP, "unmap", p + 8 * PG, p + 10 * PG,
			false, &done);
	ASSERT_NE(NULL, ev) TH_LOG("no unmap [0x%lx, 0x%lx)", p + 8 * PG, p + 10 * PG);
	ASSERT_NE(NULL, done);
	ASSERT_EQ(2, done->nentries);
	for (i = 0; i < 2; i++) {
		EXPECT_TRUE(done->e[i].before & P_PRESENT);
		EXPECT_EQ(0, done->e[i].after);
	}
	last[S_MUNMAP] = done;

	/* Page-out of page 12: cleared by reclaim, a swap entry after. */
	if (log->swap) {
		ev = find_event(&t, log, S_PAGEOUT, "clear", p + 12 * PG,
				p + 13 * PG, false, &done);
		ASSERT_NE(NULL, ev) TH_LOG("no clear event for MADV_PAGEOUT");
		ASSERT_NE(NULL, done);
		ASSERT_EQ(1, done->nentries);
		EXPECT_TRUE(done->e[0].before & P_PRESENT);
		EXPECT_FALSE(done->e[0].after & P_PRESENT);
		EXPECT_NE(0, done->e[0].after);
		last[S_PAGEOUT] = done;
		/* The swap-in: nothing recorded for page 12 meanwhile. */
		for (k = 0; k < t.n; k++)
			EXPECT_FALSE(!strcmp(t.r[k].tag, "event") &&
				     t.r[k].time >= log->t0[S_SWAPIN] &&
				     t.r[k].time <= log->t1[S_SWAPIN] &&
				     t.r[k].start < p + 13 * PG &&
				     t.r[k].end > p + 12 * PG)
				TH_LOG("%s event during the swap-in", t.r[k].kind);
	}
	/* In the order the target did them. */
	for (s = 1; s < S_NR; s++)
		if (last[s] && last[s - 1])
			EXPECT_LT(last[s - 1]->seq, last[s]->seq);

	/*
	 * The last after-state of every page, against pagemap now that the
	 * target is stopped.
	 */
	pm = pagemap_range(pid, p, p + PAGES * PG);
	ASSERT_NE(NULL, pm);
	bad = 0;
	for (i = 0; i < PAGES; i++) {
		unsigned long va = p + i * PG;
		const struct rec *r;
		bool seen = false;
		unsigned int j;
		unsigned long long after = 0;

		for (k = 0; k < t.n; k++) {
			r = &t.r[k];
			for (j = 0; j < r->nentries; j++)
				if (r->e[j].va == va) {
					after = r->e[j].after;
					seen = true;
				}
		}
		if (!seen)
			continue;
		if (i == 12 && log->swap) {
			/* Swapped in by the read: present again, unrecorded. */
			EXPECT_TRUE(pm[i] & PM_PRESENT);
			continue;
		}
		if (after & P_PRESENT) {
			ok = (pm[i] & PM_PRESENT) && PM_PFN(pm[i]) == P_PFN(after);
		} else if (after && swp_type(after)) {
			/*
			 * A migration entry (compaction moves pages): the
			 * kernel puts the new frame in without an
			 * invalidation (remove_migration_ptes() fills the
			 * entry), so the page is present now.
			 */
			ok = pm[i] & PM_PRESENT;
			migrated++;
		} else if (after) {
			ok = (pm[i] & PM_SWAP) && PM_SWAP_OFF(pm[i]) ==
			     (((~after) >> 9) & ((1ULL << 50) - 1));
		} else {
			ok = !(pm[i] & (PM_PRESENT | PM_SWAP));
		}
		EXPECT_TRUE(ok) TH_LOG("page %d: last after=0x%llx, pagemap 0x%llx",
				       i, after, (unsigned long long)pm[i]);
		bad += !ok;
		compared++;
	}
	TH_LOG("%d pages compared with pagemap (%d migrated meanwhile)",
	       compared, migrated);
	/* Pages 0, 4, 5, 8, 9 (12 was swapped back in unrecorded). */
	EXPECT_LE(5, compared);
	bad += check_faults(_metadata, &t, log, pm);
	if (bad)
		trace_dump(&t);
	free(pm);
	trace_free(&t);
	close(fd);
	child_kill(pid);
}

/*
 * A child that writes a page and drops it with MADV_DONTNEED (one fault and
 * one clear invalidation a round), @rounds times (forever if < 0), between
 * two stops: its PID once it stopped the first time, or -1.
 */
static pid_t churner(int rounds)
{
	int status, i;
	pid_t pid = fork_tied();

	if (!pid) {
		char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		raise(SIGSTOP);
		for (i = 0; rounds < 0 || i < rounds; i++) {
			p[0] = 1;
			madvise(p, PG, MADV_DONTNEED);
		}
		raise(SIGSTOP);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, WUNTRACED) != pid ||
	    !WIFSTOPPED(status))
		return -1;
	return pid;
}

/*
 * A target that changes its tables (touch, then MADV_DONTNEED: a clear
 * event each time) much faster than the reader drains: records are
 * dropped, counted exactly (the seq numbers skip by the count), and every
 * line stays well formed.
 */
TEST(overflow_counts_drops)
{
	const int rounds = 20000;
	struct trace t = { 0 };
	unsigned long long lastseq;
	int fd, status, reads = 0;
	pid_t pid;

	pid = churner(rounds);
	ASSERT_LT(0, pid);
	fd = trace_open(pid);
	ASSERT_LE(0, fd);
	kill(pid, SIGCONT);
	/*
	 * Read slowly while it runs: 256 bytes (a few records) every 50 ms,
	 * far less than the target makes even on a debug kernel under TCG.
	 */
	for (;;) {
		char buf[256];
		ssize_t n;

		if (waitpid(pid, &status, WUNTRACED | WNOHANG) == pid)
			break;
		n = read(fd, buf, sizeof(buf));
		ASSERT_LE(0, n);
		reads++;
		usleep(50000);
	}
	ASSERT_TRUE(WIFSTOPPED(status));
	/*
	 * The slow reads took records out from the middle of lines; read
	 * the rest and check from the first whole record on.
	 */
	ASSERT_EQ(0, trace_drain(fd, &t, false));
	EXPECT_STREQ("", t.bad);
	TH_LOG("%d reads, %zu records after, %llu dropped (total %llu)", reads,
	       t.n, t.drops, t.last_total);
	EXPECT_LT(0, t.drops);
	EXPECT_LE(t.drops, t.last_total);
	close(fd);
	child_kill(pid);

	/* Now the whole trace, read only at the end: seq and drops add up. */
	trace_free(&t);
	pid = churner(rounds);
	ASSERT_LT(0, pid);
	fd = trace_open(pid);
	ASSERT_LE(0, fd);
	kill(pid, SIGCONT);
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_EQ(0, trace_drain(fd, &t, true));
	EXPECT_STREQ("", t.bad);
	EXPECT_TRUE(trace_seq_ok(&t, &lastseq));
	/* Each round is at least a start and an end. */
	EXPECT_LE(2ULL * rounds, lastseq);
	EXPECT_EQ(t.drops, t.last_total);
	/* The ring's 1024 records are all there, and one drop line. */
	EXPECT_EQ(lastseq - t.drops + 1, (unsigned long long)t.n);
	TH_LOG("last seq %llu, %zu records, %llu dropped", lastseq, t.n, t.drops);
	trace_free(&t);
	close(fd);
	child_kill(pid);
}

/*
 * Reads that race the faults: a reader reading as fast as it can while
 * its target writes RACE_PAGES fresh pages. A read never hands out a
 * fault that is still in progress (its entry would be the one before it):
 * every one of those faults comes with the entry it produced, read at its
 * end, present and writable, exactly once each.
 */
#define RACE_PAGES 400

TEST(reads_race_faults)
{
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap);
	struct trace t = { 0 };
	int fd, status, reads = 0, faults = 0, i;
	int *seen;
	char *p;
	pid_t pid;
	size_t k;

	ASSERT_NE(NULL, text);
	seen = calloc(RACE_PAGES, sizeof(*seen));
	ASSERT_NE(NULL, seen);
	/* Mapped before the fork: the child's address is ours. */
	p = mmap(NULL, RACE_PAGES * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, RACE_PAGES * PG, MADV_NOHUGEPAGE));
	pid = fork_tied();
	ASSERT_LE(0, pid);
	if (!pid) {
		raise(SIGSTOP);
		for (i = 0; i < RACE_PAGES; i++)
			p[i * PG] = 1;
		raise(SIGSTOP);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	fd = trace_open(pid);
	ASSERT_LE(0, fd);
	kill(pid, SIGCONT);
	for (;;) {
		bool stopped = waitpid(pid, &status, WUNTRACED | WNOHANG) == pid;
		ssize_t n;

		/* Once it stopped, what is left is read to the end. */
		do {
			ASSERT_LT(len + 4096, cap);
			n = read(fd, text + len, 4096);
			ASSERT_LE(0, n);
			len += n;
			reads++;
		} while (stopped && n > 0);
		if (stopped)
			break;
	}
	text[len] = '\0';
	trace_parse(&t, text, true);
	EXPECT_STREQ("", t.bad);
	EXPECT_EQ(0, t.drops);
	for (k = 0; k < t.n; k++) {
		const struct rec *r = &t.r[k];
		unsigned long a = r->start - (unsigned long)p;

		if (strcmp(r->tag, "fault") || r->start < (unsigned long)p ||
		    a >= RACE_PAGES * PG)
			continue;
		faults++;
		EXPECT_EQ(0, a % PG);
		seen[a / PG]++;
		EXPECT_STREQ("fault_end", r->entry_at) TH_LOG("page %lu", a / PG);
		EXPECT_EQ(P_PRESENT | P_RW, r->entry & (P_PRESENT | P_RW))
			TH_LOG("page %lu: entry 0x%llx at %s", a / PG, r->entry,
			       r->entry_at);
	}
	for (i = 0; i < RACE_PAGES; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("page %d", i);
	TH_LOG("%d reads, %d faults in the target's pages", reads, faults);
	trace_free(&t);
	close(fd);
	child_kill(pid);
	munmap(p, RACE_PAGES * PG);
	free(seen);
	free(text);
}

/* A target that exits mid-trace: an exit record last, then nothing. */
TEST(target_exits)
{
	long open0 = pw_info_num("files_open");
	struct trace t = { 0 };
	unsigned long long lastseq;
	char buf[64];
	int fd, status;
	pid_t pid;

	ASSERT_LE(0, open0);
	pid = fork_tied();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		touch(p, 4 * PG);
		raise(SIGSTOP);
		munmap(p, 4 * PG);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	fd = trace_open(pid);
	ASSERT_LE(0, fd);
	EXPECT_EQ(open0 + 1, pw_info_num("files_open"));
	kill(pid, SIGCONT);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, trace_drain(fd, &t, true));
	EXPECT_STREQ("", t.bad);
	EXPECT_TRUE(trace_seq_ok(&t, &lastseq));
	ASSERT_LT(0, t.n);
	EXPECT_STREQ("exit", t.r[t.n - 1].tag);
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	/* A new request for the gone PID fails; the file stays usable. */
	snprintf(buf, sizeof(buf), "%d", pid);
	EXPECT_EQ(-1, write(fd, buf, strlen(buf)));
	EXPECT_EQ(ESRCH, errno);
	close(fd);
	EXPECT_EQ(open0, pw_info_num("files_open"));
	trace_free(&t);
}

/*
 * execve() replaces the address space: the trace of the old one ends with
 * its exit record; a new request (root) follows the new one.
 */
TEST(target_execs)
{
	struct trace t = { 0 };
	unsigned long long lastseq;
	char req[32], buf[256];
	int fd, go[2];
	pid_t pid;
	ssize_t n;

	ASSERT_EQ(0, pipe(go));
	pid = fork_tied();
	ASSERT_LE(0, pid);
	if (!pid) {
		char c;

		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/sleep", "sleep", "5", (char *)NULL);
		_exit(2);
	}
	fd = trace_open(pid);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(go[1], "x", 1));
	/*
	 * The exit record of the old address space comes with the exec (in
	 * up to 30 s: a debug kernel under TCG execs slowly), after the
	 * faults the child takes on its way there (execve() reads its
	 * arguments from the old one). The header comes with the first read
	 * only.
	 */
	for (n = 0; n < 3000 && (!t.n || strcmp(t.r[t.n - 1].tag, "exit")); n++) {
		usleep(10000);
		ASSERT_EQ(0, trace_drain(fd, &t, n == 0));
	}
	ASSERT_LT(0, t.n);
	EXPECT_STREQ("", t.bad);
	EXPECT_TRUE(trace_seq_ok(&t, &lastseq));
	EXPECT_STREQ("exit", t.r[t.n - 1].tag);
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	snprintf(req, sizeof(req), "%d", pid);
	EXPECT_EQ((ssize_t)strlen(req), write(fd, req, strlen(req)));
	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_EQ(0, strncmp(buf, PTW_HEADER(trace), strlen(PTW_HEADER(trace))));
	close(fd);
	trace_free(&t);
	child_kill(pid);
}

/*
 * A tracer killed mid-trace, while its target keeps changing its
 * tables: its descriptor is released, the notifier detached.
 */
TEST(tracer_killed)
{
	long open0 = pw_info_num("files_open");
	int status, i, sync[2];
	pid_t target, tracer;
	char c;

	ASSERT_LE(0, open0);
	target = churner(-1);
	ASSERT_LT(0, target);
	kill(target, SIGCONT);
	ASSERT_EQ(0, pipe(sync));
	tracer = fork_tied();
	ASSERT_LE(0, tracer);
	if (!tracer) {
		int fd = trace_open(target);
		char buf[4096];

		if (fd < 0 || write(sync[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			if (read(fd, buf, sizeof(buf)) < 0)
				_exit(2);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	EXPECT_EQ(open0 + 1, pw_info_num("files_open"));
	usleep(200000);
	kill(tracer, SIGKILL);
	ASSERT_EQ(tracer, waitpid(tracer, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	for (i = 0; i < 100 && pw_info_num("files_open") != open0; i++)
		usleep(10000);
	EXPECT_EQ(open0, pw_info_num("files_open"));
	/* The target runs on, untraced. */
	EXPECT_EQ(0, waitpid(target, &status, WNOHANG));
	child_kill(target);
}

/*
 * A fault the kernel takes for the process: read() from a pipe into a
 * page never touched faults in kernel mode (copy_to_user), at the
 * buffer's first byte, with a kernel ip; its entry maps the frame pagemap
 * shows.
 */
TEST(kernel_mode_fault)
{
	struct trace t = { 0 };
	int fd, pfd[2], n = 0;
	const struct rec *f = NULL;
	uint64_t *pm;
	char *p;
	size_t k;

	fd = open(TRACE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "self", 4));
	ASSERT_EQ(0, trace_drain(fd, &t, true));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(8, write(pfd[1], "abcdefgh", 8));
	ASSERT_EQ(8, read(pfd[0], p, 8));
	ASSERT_EQ(0, trace_drain(fd, &t, false));
	EXPECT_STREQ("", t.bad);
	EXPECT_TRUE(t.faults);
	for (k = 0; k < t.n; k++)
		if (!strcmp(t.r[k].tag, "fault") && t.r[k].start >= (unsigned long)p &&
		    t.r[k].start < (unsigned long)p + PG) {
			f = &t.r[k];
			n++;
		}
	ASSERT_EQ(1, n);
	EXPECT_EQ((unsigned long)p, f->start);
	EXPECT_FALSE(f->user);
	/* copy_to_user() writes the buffer, which was never touched. */
	EXPECT_TRUE(t.access);
	EXPECT_STREQ("write", f->access);
	EXPECT_STREQ("no", f->prot);
	EXPECT_STREQ("fault_end", f->entry_at);
	EXPECT_EQ(gettid(), f->tid);
	EXPECT_LE(0xffff800000000000ULL, f->ip) TH_LOG("ip 0x%llx", f->ip);
	pm = pagemap_range(getpid(), (unsigned long)p, (unsigned long)p + PG);
	ASSERT_NE(NULL, pm);
	EXPECT_TRUE(f->entry & P_PRESENT);
	EXPECT_EQ(PM_PFN(pm[0]), P_PFN(f->entry))
		TH_LOG("entry 0x%llx pagemap 0x%llx", f->entry, (unsigned long long)pm[0]);
	free(pm);
	trace_free(&t);
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
	munmap(p, PG);
}

static sigjmp_buf segv_jump;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jump, 1);
}

/* Write to @p, which faults and fails (SIGSEGV); 0 when it did. */
static __attribute__((noinline)) int write_fails(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int failed = 0;

	if (sigaction(SIGSEGV, &sa, &old))
		return -1;
	if (!sigsetjmp(segv_jump, 1))
		p[0] = 1;
	else
		failed = 1;
	sigaction(SIGSEGV, &old, NULL);
	return failed ? 0 : -1;
}

/*
 * A fault that fails (a write to a read-only mapping: SIGSEGV) has no end:
 * its entry is read at the thread's next fault instead, and nothing was
 * mapped. The next fault, which succeeds, is read at its end.
 */
TEST(failed_fault_entry_at_next_fault)
{
	const struct rec *bad = NULL, *good = NULL;
	struct trace t = { 0 };
	volatile char *ro;
	char *rw;
	int fd;
	size_t k;

	ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rw = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_NE(MAP_FAILED, rw);
	fd = open(TRACE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "self", 4));
	ASSERT_EQ(0, write_fails(ro));
	rw[0] = 1;
	ASSERT_EQ(0, trace_drain(fd, &t, true));
	EXPECT_STREQ("", t.bad);
	for (k = 0; k < t.n; k++) {
		if (strcmp(t.r[k].tag, "fault"))
			continue;
		if (t.r[k].start == (unsigned long)ro)
			bad = &t.r[k];
		if (t.r[k].start == (unsigned long)rw)
			good = &t.r[k];
	}
	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, good);
	EXPECT_STREQ("next_fault", bad->entry_at);
	EXPECT_FALSE(bad->entry & P_PRESENT) TH_LOG("entry 0x%llx", bad->entry);
	/* Nothing mapped there: a write, not a protection fault. */
	EXPECT_TRUE(t.access);
	EXPECT_STREQ("write", bad->access);
	EXPECT_STREQ("no", bad->prot);
	EXPECT_STREQ("write", good->access);
	EXPECT_STREQ("fault_end", good->entry_at);
	EXPECT_TRUE(good->entry & P_PRESENT);
	trace_free(&t);
	close(fd);
	munmap((void *)ro, PG);
	munmap(rw, PG);
}

/*
 * A read does not wait for a fault of the reading thread itself: the
 * reader is past it. A failed fault (no end comes) as the thread's last
 * act is in the very next read, its entry read then (or at a fault the
 * signal's delivery took), nothing mapped.
 */
TEST(own_failed_fault_is_not_held)
{
	static char buf[1 << 16];
	struct trace t = { 0 };
	volatile char *none;
	const struct rec *f = NULL;
	ssize_t n;
	size_t k;
	int fd;

	memset(buf, 0, sizeof(buf));
	none = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	fd = open(TRACE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "self", 4));
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	ASSERT_EQ(0, write_fails(none));
	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n) TH_LOG("the read waited for our own failed fault");
	buf[n] = '\0';
	trace_parse(&t, buf, false);
	EXPECT_STREQ("", t.bad);
	for (k = 0; k < t.n && !f; k++)
		if (!strcmp(t.r[k].tag, "fault") &&
		    t.r[k].start == (unsigned long)none)
			f = &t.r[k];
	ASSERT_NE(NULL, f) TH_LOG("%s", buf);
	EXPECT_TRUE(!strcmp(f->entry_at, "read") ||
		    !strcmp(f->entry_at, "next_fault")) TH_LOG("%s", f->entry_at);
	EXPECT_FALSE(f->entry & P_PRESENT) TH_LOG("entry 0x%llx", f->entry);
	if (strcmp(f->access, "unknown"))	/* no tracepoints: fault_access */
		EXPECT_STREQ("write", f->access);
	trace_free(&t);
	close(fd);
	munmap((void *)none, PG);
}

/* The first fault of @t at @va after record @from, or NULL. */
static const struct rec *fault_after(const struct trace *t,
				     const struct rec *from, const void *va)
{
	size_t k;

	for (k = from ? from - t->r + 1 : 0; k < t->n; k++)
		if (!strcmp(t->r[k].tag, "fault") &&
		    t->r[k].start == (unsigned long)va)
			return &t->r[k];
	return NULL;
}

/*
 * Each fault's access is the one the thread made, read from the CPU's
 * error code: a read of a fresh page, a write to the page that read
 * mapped (a protection fault exactly when pagemap shows the read left
 * it present), a write to a fresh page, the call of a fresh executable
 * page (its fetch faults at the instruction: ip is the address), and a
 * write to a read-only page that a read mapped (fails: SIGSEGV).
 */
TEST(fault_access)
{
	static const unsigned char ret = 0xc3;	/* x86 ret */
	const struct rec *rd, *wr, *fresh, *ex, *ro_wr;
	struct trace t = { 0 };
	volatile char *q, *ro;
	uint64_t *pm;
	bool read_mapped;
	void (*fn)(void);
	int fd, mfd;
	char *x;

	q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_NE(MAP_FAILED, ro);
	/* A file page holding ret, mapped executable and never touched. */
	mfd = memfd_create("ptwalk-ret", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(1, pwrite(mfd, &ret, 1, 0));
	ASSERT_EQ(0, ftruncate(mfd, PG));
	x = mmap(NULL, PG, PROT_READ | PROT_EXEC, MAP_PRIVATE, mfd, 0);
	ASSERT_NE(MAP_FAILED, x);
	fn = (void (*)(void))x;

	fd = open(TRACE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "self", 4));
	(void)q[0];
	pm = pagemap_range(getpid(), (unsigned long)q, (unsigned long)q + PG);
	ASSERT_NE(NULL, pm);
	read_mapped = pm[0] & PM_PRESENT;
	free(pm);
	q[0] = 1;
	q[PG] = 1;
	fn();
	(void)ro[0];
	ASSERT_EQ(0, write_fails(ro));
	ASSERT_EQ(0, trace_drain(fd, &t, true));
	EXPECT_STREQ("", t.bad);
	if (!t.access) {
		trace_free(&t);
		close(fd);
		SKIP(return, "the module found no page-fault tracepoints (access=unknown)");
	}
	rd = fault_after(&t, NULL, (const void *)q);
	fresh = fault_after(&t, NULL, (const void *)(q + PG));
	ex = fault_after(&t, NULL, x);
	ro_wr = NULL;
	ASSERT_NE(NULL, rd);
	ASSERT_NE(NULL, fresh);
	ASSERT_NE(NULL, ex);
	EXPECT_STREQ("read", rd->access);
	EXPECT_STREQ("no", rd->prot);
	EXPECT_TRUE(rd->user);
	/* The write to q[0] faults only if the read mapped a read-only page. */
	wr = fault_after(&t, rd, (const void *)q);
	EXPECT_EQ(read_mapped, wr != NULL);
	if (read_mapped) {
		ASSERT_NE(NULL, wr) TH_LOG("no fault for the write after the read");
		EXPECT_STREQ("write", wr->access);
		EXPECT_STREQ("yes", wr->prot);
	}
	EXPECT_STREQ("write", fresh->access);
	EXPECT_STREQ("no", fresh->prot);
	EXPECT_STREQ("exec", ex->access);
	EXPECT_STREQ("no", ex->prot);
	EXPECT_EQ((unsigned long)x, ex->ip);
	EXPECT_TRUE(ex->user);
	/* The read of ro, then the write that fails. */
	rd = fault_after(&t, NULL, (const void *)ro);
	ASSERT_NE(NULL, rd);
	EXPECT_STREQ("read", rd->access);
	ro_wr = fault_after(&t, rd, (const void *)ro);
	ASSERT_NE(NULL, ro_wr) TH_LOG("no fault for the write to the read-only page");
	EXPECT_STREQ("write", ro_wr->access);
	EXPECT_STREQ("yes", ro_wr->prot);
	trace_free(&t);
	close(fd);
	close(mfd);
	munmap(x, PG);
	munmap((void *)q, 2 * PG);
	munmap((void *)ro, PG);
}

/* The threads test's target: what its threads did, in a shared page. */
struct tthreads {
	unsigned long p;
	pid_t main, before, after;	/* tids */
	int go_before[2];
};

static void *thread_before(void *arg)
{
	struct tthreads *l = arg;
	char c;

	l->before = gettid();
	if (read(l->go_before[0], &c, 1) != 1)
		return NULL;
	((char *)l->p)[0] = 1;
	return NULL;
}

static void *thread_after(void *arg)
{
	struct tthreads *l = arg;

	l->after = gettid();
	((char *)l->p)[PG] = 1;
	return NULL;
}

/*
 * Threads: one that exists when the trace attaches (its own counter) and
 * one created after (it inherits its creator's): each fault comes with
 * the tid of the thread that took it, in order.
 */
TEST(thread_faults)
{
	struct tthreads *l = mmap(NULL, PG, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const pid_t *want[3];
	struct trace t = { 0 };
	int ready[2], go[2], fd, status, n = 0;
	size_t k;
	pid_t pid;
	char c;

	ASSERT_NE(MAP_FAILED, l);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork_tied();
	ASSERT_LE(0, pid);
	if (!pid) {
		pthread_t a, b;
		char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || pipe(l->go_before))
			_exit(1);
		madvise(p, 3 * PG, MADV_NOHUGEPAGE);
		l->p = (unsigned long)p;
		l->main = gettid();
		if (pthread_create(&a, NULL, thread_before, l))
			_exit(2);
		while (!__atomic_load_n(&l->before, __ATOMIC_ACQUIRE))
			usleep(1000);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		if (write(l->go_before[1], "g", 1) != 1 || pthread_join(a, NULL))
			_exit(4);
		if (pthread_create(&b, NULL, thread_after, l) ||
		    pthread_join(b, NULL))
			_exit(5);
		p[2 * PG] = 1;
		raise(SIGSTOP);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	fd = trace_open(pid);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, trace_drain(fd, &t, true));
	EXPECT_STREQ("", t.bad);
	EXPECT_TRUE(t.faults);
	want[0] = &l->before;
	want[1] = &l->after;
	want[2] = &l->main;
	for (k = 0; k < t.n; k++) {
		const struct rec *r = &t.r[k];

		if (strcmp(r->tag, "fault") || r->start < l->p ||
		    r->start >= l->p + 3 * PG)
			continue;
		if (n < 3) {
			EXPECT_EQ(l->p + n * PG, r->start) TH_LOG("fault %d", n);
			EXPECT_EQ(*want[n], r->tid) TH_LOG("fault %d at 0x%lx", n, r->start);
			EXPECT_TRUE(r->user);
			EXPECT_TRUE(r->entry & P_PRESENT);
		}
		n++;
	}
	EXPECT_EQ(3, n);
	TH_LOG("tids: main %d, before %d, after %d; %d faults", l->main,
	       l->before, l->after, n);
	trace_free(&t);
	close(fd);
	child_kill(pid);
}

/*
 * Without privilege: only one's own process, and frames read as 0 (the
 * flags stay). Exit status says which check failed.
 */
static int unprivileged_child(void)
{
	char buf[65536], *p, *q;
	ssize_t n, len = 0;
	int fd, entries = 0, faults = 0;
	pid_t child;

	if (drop_to_nobody())
		return 100;
	fd = open(TRACE, O_RDWR);
	if (fd < 0)
		return 101;
	if (write(fd, "1", 1) != -1 || errno != EPERM)
		return 102;
	if (write(fd, "self", 4) != 4)
		return 103;
	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 104;
	touch(p, 4 * PG);
	if (mprotect(p, 2 * PG, PROT_READ))
		return 105;
	child = fork();
	if (!child)
		_exit(0);
	waitpid(child, NULL, 0);
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	if (!strstr(buf, " pfn=hidden "))
		return 106;
	/* Its 4 pages' faults, recorded without perf: present, frame 0. */
	for (q = strstr(buf, "\nfault "); q; q = strstr(q + 1, "\nfault ")) {
		char *a = strstr(q, " va="), *e = strstr(q, " entry=");
		unsigned long va;
		unsigned long long v;

		if (!a || !e)
			return 110;
		va = strtoul(a + 4, NULL, 16);
		v = strtoull(e + 7, NULL, 16);
		if (va < (unsigned long)p || va >= (unsigned long)p + 4 * PG)
			continue;
		if (!(v & P_PRESENT) || P_PFN(v))
			return 111;
		faults++;
	}
	if (faults != 4)
		return 112;
	for (q = strstr(buf, "\nentry "); q; q = strstr(q + 1, "\nentry ")) {
		unsigned long long v;
		char *e = strstr(q, " after=");

		if (!e)
			return 107;
		v = strtoull(e + 7, NULL, 16);
		if (v & P_PRESENT) {
			if (P_PFN(v))
				return 108;
			entries++;
		}
	}
	return entries ? 0 : 109;
}

TEST(unprivileged_own_process_pfn_zero)
{
	int status;
	pid_t pid = fork_tied();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(unprivileged_child());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Requests the grammar refuses, and a read before any request. */
TEST(bad_requests)
{
	static const char *const bad[] = { "", "abc", "-1", "0", "1x", "self ",
					   "0x10" };
	char buf[64];
	size_t i;
	int fd = open(TRACE, O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));	/* nothing chosen yet */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, write(fd, bad[i], strlen(bad[i]))) TH_LOG("'%s'", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("'%s'", bad[i]);
	}
	EXPECT_EQ(-1, write(fd, "999999999", 9));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-1, write(fd, "2\n", 2));	/* kthreadd: no mm */
	EXPECT_EQ(ESRCH, errno);
	close(fd);
}

/*
 * The command `ptwalk trace -- THIS_BINARY` runs: with PTW_TRACE_TARGET set
 * to a log file, this binary maps TOOL_PAGES pages, writes each once (one
 * fault each), unmaps them, logs the address and exits, before the harness
 * starts.
 */
#define TOOL_PAGES 8

__attribute__((constructor)) static void tool_target(void)
{
	const char *path = getenv("PTW_TRACE_TARGET");
	char *p;
	FILE *f;
	int i;

	if (!path)
		return;
	p = mmap(NULL, TOOL_PAGES * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(10);
	madvise(p, TOOL_PAGES * PG, MADV_NOHUGEPAGE);
	for (i = 0; i < TOOL_PAGES; i++)
		p[i * PG] = 1;
	munmap(p, TOOL_PAGES * PG);
	f = fopen(path, "w");
	if (!f)
		_exit(11);
	fprintf(f, "%lx\n", (unsigned long)p);
	fclose(f);
	_exit(0);
}

/*
 * `ptwalk trace PID` until Ctrl-C, against its target's own log: the
 * target writes PID_PAGES fresh pages, then one page registered with a
 * userfaultfd that nobody serves, so it stays inside that fault. SIGINT
 * to the tool then: it exits 0 with every write's fault, each read at
 * its end (present, writable), and the one still in progress, which the
 * module holds back for PTW_TRACE_HOLD_MS and then gives with the entry
 * as it is at that read (entry_at=read: nothing mapped yet).
 */
#define PID_PAGES 32

TEST(tool_trace_pid_until_interrupted)
{
	const char *out = "/tmp/trace-pid.out";
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	volatile int *sh;
	char *p, *q, *text = NULL, *line, *save = NULL, pidstr[16], c = 0;
	int seen[PID_PAGES] = { 0 };
	int uffd, fd, status, i, waits, held = 0;
	bool summary = false;
	pid_t target, tool;

	p = mmap(NULL, (PID_PAGES + 1) * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, (PID_PAGES + 1) * PG, MADV_NOHUGEPAGE));
	q = p + PID_PAGES * PG;
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s (a fault that does not end)", strerror(errno));
	close(uffd);
	/* sh[0]: go (parent); sh[1]: pages written, sh[2]: registered (target). */
	sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	target = fork_tied();
	ASSERT_LE(0, target);
	if (!target) {
		/* Its own registration: a fork does not inherit one. */
		uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
		reg.range.start = (unsigned long)q;
		reg.range.len = PG;
		sh[2] = uffd >= 0 && !ioctl(uffd, UFFDIO_API, &api) &&
			!ioctl(uffd, UFFDIO_REGISTER, &reg) ? 1 : -1;
		while (!sh[0])
			usleep(1000);
		for (i = 0; i < PID_PAGES; i++)
			p[i * PG] = 1;
		sh[1] = PID_PAGES;
		q[0] = 1;	/* blocks: the userfaultfd is never served */
		_exit(1);
	}
	for (waits = 0; waits < 3000 && !sh[2]; waits++)
		usleep(10000);
	ASSERT_EQ(1, sh[2]) TH_LOG("the target's userfaultfd registration failed");
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	snprintf(pidstr, sizeof(pidstr), "%d", target);
	tool = fork();
	ASSERT_LE(0, tool);
	if (!tool) {
		dup2(fd, 1);
		execl(TOOL_PATH, "ptwalk", "trace", "--json", pidstr, (char *)NULL);
		_exit(127);
	}
	close(fd);
	/* Attached once its header is out. */
	for (waits = 0; waits < 3000; waits++) {
		free(text);
		text = read_whole(out, NULL);
		if (text && strstr(text, "\"type\":\"trace\""))
			break;
		usleep(10000);
	}
	ASSERT_NE(NULL, strstr(text ? text : "", "\"type\":\"trace\""));
	free(text);
	sh[0] = 1;
	for (waits = 0; waits < 3000 && sh[1] != PID_PAGES; waits++)
		usleep(10000);
	ASSERT_EQ(PID_PAGES, sh[1]);
	/* Into the fault at q: asleep in it, as the userfaultfd is never served. */
	for (waits = 0; waits < 3000; waits++) {
		c = proc_state(target);
		if (c == 'S' || c == 'D')
			break;
		usleep(10000);
	}
	ASSERT_TRUE(c == 'S' || c == 'D') TH_LOG("target state '%c'", c ? c : '?');
	kill(tool, SIGINT);
	ASSERT_EQ(tool, waitpid(tool, &status, 0));
	child_kill(target);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	text = read_whole(out, NULL);
	ASSERT_NE(NULL, text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct jval *v = jparse(line, NULL);
		const char *type;
		unsigned long a;

		ASSERT_NE(NULL, v) TH_LOG("not JSON: %s", line);
		type = jstr(jget(v, "type"));
		summary |= !strcmp(type, "summary");
		a = strcmp(type, "fault") ? 0 : jhex(jget(v, "addr"));
		if (a >= (unsigned long)p && a < (unsigned long)q) {
			seen[(a - (unsigned long)p) / PG]++;
			EXPECT_STREQ("fault_end", jstr(jget(v, "entry_at")));
			EXPECT_EQ(P_PRESENT | P_RW,
				  jhex(jget(v, "entry")) & (P_PRESENT | P_RW))
				TH_LOG("%s", line);
		} else if (a == (unsigned long)q) {
			held++;
			EXPECT_STREQ("read", jstr(jget(v, "entry_at")));
			EXPECT_FALSE(jhex(jget(v, "entry")) & P_PRESENT)
				TH_LOG("%s", line);
		}
		jfree(v);
	}
	for (i = 0; i < PID_PAGES; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("page %d", i);
	EXPECT_EQ(1, held) TH_LOG("the fault still in progress at Ctrl-C");
	EXPECT_TRUE(summary);
	free(text);
	unlink(out);
	munmap((void *)sh, PG);
	munmap(p, (PID_PAGES + 1) * PG);
}

/*
 * The tool's timeline of a command, against the command's own log: one
 * fault at each page it wrote (exact addresses and count), then the
 * unmap of exactly its range, each entry present before and empty after;
 * in time order; every line a JSON document.
 */
TEST(tool_trace_command)
{
	const char *log = "/tmp/trace-target.log";
	char self[256], *text, *line, *save = NULL;
	const char *argv[] = { "ptwalk", "trace", "--json", "--", self, NULL };
	struct tool_result r;
	unsigned long p = 0;
	unsigned long long last_time = 0, unmap_time = 0;
	int faults_in = 0, unmaps = 0, lines = 0, ordered = 1, i;
	bool recorded = false, summary = false, access = false;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_LT(0, n);
	self[n] = '\0';
	unlink(log);
	setenv("PTW_TRACE_TARGET", log, 1);
	ASSERT_EQ(0, tool_run(&r, false, NULL, NULL, argv));
	unsetenv("PTW_TRACE_TARGET");
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	text = read_whole(log, NULL);
	ASSERT_NE(NULL, text);
	p = strtoul(text, NULL, 16);
	free(text);
	ASSERT_NE(0, p);
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t err = 0;
		struct jval *v = jparse(line, &err);
		const char *type;

		ASSERT_NE(NULL, v) TH_LOG("not JSON at %zu: %s", err, line);
		lines++;
		EXPECT_EQ(4, jint(jget(v, "ptwalk_json")));
		EXPECT_STREQ("trace", jstr(jget(v, "command")));
		type = jstr(jget(v, "type"));
		if (!strcmp(type, "trace")) {
			recorded = !strcmp(jstr(jget(v, "faults")), "module");
			access = recorded &&
				 !strcmp(jstr(jget(v, "access")), "module");
		} else if (!strcmp(type, "summary")) {
			summary = true;
		} else if (jget(v, "time_ns")) {
			unsigned long long t = jint(jget(v, "time_ns"));

			if (t < last_time)
				ordered = 0;
			last_time = t;
		}
		if (!strcmp(type, "fault")) {
			unsigned long a = jhex(jget(v, "addr"));

			if (a >= p && a < p + TOOL_PAGES * PG) {
				EXPECT_EQ(0, (a - p) % PG) TH_LOG("fault at 0x%lx", a);
				EXPECT_EQ(0, unmap_time) TH_LOG("a fault after the unmap");
				EXPECT_STREQ("user", jstr(jget(v, "mode")));
				/* Fresh pages, written: not a protection fault. */
				if (access) {
					EXPECT_STREQ("write", jstr(jget(v, "access")));
					EXPECT_STREQ("no", jstr(jget(v, "prot")));
				}
				/*
				 * The entry each write produced, read at
				 * the fault's end: present and writable.
				 */
				EXPECT_EQ(P_PRESENT | P_RW,
					  jhex(jget(v, "entry")) & (P_PRESENT | P_RW))
					TH_LOG("fault at 0x%lx: %s", a, line);
				EXPECT_STREQ("pte", jstr(jget(v, "entry_level")));
				faults_in++;
			}
		}
		if (!strcmp(type, "done") && !strcmp(jstr(jget(v, "kind")), "unmap") &&
		    jhex(jget(v, "start")) == p &&
		    jhex(jget(v, "end")) == p + TOOL_PAGES * PG) {
			const struct jval *e = jget(v, "entries");

			unmaps++;
			unmap_time = jint(jget(v, "time_ns"));
			ASSERT_EQ(TOOL_PAGES, jlen(e));
			for (i = 0; i < TOOL_PAGES; i++) {
				EXPECT_EQ(p + i * PG, jhex(jget(jat(e, i), "va")));
				EXPECT_TRUE(jhex(jget(jat(e, i), "before")) & P_PRESENT);
				EXPECT_EQ(0, jhex(jget(jat(e, i), "after")));
			}
		}
		jfree(v);
	}
	TH_LOG("%d lines; %d faults in the target's pages", lines, faults_in);
	EXPECT_TRUE(summary);
	EXPECT_TRUE(ordered);
	EXPECT_EQ(1, unmaps);
	EXPECT_TRUE(recorded) TH_LOG("%.300s", r.out);
	EXPECT_TRUE(access) TH_LOG("%.300s", r.out);
	EXPECT_EQ(TOOL_PAGES, faults_in);
	tool_result_free(&r);
	unlink(log);
}

/*
 * Without root, `ptwalk trace -- CMD` follows its command (the module lets
 * an unprivileged descriptor trace the opener's tracee) and gets its
 * faults from the module, no perf needed: one at each page the command
 * wrote, each entry present with its frame hidden (0).
 */
TEST(tool_trace_command_unprivileged)
{
	const char *log = "/tmp/trace-target-nobody.log";
	char self[256], *text, *line, *save = NULL;
	const char *argv[] = { "ptwalk", "trace", "--json", "--", self, NULL };
	struct tool_result r;
	unsigned long p;
	int faults_in = 0;
	bool recorded = false;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_LT(0, n);
	self[n] = '\0';
	unlink(log);
	setenv("PTW_TRACE_TARGET", log, 1);
	ASSERT_EQ(0, tool_run(&r, true, NULL, NULL, argv));
	unsetenv("PTW_TRACE_TARGET");
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	text = read_whole(log, NULL);
	ASSERT_NE(NULL, text);
	p = strtoul(text, NULL, 16);
	free(text);
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct jval *v = jparse(line, NULL);
		const char *type;

		ASSERT_NE(NULL, v) TH_LOG("not JSON: %s", line);
		type = jstr(jget(v, "type"));
		if (!strcmp(type, "trace")) {
			recorded = !strcmp(jstr(jget(v, "faults")), "module");
			EXPECT_STREQ("hidden", jstr(jget(v, "pfn")));
		}
		if (!strcmp(type, "fault")) {
			unsigned long a = jhex(jget(v, "addr"));
			unsigned long long e = jhex(jget(v, "entry"));

			if (a >= p && a < p + TOOL_PAGES * PG) {
				EXPECT_TRUE(e & P_PRESENT) TH_LOG("%s", line);
				EXPECT_EQ(0, P_PFN(e)) TH_LOG("%s", line);
				faults_in++;
			}
		}
		jfree(v);
	}
	EXPECT_TRUE(recorded);
	EXPECT_EQ(TOOL_PAGES, faults_in);
	tool_result_free(&r);
	unlink(log);
}

/* The tool's documented exit statuses (docs/tool.md) for what goes wrong. */
TEST(tool_trace_errors)
{
	static const struct {
		bool nobody;
		int status;
		const char *argv[5];
	} cases[] = {
		{ false, 2, { "ptwalk", "trace", NULL } },
		{ false, 2, { "ptwalk", "trace", "1", "2", NULL } },
		{ false, 2, { "ptwalk", "trace", "12abc", NULL } },
		{ false, 5, { "ptwalk", "trace", "999999999", NULL } },
		{ false, 5, { "ptwalk", "trace", "2", NULL } },	/* kthreadd */
		{ true, 4, { "ptwalk", "trace", "1", NULL } },
	};
	struct tool_result r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* tool_run() writes argv[0]: a writable copy. */
		const char *argv[5];

		memcpy(argv, cases[i].argv, sizeof(argv));
		ASSERT_EQ(0, tool_run(&r, cases[i].nobody, NULL, NULL, argv));
		EXPECT_EQ(cases[i].status, r.status) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_EQ(0, strncmp(r.err, "ptwalk: ", 8)) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_STREQ("", r.out);
		tool_result_free(&r);
	}
}

/* Rounds of (write a page, MADV_DONTNEED it) done in @secs seconds. */
static unsigned long rounds_in(double secs)
{
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double end = now() + secs;
	unsigned long n = 0;

	while (now() < end) {
		p[0] = 1;
		madvise(p, PG, MADV_DONTNEED);
		n++;
	}
	munmap(p, PG);
	return n;
}

/* Page faults of this process, one sample each, into a ring never read. */
static int perf_faults_self(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_PAGE_FAULTS,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			       PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR,
		.use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,
	};
	int fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);

	if (fd < 0)
		return -1;
	if (mmap(NULL, 65 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
	    MAP_FAILED) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * What tracing costs the target: rounds of one fault and one invalidation
 * per second, untraced, traced by the module (its fault counter and
 * notifier: what `ptwalk trace` does), and, for comparison, with perf's
 * fault samples into a user ring alone (what the tool used before); the
 * best of three half seconds each, interleaved, since other VMs share the
 * CPUs. The trace must have seen every round: a fault, a start and an
 * end (seq counts dropped records too).
 */
TEST(overhead_measured)
{
	unsigned long best[3] = { 0 }, n;
	struct trace t = { 0 };
	unsigned long long lastseq, rounds = 0;
	int fd, pfd, i, m;

	pfd = perf_faults_self();
	if (pfd >= 0)
		ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0);
	for (i = 0; i < 3; i++) {
		for (m = 0; m < 3; m++) {
			if (m == 2 && pfd < 0)
				continue;
			if (m == 1) {
				fd = open(TRACE, O_RDWR);
				ASSERT_LE(0, fd);
				ASSERT_EQ(4, write(fd, "self", 4));
				trace_free(&t);
			}
			if (m == 2)
				ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0);
			n = rounds_in(0.5) * 2;
			if (m == 2)
				ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0);
			if (m == 1) {
				ASSERT_EQ(0, trace_drain(fd, &t, true));
				EXPECT_STREQ("", t.bad);
				EXPECT_TRUE(trace_seq_ok(&t, &lastseq));
				EXPECT_LE(n / 2 * 3, lastseq);	/* 3 records a round */
				rounds += n / 2;
				close(fd);	/* stops recording */
			}
			if (n > best[m])
				best[m] = n;
		}
	}
	if (pfd >= 0)
		close(pfd);
	TH_LOG("faults+invalidations per second (best of 3): untraced %lu, traced by the module with faults %lu (%.1f%%), perf sampling alone %lu (%.1f%%)%s",
	       best[0], best[1], best[0] ? 100.0 * best[1] / best[0] : 0.0,
	       best[2], best[0] ? 100.0 * best[2] / best[0] : 0.0,
	       pfd < 0 ? " (perf refused)" : "");
	EXPECT_LT(0, rounds);
	trace_free(&t);
}

/*
 * A stream: what was read is gone; a read with nothing buffered returns 0
 * and a later one what came since; lseek to 0 prints the header again.
 */
TEST(stream_reads)
{
	char buf[4096], *p;
	int fd = open(TRACE, O_RDWR);
	ssize_t n;

	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "self", 4));
	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_EQ(0, strncmp(buf, PTW_HEADER(trace) "target ", strlen(PTW_HEADER(trace) "target "))) TH_LOG("%s", buf);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	/* A page of ours written and dropped: a clear event and its end. */
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, madvise(p, PG, MADV_DONTNEED));
	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_NE(NULL, strstr(buf, "kind=clear")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, PTW_HEADER(trace)));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_EQ(0, strncmp(buf, PTW_HEADER(trace), strlen(PTW_HEADER(trace)))) TH_LOG("%s", buf);
	munmap(p, PG);
	close(fd);
}

/* At most 64 trace files at once (each holds a ring): the 65th is EBUSY. */
TEST(open_cap)
{
	int fds[65], n, i;

	for (n = 0; n < 65; n++) {
		fds[n] = open(TRACE, O_RDWR);
		if (fds[n] < 0)
			break;
	}
	EXPECT_EQ(64, n);
	EXPECT_EQ(EBUSY, errno);
	for (i = 0; i < n; i++)
		close(fds[i]);
	fds[0] = open(TRACE, O_RDWR);
	EXPECT_LE(0, fds[0]);
	close(fds[0]);
}

/*
 * rmmod with a trace attached to a busy target: the kernel releases the
 * file (the notifier is unregistered first), the stale descriptor reads
 * EIO, and the target runs on. Last: it reloads the module.
 */
TEST(rmmod_with_active_trace)
{
	char buf[256];
	int fd, status;
	pid_t target;

	target = churner(-1);
	ASSERT_LT(0, target);
	kill(target, SIGCONT);
	fd = trace_open(target);
	ASSERT_LE(0, fd);
	usleep(100000);
	ASSERT_LT(0, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(0, module_unload("ptwalk")) TH_LOG("unload: %s", strerror(errno));
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EIO, errno);
	usleep(100000);
	EXPECT_EQ(0, waitpid(target, &status, WNOHANG));
	close(fd);
	child_kill(target);
	ASSERT_EQ(0, module_load(NULL));
	EXPECT_EQ(0, pw_info_num("files_open"));
}

PTW_HARNESS_MAIN
