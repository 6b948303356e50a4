// SPDX-License-Identifier: GPL-2.0
/*
 * Demo step 13: the lecture's experiments as the kernel records them.
 * The tool records its own address space (tracer.h: the module's
 * page-table changes and the faults) while it runs each experiment in its
 * own part of one reserved area: demand paging, copy-on-write after fork,
 * mprotect, munmap, a THP collapse (MADV_COLLAPSE) and a swap-out
 * (MADV_PAGEOUT) with the fault that brings the page back. Each
 * experiment keeps the records whose range meets its part, and its own
 * log (the addresses it touched); a snapshot after each lets a test hold
 * the records against pagemap. The child of the copy-on-write experiment
 * is recorded too (a second tracer: root only), since its write is the
 * one that copies.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "fmt.h"
#include "ptwalk.h"
#include "tracer.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define AREA		(4UL << 20)	/* the reserved area: 2M of small parts, one 2M */
#define PART		(64UL << 10)	/* one small experiment's part */
#define SMALL		4		/* pages of a small experiment */
#define MAX_RECORDS	64		/* kept per experiment */
#define MAX_TOUCHED	8

enum { EX_DEMAND, EX_COW, EX_MPROTECT, EX_MUNMAP, EX_THP, EX_SWAP, EX_N };

static const char *const ex_names[EX_N] = {
	"demand_paging", "cow_after_fork", "mprotect", "munmap", "thp_collapse", "swap_out_in",
};

struct experiment {
	const char *name;
	unsigned long lo, hi;		/* its part of the area */
	const char *skipped;		/* why it did not run, or NULL */
	unsigned long touched[MAX_TOUCHED];	/* its own log: what it touched */
	int ntouched;
	struct item rec[MAX_RECORDS];	/* records meeting [lo, hi), in time order */
	pid_t who[MAX_RECORDS];		/* whose address space each one is in */
	int nrec;
	bool lost;			/* more than MAX_RECORDS */
	unsigned long long dropped;	/* records the module dropped meanwhile */
	int snap;			/* the snapshot after it (-1: none) */
};

struct trace_step {
	struct tracer t;		/* the tool's own address space */
	struct tracer ct;		/* the COW child's (root only) */
	bool child_traced;
	bool pfns;			/* frames shown (root), else they read 0 */
	bool faults;			/* faults recorded (else why in faults_why) */
	const char *faults_why;
	struct experiment ex[EX_N];
	struct experiment *cur;		/* whose records are being kept */
};

/* Keep @it when it meets the current experiment's part (entries copied). */
static void keep(const struct tracer *t, const struct item *it, void *ctx)
{
	struct trace_step *ts = ctx;
	struct experiment *x = ts->cur;
	unsigned long end = it->type == IT_FAULT ? it->start + 1 : it->end;
	struct item *k;

	if (x && it->type == IT_DROP)
		x->dropped += it->count;
	if (!x || (it->type != IT_FAULT && it->type != IT_EVENT && it->type != IT_DONE) ||
	    end <= x->lo || it->start >= x->hi)
		return;
	if (x->nrec == MAX_RECORDS) {
		x->lost = true;
		return;
	}
	x->who[x->nrec] = t->pid;
	k = &x->rec[x->nrec++];
	*k = *it;
	if (it->nentries) {
		k->e = xalloc(it->nentries * sizeof(*k->e));
		memcpy(k->e, it->e, it->nentries * sizeof(*k->e));
	}
}

/* Hand the current experiment everything recorded so far. */
static void drain(struct trace_step *ts)
{
	tracer_drain(&ts->t, keep, ts);
	if (ts->child_traced)
		tracer_drain(&ts->ct, keep, ts);
}

static void begin(struct trace_step *ts, int n, unsigned long lo, unsigned long hi)
{
	drain(ts);			/* what came before is not this one's */
	ts->cur = &ts->ex[n];
	ts->cur->lo = lo;
	ts->cur->hi = hi;
}

static void touch_log(struct experiment *x, volatile char *p, bool write)
{
	if (write)
		*p = 1;
	else
		(void)*p;
	if (x->ntouched < MAX_TOUCHED)
		x->touched[x->ntouched++] = (unsigned long)p;
}

/* An anonymous read-write part of the area at @at, @len bytes, 4K pages only. */
static char *part(unsigned long at, size_t len)
{
	char *p = mmap((void *)at, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED)
		fatal(EXIT_FAIL, "step 13: mmap: %s", strerror(errno));
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void end_ex(struct trace_step *ts, struct step *s, const char *label)
{
	drain(ts);
	ts->cur->snap = s->nr_snaps;
	demo_snap(s, label, 0);
}

static bool swap_active(void)
{
	char buf[256];
	FILE *f = fopen("/proc/swaps", "r");
	int lines = 0;

	while (f && fgets(buf, sizeof(buf), f))
		lines++;
	if (f)
		fclose(f);
	return lines > 1;	/* more than the header */
}

/* The done record of @kind in @x that covers @va, and its entry of @va. */
static const struct entry *done_entry(const struct experiment *x, pid_t pid,
				      const char *kind, unsigned long va, const struct item **rec)
{
	int i;
	unsigned int k;

	for (i = 0; i < x->nrec; i++) {
		const struct item *it = &x->rec[i];

		if (it->type != IT_DONE || x->who[i] != pid || (kind && strcmp(it->kind, kind)))
			continue;
		for (k = 0; k < it->nentries; k++)
			if (it->e[k].va == va) {
				if (rec)
					*rec = it;
				return &it->e[k];
			}
	}
	return NULL;
}

static int faults_at(const struct experiment *x, pid_t pid, unsigned long va)
{
	int i, n = 0;

	for (i = 0; i < x->nrec; i++)
		n += x->rec[i].type == IT_FAULT && x->who[i] == pid &&
		     (x->rec[i].start & ~(PAGE - 1)) == va;
	return n;
}

#define E_PRESENT(v)	((v) & 1ULL)
#define E_WRITE(v)	((v) & 2ULL)
#define E_PFN(v)	(((v) & 0x000ffffffffff000ULL) >> 12)
/* x86-64's swap entry: type in bits 59-63, the offset inverted (L1TF) from bit 9. */
#define E_SWP_OFFSET(v)	((~(unsigned long long)(v) << 5) >> 14)

static void run_demand(struct trace_step *ts, struct step *s, unsigned long at)
{
	struct experiment *x = &ts->ex[EX_DEMAND];
	char *p;
	int i;

	p = part(at, SMALL * PAGE);
	begin(ts, EX_DEMAND, at, at + SMALL * PAGE);
	for (i = 0; i < SMALL; i++)
		touch_log(x, p + i * PAGE, true);
	end_ex(ts, s, "after demand paging");
}

static void tell(int fd, const char *what)
{
	if (write(fd, what, 1) != 1)
		fatal(EXIT_FAIL, "step 13: pipe: %s", strerror(errno));
}

/*
 * fork, then the child writes the shared page (its copy: a new frame in
 * the child's tables, recorded through a second tracer on the child,
 * which needs root), then the parent writes it (its own frame again).
 */
static void run_cow(struct trace_step *ts, struct step *s, unsigned long at)
{
	struct experiment *x = &ts->ex[EX_COW];
	int go[2], back[2], status;
	volatile char *p;
	pid_t child;
	char c;

	p = part(at, PAGE);
	p[0] = 1;			/* the frame the child will share */
	begin(ts, EX_COW, at, at + PAGE);
	if (pipe(go) || pipe(back))
		fatal(EXIT_FAIL, "step 13: pipe: %s", strerror(errno));
	fflush(stdout);
	child = fork();
	if (child < 0)
		fatal(EXIT_FAIL, "step 13: fork: %s", strerror(errno));
	if (!child) {
		/* Write when told, then keep the copy until told to exit. */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		p[0] = 2;
		if (write(back[1], "w", 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(p[0] == 2 ? 0 : 2);
	}
	close(go[0]);
	close(back[1]);
	if (!geteuid()) {
		tracer_start(&ts->ct, child);
		ts->child_traced = true;
	}
	drain(ts);
	fact_uint(s, "cow_child_pid", child);
	fact_bool(s, "cow_child_traced", ts->child_traced);
	demo_snap(s, "after fork (parent)", 0);
	tell(go[1], "g");
	if (read(back[0], &c, 1) != 1)
		fatal(EXIT_FAIL, "step 13: the child did not write");
	if (x->ntouched < MAX_TOUCHED)
		x->touched[x->ntouched++] = at;	/* the child's write */
	drain(ts);
	demo_snap(s, "after the child's write (parent)", 0);
	touch_log(x, (char *)p, true);	/* the parent's write */
	end_ex(ts, s, "after the parent's write");
	tell(go[1], "x");
	close(go[1]);
	close(back[0]);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fatal(EXIT_FAIL, "step 13: the child lost its write (status 0x%x)", status);
}

static void run_mprotect(struct trace_step *ts, struct step *s, unsigned long at)
{
	struct experiment *x = &ts->ex[EX_MPROTECT];
	char *p = part(at, SMALL * PAGE);
	int i;

	for (i = 0; i < SMALL; i++)
		p[i * PAGE] = 1;
	begin(ts, EX_MPROTECT, at, at + SMALL * PAGE);
	if (mprotect(p, SMALL * PAGE, PROT_READ))
		fatal(EXIT_FAIL, "step 13: mprotect: %s", strerror(errno));
	x->touched[x->ntouched++] = at;
	end_ex(ts, s, "after mprotect(PROT_READ)");
}

static void run_munmap(struct trace_step *ts, struct step *s, unsigned long at)
{
	struct experiment *x = &ts->ex[EX_MUNMAP];
	char *p = part(at, SMALL * PAGE);
	int i;

	for (i = 0; i < SMALL; i++)
		p[i * PAGE] = 1;
	begin(ts, EX_MUNMAP, at, at + SMALL * PAGE);
	if (munmap(p, SMALL * PAGE))
		fatal(EXIT_FAIL, "step 13: munmap: %s", strerror(errno));
	x->touched[x->ntouched++] = at;
	end_ex(ts, s, "after munmap");
}

static void run_thp(struct trace_step *ts, struct step *s, unsigned long at)
{
	struct experiment *x = &ts->ex[EX_THP];
	char *p = part(at, HPAGE);
	unsigned long i;

	for (i = 0; i < HPAGE; i += PAGE)
		p[i] = 1;
	/* Only now may the range be huge: the pages came as 4K ones. */
	madvise(p, HPAGE, MADV_HUGEPAGE);
	begin(ts, EX_THP, at, at + HPAGE);
	if (madvise(p, HPAGE, MADV_COLLAPSE)) {
		char why[160];

		snprintf(why, sizeof(why), "MADV_COLLAPSE failed: %s%s", strerror(errno),
			 errno == EINVAL ? " (this kernel has no MADV_COLLAPSE for anonymous memory)" : "");
		x->skipped = xstrdup(why);
		drain(ts);
		return;
	}
	x->touched[x->ntouched++] = at;
	end_ex(ts, s, "after MADV_COLLAPSE");
}

/*
 * A page just faulted in waits in its CPU's batch of pages to add to the
 * LRU, and MADV_PAGEOUT, which drains only the batch of the CPU it runs
 * on, passes over a page that is on no LRU yet. So the swap experiment
 * writes its pages and pages them out on one CPU: this one. Returns
 * whether @old (the mask to restore) was saved.
 */
static bool pin_to_this_cpu(cpu_set_t *old)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (cpu < 0 || sched_getaffinity(0, sizeof(*old), old))
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return !sched_setaffinity(0, sizeof(one), &one);
}

static void run_swap(struct trace_step *ts, struct step *s, unsigned long at)
{
	struct experiment *x = &ts->ex[EX_SWAP];
	cpu_set_t old;
	bool pinned;
	char *p;
	int i, ret;

	if (!swap_active()) {
		x->skipped = "no swap active (/proc/swaps lists none; make demo's VM swaps to zram)";
		return;
	}
	p = part(at, SMALL * PAGE);
	pinned = pin_to_this_cpu(&old);
	for (i = 0; i < SMALL; i++)
		p[i * PAGE] = (char)(i + 1);	/* not zero: zero pages are not swapped */
	begin(ts, EX_SWAP, at, at + SMALL * PAGE);
	ret = madvise(p, SMALL * PAGE, MADV_PAGEOUT);
	if (pinned)
		sched_setaffinity(0, sizeof(old), &old);
	if (ret) {
		x->skipped = "MADV_PAGEOUT failed";
		drain(ts);
		return;
	}
	drain(ts);
	demo_snap(s, "after MADV_PAGEOUT", 0);
	touch_log(x, p, false);		/* the fault that brings page 0 back */
	end_ex(ts, s, "after reading page 0 again");
}

/* ---- what it shows ---------------------------------------------------- */

static void judge(struct step *s, struct trace_step *ts)
{
	const struct experiment *x;
	const struct entry *e;
	char *w = s->shows;
	size_t left = sizeof(s->shows);
	int i, n, ok = 1;

#define SAY(...) do { int _n = snprintf(w, left, __VA_ARGS__); \
		if (_n > 0 && (size_t)_n < left) { w += _n; left -= _n; } } while (0)

	/*
	 * The module records every fault of the process (a software event
	 * sampled at period 1 is never throttled) unless its ring was full
	 * (records_dropped); a recorded fault must be one the experiment made.
	 */
	x = &ts->ex[EX_DEMAND];
	for (i = n = 0; i < SMALL; i++)
		n += faults_at(x, getpid(), x->lo + i * PAGE) == 1;
	fact_bool(s, "demand_one_fault_per_page", ts->faults && n == SMALL);
	/* A record may be missing only where the module dropped some meanwhile. */
	ok &= n == SMALL || x->dropped;
	for (i = 0; i < x->nrec; i++)	/* first touches make no invalidation */
		ok &= x->rec[i].type == IT_FAULT;

	x = &ts->ex[EX_COW];
	e = done_entry(x, getpid(), "protection_page", x->lo, NULL);
	fact_bool(s, "cow_fork_write_protects", e && e->has_before && E_WRITE(e->before) &&
		  !E_WRITE(e->after) && E_PFN(e->before) == E_PFN(e->after));
	fact_bool(s, "frames_shown", ts->pfns);
	ok &= e && !E_WRITE(e->after);
	if (e && ts->pfns)
		fact_hex(s, "cow_old_pfn", E_PFN(e->after));
	if (ts->child_traced) {
		/* The child's write: a fault, and its entry onto a new frame. */
		const struct entry *old = e;

		e = done_entry(x, ts->ct.pid, NULL, x->lo, NULL);
		fact_bool(s, "cow_child_fault", faults_at(x, ts->ct.pid, x->lo) >= 1);
		if (e) {
			fact_hex(s, "cow_child_new_pfn", E_PFN(e->after));
			fact_bool(s, "cow_child_new_frame_writable", E_WRITE(e->after) &&
				  e->has_before && E_PFN(e->before) != E_PFN(e->after));
			/* Without root every frame reads 0; but the child is root's. */
			ok &= E_WRITE(e->after) && e->has_before &&
			      (!ts->pfns || (E_PFN(e->before) != E_PFN(e->after) &&
					     (!old || E_PFN(e->before) == E_PFN(old->after))));
		} else {
			ok = 0;
		}
	}
	/* The parent's write: a fault; a copy only if the old frame was still shared. */
	fact_uint(s, "cow_parent_write_faults", faults_at(x, getpid(), x->lo));

	x = &ts->ex[EX_MPROTECT];
	for (i = n = 0; i < SMALL; i++) {
		e = done_entry(x, getpid(), "protection_vma", x->lo + i * PAGE, NULL);
		n += e && E_PRESENT(e->after) && !E_WRITE(e->after);
	}
	fact_uint(s, "mprotect_entries_lost_write", n);
	/* A record may be missing only where the module dropped some meanwhile. */
	ok &= n == SMALL || x->dropped;

	x = &ts->ex[EX_MUNMAP];
	for (i = n = 0; i < SMALL; i++) {
		e = done_entry(x, getpid(), "unmap", x->lo + i * PAGE, NULL);
		n += e && e->has_before && E_PRESENT(e->before) && !e->after;
	}
	fact_uint(s, "munmap_entries_gone", n);
	/* A record may be missing only where the module dropped some meanwhile. */
	ok &= n == SMALL || x->dropped;

	x = &ts->ex[EX_THP];
	if (x->skipped) {
		fact_str(s, "thp_skipped", x->skipped);
	} else {
		for (i = n = 0; i < x->nrec; i++)
			n += x->rec[i].type == IT_DONE && x->rec[i].start <= x->lo &&
			     x->rec[i].end >= x->hi;
		fact_uint(s, "thp_changes_over_2m", n);
		ok &= n > 0;
	}

	x = &ts->ex[EX_SWAP];
	if (x->skipped) {
		fact_str(s, "swap_skipped", x->skipped);
	} else {
		e = done_entry(x, getpid(), NULL, x->lo, NULL);
		fact_bool(s, "swap_entry_not_present", e && !E_PRESENT(e->after) && e->after);
		ok &= e && !E_PRESENT(e->after) && e->after;
		/* Without root the module hides swap locations as it hides frames. */
		if (e && ts->pfns)
			fact_hex(s, "swap_offset", E_SWP_OFFSET(e->after));
		fact_uint(s, "swap_in_faults", faults_at(x, getpid(), x->lo));
	}
	fact_bool(s, "faults_recorded", ts->faults);
	/* Records the module dropped (its ring was full) would explain a gap. */
	fact_uint(s, "records_dropped", ts->t.dropped + ts->ct.dropped);
	if (!ts->faults)
		fact_str(s, "faults_missing", ts->faults_why);
	s->expected = ok;
	if (ok)
		SAY("every experiment is a change the kernel records: first touches are faults "
		    "with no invalidation, fork write-protects the parent's entry %s, "
		    "mprotect clears W in place, munmap empties the entries%s%s.",
		    ts->child_traced ? "and the child's write gets a new frame" :
		    "(the child's copy is in the child's tables: root sees it)",
		    ts->ex[EX_THP].skipped ? "" : ", a collapse replaces 512 entries at once",
		    ts->ex[EX_SWAP].skipped ? "" :
		    ", a swapped-out entry keeps the swap offset and a fault brings the page back");
	else
		SAY("some experiment did not leave the records the lecture predicts "
		    "(see the facts)");
#undef SAY
}

/* ---- output ------------------------------------------------------------ */

/* Frames and swap locations are shown (root); else they read 0: not printed. */
static bool pfns_shown;

static const char *word(unsigned long long v, char *buf, size_t sz)
{
	if (!v)
		snprintf(buf, sz, "none");
	else if ((v & 0x101) && pfns_shown)
		snprintf(buf, sz, "%s%s pfn 0x%llx", v & 1 ? (v & 2 ? "rw" : "r-") : "prot_none",
			 v >> 63 ? "" : "x", E_PFN(v));
	else if (v & 0x101)
		snprintf(buf, sz, "%s%s", v & 1 ? (v & 2 ? "rw" : "r-") : "prot_none",
			 v >> 63 ? "" : "x");
	else if (pfns_shown)
		snprintf(buf, sz, "swap offset 0x%llx", E_SWP_OFFSET(v));
	else
		snprintf(buf, sz, "swap/migration");
	return buf;
}

static bool print_trace_step(const struct step *s)
{
	const struct trace_step *ts = s->data;
	int i, k;
	unsigned int e;

	pfns_shown = ts->pfns;
	for (i = 0; i < EX_N; i++) {
		const struct experiment *x = &ts->ex[i];

		printf("-- %s 0x%lx-0x%lx", x->name, x->lo, x->hi);
		if (x->skipped) {
			printf(": skipped: %s\n", x->skipped);
			continue;
		}
		printf(" (%d records%s", x->nrec, x->lost ? ", more not kept" : "");
		if (x->dropped)
			printf("; the module dropped %llu meanwhile, its ring full", x->dropped);
		printf(")\n");
		for (k = 0; k < x->nrec; k++) {
			const struct item *it = &x->rec[k];

			const char *who = x->who[k] == getpid() ? "" : " (child)";

			if (it->type == IT_FAULT)
				printf("   fault            0x%lx%s\n", it->start, who);
			else
				printf("   %-16s 0x%lx-0x%lx%s%s\n", it->kind, it->start, it->end,
				       it->type == IT_DONE ? " done" : "", who);
			for (e = 0; e < it->nentries && e < 4; e++) {
				char b[64], a[64];

				printf("      0x%lx  %s -> %s\n", it->e[e].va,
				       it->e[e].has_before ? word(it->e[e].before, b, sizeof(b)) : "?",
				       word(it->e[e].after, a, sizeof(a)));
			}
			if (it->nentries > 4)
				printf("      ... %u entries in all\n", it->nentries);
		}
	}
	return true;
}

static void json_trace_step(struct json *j, const struct step *s)
{
	const struct trace_step *ts = s->data;
	int i, k;
	unsigned int e;

	json_arr(j, "experiments");
	for (i = 0; i < EX_N; i++) {
		const struct experiment *x = &ts->ex[i];

		json_obj(j, NULL);
		json_str(j, "name", x->name);
		json_hex(j, "start", x->lo);
		json_hex(j, "end", x->hi);
		if (x->skipped) {
			json_str(j, "skipped", x->skipped);
			json_end(j);
			continue;
		}
		json_int(j, "snapshot", x->snap);
		json_arr(j, "touched");
		for (k = 0; k < x->ntouched; k++)
			json_hex(j, NULL, x->touched[k]);
		json_end(j);
		json_bool(j, "records_complete", !x->lost);
		json_uint(j, "records_dropped", x->dropped);
		json_arr(j, "records");
		for (k = 0; k < x->nrec; k++) {
			const struct item *it = &x->rec[k];

			json_obj(j, NULL);
			json_str(j, "type", it->type == IT_FAULT ? "fault" :
				 it->type == IT_EVENT ? "event" : "done");
			json_uint(j, "time_ns", it->time);
			json_int(j, "pid", x->who[k]);
			if (it->type == IT_FAULT) {
				json_hex(j, "addr", it->start);
			} else {
				json_str(j, "kind", it->kind);
				json_hex(j, "start", it->start);
				json_hex(j, "end", it->end);
			}
			/* A done record's entries (a fault's too, where it has any). */
			if (it->type == IT_DONE || it->nentries) {
				json_arr(j, "entries");
				for (e = 0; e < it->nentries; e++) {
					json_obj(j, NULL);
					json_hex(j, "va", it->e[e].va);
					if (it->e[e].has_before)
						json_hex(j, "before", it->e[e].before);
					json_hex(j, "after", it->e[e].after);
					json_end(j);
				}
				json_end(j);
			}
			json_end(j);
		}
		json_end(j);
		json_end(j);
	}
	json_end(j);
}

/* The two tracers' records of one experiment, merged in time order. */
static void sort_records(struct experiment *x)
{
	int i, k;

	for (i = 1; i < x->nrec; i++)
		for (k = i; k > 0 && x->rec[k - 1].time > x->rec[k].time; k--) {
			struct item it = x->rec[k];
			pid_t w = x->who[k];

			x->rec[k] = x->rec[k - 1];
			x->who[k] = x->who[k - 1];
			x->rec[k - 1] = it;
			x->who[k - 1] = w;
		}
}

/*
 * Once printed: stop the tracers, the child's first (each releases the
 * arena back to where it started, which takes the step's snapshots and
 * records with it: hence not before).
 */
static void finish_trace(struct step *s)
{
	struct trace_step *ts = (struct trace_step *)s->data;

	if (ts->child_traced)
		tracer_stop(&ts->ct);
	tracer_stop(&ts->t);
}

void step_trace(struct step *s)
{
	struct trace_step *ts = xalloc(sizeof(*ts));
	unsigned long base;
	char *r;
	int i;

	s->title = "the experiments as the kernel records them";
	s->does = "Record ptwalk's own page-table changes and faults (as `ptwalk trace` "
		  "does) while it touches fresh pages, forks and writes a shared page, "
		  "mprotects, unmaps, collapses 512 pages into a THP and swaps pages out "
		  "and back in, each in its own part of one reserved area.";
	for (i = 0; i < EX_N; i++) {
		ts->ex[i].name = ex_names[i];
		ts->ex[i].snap = -1;
	}
	/* The area: PROT_NONE, 2M-aligned, so that the parts never merge. */
	r = mmap(NULL, AREA + HPAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (r == MAP_FAILED)
		fatal(EXIT_FAIL, "step 13: mmap: %s", strerror(errno));
	base = ((unsigned long)r + HPAGE - 1) & ~(HPAGE - 1);
	s->lo = base;
	s->hi = base + AREA;
	tracer_start(&ts->t, getpid());
	ts->faults_why = tracer_faults_missing(&ts->t);
	ts->faults = !ts->faults_why;
	ts->pfns = !strcmp(ts->t.pfn, "shown");
	run_demand(ts, s, base);
	run_cow(ts, s, base + PART);
	run_mprotect(ts, s, base + 2 * PART);
	run_munmap(ts, s, base + 3 * PART);
	run_swap(ts, s, base + 4 * PART);
	run_thp(ts, s, base + HPAGE);
	ts->cur = NULL;
	for (i = 0; i < EX_N; i++)
		sort_records(&ts->ex[i]);
	s->data = ts;
	s->print_extra = print_trace_step;
	s->json_extra = json_trace_step;
	s->finish = finish_trace;
	judge(s, ts);
}
