// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/trace: a flight recorder of the page-table changes of one
 * address space. Each open file that chose a target registers an MMU
 * notifier on its mm (as KVM and GPU drivers do to follow page-table
 * changes) and records every invalidate_range_start() and _end() into a
 * bounded ring that was allocated at open: nothing is allocated, and
 * nothing sleeps, in the callbacks. A full ring drops new records and
 * counts them. Format: docs/interface.md, "ptwalk-trace".
 *
 * Entries before and after: for a range of at most TRACE_ENTRIES pages the
 * callbacks read the leaf entry of each page, the one at start (before the
 * kernel changes it) and the one at end (after). They read it as
 * gup_fast does, without the mmap lock (the callbacks may run without it:
 * reclaim, migration, khugepaged hold only rmap locks) and with interrupts
 * off (which holds off the free of a table, by IPI or by RCU), each entry
 * read once and nothing written. A table freed under a callback cannot be
 * one of the range's: the tables of a range being invalidated stay until
 * its invalidation ends (free_pgtables() comes after unmap_vmas()'s end).
 *
 * Faults: at attach, kernel perf counters (sample period 1) on each
 * thread of the target, inherited by the threads they create later
 * (inherit_thread: CLONE_THREAD children only). PERF_COUNT_SW_PAGE_FAULTS
 * fires in the faulting thread at the start of the fault
 * (do_user_addr_fault(), before handle_mm_fault()): its handler records a
 * fault record. PERF_COUNT_SW_PAGE_FAULTS_MIN and _MAJ fire at the end of
 * a fault that succeeded (mm_account_fault(), the last thing
 * handle_mm_fault() does, the entry in place): their handler reads the
 * entry the fault produced. A fault that failed (SIGSEGV) or whose end
 * was missed has its entry read later: at that thread's next fault, when
 * that thread starts an unmap, mprotect or soft-dirty change of the page
 * (made only outside faults; read before the change), or else by the
 * read() that hands the record out (trace_fill()). Faults of other
 * address spaces (a thread after execve()) are not recorded.
 *
 * Access: the perf event does not say read, write or execute; the
 * hardware's error code does, and the kernel hands it to its page-fault
 * tracepoints (module/arch.h), which fire in the faulting thread before
 * the perf event, with nothing of that thread in between. While a view is
 * attached it has its own probe on them (the view is the probe's data, so
 * a probe needs no list and no lock to find it); the probe keeps the code
 * of the target's thread in a slot keyed by task and address, and the
 * fault record takes it from there. Missing tracepoints (another
 * architecture, a kernel without them) only make the access unknown.
 *
 * Locking: the ring, the pairing table and the pending faults are under
 * v->lock, a spinlock taken with interrupts off; readers copy one record
 * out under it and format it after dropping it. Registration and
 * unregistration happen in a request or at release, under the seq_file's
 * mutex, where sleeping is fine. Detach unregisters the probes first and waits
 * until none runs (tracepoint_synchronize_unregister()), releases the
 * counters, then
 * waits an RCU grace period (the kernel calls the handler inside
 * rcu_read_lock(), and a removal may interrupt a handler that runs), then
 * unregisters the notifier: mmu_notifier_unregister() waits for callbacks
 * that are running, and keeps the mm the handler compares with until
 * then. After it (at close, a new request, or rmmod, whose proc_remove()
 * releases every open file) nothing touches the view.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/perf_event.h>
#include <linux/pgtable.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "arch.h"
#include "decode.h"
#include "file.h"
#include "ptwalk.h"
#include "walker.h"

/* Records the ring holds (a start and an end are a record each). */
#define TRACE_RING	1024
/* Ranges of at most this many pages get their entries recorded. */
#define TRACE_ENTRIES	16
/* Invalidations in flight at once whose before-entries are kept. */
#define TRACE_INFLIGHT	16
/*
 * Trace files open at once, module-wide: each holds a ring of about
 * 360 KiB (charged to its opener), and anyone may open them.
 */
#define TRACE_MAX_OPEN	64
/*
 * Threads of the target that get a fault counter at attach; the threads
 * they create later inherit it, with no limit.
 */
#define TRACE_THREADS	256
/* Threads whose last fault waits for its entry (the oldest gives way). */
#define TRACE_PENDING	64
/*
 * How long a read waits for a fault in progress to end (its record and
 * all after it stay in the ring meanwhile): longer than any fault that
 * does not wait for I/O takes, even on a debug kernel under emulation.
 */
#define TRACE_HOLD_NS	(PTW_TRACE_HOLD_MS * NSEC_PER_MSEC)
/* Room a record's lines need at most: an event line, 16 entry lines. */
#define TRACE_REC_ROOM	(256 + TRACE_ENTRIES * 128)

enum trace_type { REC_START, REC_END, REC_EXIT, REC_DROP, REC_FAULT };

/* When a fault's entry was read: not yet, at the thread's next fault, ... */
enum trace_when {
	AT_PENDING, AT_FAULT_END, AT_NEXT_FAULT, AT_CHANGE, AT_READ, AT_NONE
};

static const char *const trace_when_names[] = {
	[AT_PENDING] = "pending", [AT_FAULT_END] = "fault_end",
	[AT_NEXT_FAULT] = "next_fault", [AT_CHANGE] = "change",
	[AT_READ] = "read", [AT_NONE] = "none",
};

/* The counters on each thread: the fault's start, its end (minor, major). */
static const u64 trace_counter_configs[] = {
	PERF_COUNT_SW_PAGE_FAULTS,
	PERF_COUNT_SW_PAGE_FAULTS_MIN,
	PERF_COUNT_SW_PAGE_FAULTS_MAJ,
};

#define TRACE_COUNTERS	(TRACE_THREADS * ARRAY_SIZE(trace_counter_configs))

/* Entry levels: where the walk of one page ended. */
static const char *const trace_level_names[] = {
	[PTW_PGD] = "pgd", [PTW_P4D] = "p4d", [PTW_PUD] = "pud",
	[PTW_PMD] = "pmd", [PTW_PTE] = "pte",
};

/* The kernel's reasons (enum mmu_notifier_event), as the output names them. */
static const char *const trace_event_names[] = {
	[MMU_NOTIFY_UNMAP] = "unmap",
	[MMU_NOTIFY_CLEAR] = "clear",
	[MMU_NOTIFY_PROTECTION_VMA] = "protection_vma",
	[MMU_NOTIFY_PROTECTION_PAGE] = "protection_page",
	[MMU_NOTIFY_SOFT_DIRTY] = "soft_dirty",
	[MMU_NOTIFY_RELEASE] = "release",
	[MMU_NOTIFY_MIGRATE] = "migrate",
	[MMU_NOTIFY_EXCLUSIVE] = "exclusive",
};

static atomic_t trace_open = ATOMIC_INIT(0);

static const char *const trace_access_names[] = {
	[PTW_ACCESS_UNKNOWN] = "unknown", [PTW_ACCESS_READ] = "read",
	[PTW_ACCESS_WRITE] = "write", [PTW_ACCESS_EXEC] = "exec",
};

/* The kernel's page-fault tracepoints (module/arch.h), found at init. */
static const char *const trace_tp_names[] = {
	PTW_ARCH_FAULT_TP_USER, PTW_ARCH_FAULT_TP_KERNEL,
};

static struct tracepoint *trace_tps[ARRAY_SIZE(trace_tp_names)];

struct trace_rec {
	u64 seq;		/* 1, 2, ...: every record, dropped ones too */
	u64 time;		/* ktime_get_ns(): CLOCK_MONOTONIC */
	/* REC_END: the seq of its start (0: unknown); REC_DROP: the count */
	u64 ref;
	u64 total;		/* REC_DROP: records dropped since attach */
	unsigned long start, end;	/* REC_FAULT: start is the address */
	unsigned long ip;	/* REC_FAULT: instruction_pointer() */
	pid_t tid;		/* REC_FAULT: in the requester's namespace */
	u8 type;		/* enum trace_type */
	u8 user;		/* REC_FAULT: user_mode() */
	/* REC_FAULT: the faulting thread, a key only (never dereferenced) */
	const struct task_struct *task;
	u8 access;		/* REC_FAULT: enum ptw_access */
	bool prot;		/* REC_FAULT: a protection fault */
	u8 when;		/* REC_FAULT: enum trace_when of after[0] */
	u8 event;		/* enum mmu_notifier_event */
	u8 nr;			/* entries recorded (0: range too large) */
	bool blockable;
	bool has_before;	/* REC_END: before[] is valid */
	u8 before_level[TRACE_ENTRIES], after_level[TRACE_ENTRIES];
	u64 before[TRACE_ENTRIES], after[TRACE_ENTRIES];
};

/* A start whose end has not come yet: its entries before. */
struct trace_inflight {
	const struct mmu_notifier_range *range;	/* the caller's; a key only */
	u64 seq;		/* of the start; 0: the slot is free */
	u8 nr;
	u8 level[TRACE_ENTRIES];
	u64 raw[TRACE_ENTRIES];
};

/* A thread's last fault, whose entry is read at its next one. */
struct trace_pending {
	pid_t tid;
	u64 seq;		/* of the fault record; 0: the slot is free */
	unsigned int idx;	/* where it is in the ring, if still there */
	unsigned long va;
};

/* A thread's fault, at the tracepoint: its hardware error code. */
struct trace_code {
	const struct task_struct *task;	/* a key only; NULL: free */
	unsigned long va;
	unsigned long code;
};

struct trace_view {
	struct ptw_file *f;
	struct mmu_notifier mn;
	struct pid_namespace *ns;	/* of the requester: tids in it */
	struct perf_event **counters;	/* TRACE_COUNTERS, from init */
	unsigned int ncounters;
	unsigned int nthreads;		/* that got counters */
	bool attached;		/* mn registered on mn.mm */
	bool probing;		/* our probes are on every trace_tps[] */
	bool show_pfn;		/* fixed when attached */
	bool header;		/* the header is still to be printed */
	pid_t pid;
	spinlock_t lock;	/* protects what follows */
	bool exited;		/* the target's mm went away (release) */
	bool detaching;		/* our own unregister runs: not an exit */
	u64 seq;		/* last seq handed out */
	u64 drops;		/* dropped since the last drop line */
	u64 drops_total;
	unsigned int head, count;	/* ring[head] is the oldest record */
	struct trace_inflight inflight[TRACE_INFLIGHT];
	struct trace_pending pending[TRACE_PENDING];
	struct trace_code codes[TRACE_PENDING];
	unsigned int code_next;	/* the slot a new thread takes */
	struct trace_rec *ring;	/* TRACE_RING records, from init */
	struct trace_rec cur;	/* the reader's copy of one record */
};

/* Where the walker's entries go in trace_read_entries(). */
struct trace_pages {
	unsigned long start;	/* of the first page */
	unsigned int nr;
	bool show_pfn;		/* else frames hidden, as maps hides them */
	u64 *raw;
	u8 *level;
};

/* Each page an entry covers gets it: its leaf, or where the walk stopped. */
static int trace_page_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct trace_pages *tp = w->private;
	unsigned long va, i;

	for (va = e->va; va < e->end; va += PAGE_SIZE) {
		i = (va - tp->start) >> PAGE_SHIFT;
		if (i < tp->nr) {
			tp->raw[i] = tp->show_pfn ? e->raw : ptw_raw_hidden(e);
			tp->level[i] = e->level;
		}
	}
	return PTW_CONTINUE;
}

static const struct ptw_ops trace_walk_ops = {
	.entry = trace_page_entry,
	.hide = BIT(PTW_TABLE),
	.all_addresses = true,
};

/*
 * The entries of the @nr pages from @start, by the walker's lockless walk
 * (ptw_walk_atomic(): the callbacks may run without the mmap lock and may
 * not sleep); each entry read once.
 */
static void trace_read_entries(struct trace_view *v, unsigned long start,
			       unsigned int nr, u64 *raw, u8 *level)
{
	struct trace_pages tp = {
		.start = start, .nr = nr, .show_pfn = v->show_pfn,
		.raw = raw, .level = level,
	};
	struct ptw_walk w = {
		.ops = &trace_walk_ops, .mm = v->mn.mm, .private = &tp,
	};

	memset(raw, 0, nr * sizeof(*raw));
	memset(level, PTW_PGD, nr);
	ptw_walk_atomic(&w, start, start + nr * PAGE_SIZE);
}

/* Pages of @range whose entries are recorded: all of them, or none. */
static unsigned int trace_pages(const struct mmu_notifier_range *range)
{
	unsigned long pages;

	if (range->end <= range->start)
		return 0;
	pages = (PAGE_ALIGN(range->end) - (range->start & PAGE_MASK)) >>
		PAGE_SHIFT;
	return pages <= TRACE_ENTRIES ? pages : 0;
}

/* The next free record of the ring; under v->lock, with room for it. */
static struct trace_rec *trace_tail(struct trace_view *v)
{
	return &v->ring[(v->head + v->count++) % TRACE_RING];
}

/*
 * A new record at the ring's tail with the next seq, or NULL when the
 * ring is full (the record is counted as dropped). Records dropped before
 * it are told by a drop record in front of it, so that a reader sees the
 * gap where it was. Under v->lock.
 */
static struct trace_rec *trace_new(struct trace_view *v, u8 type)
{
	struct trace_rec *r;

	v->seq++;
	if (v->count + (v->drops ? 2 : 1) > TRACE_RING) {
		v->drops++;
		v->drops_total++;
		return NULL;
	}
	if (v->drops) {
		r = trace_tail(v);
		r->type = REC_DROP;
		r->ref = v->drops;
		r->total = v->drops_total;
		v->drops = 0;
	}
	r = trace_tail(v);
	r->seq = v->seq;
	r->time = ktime_get_ns();
	r->type = type;
	r->ref = 0;
	r->nr = 0;
	r->has_before = false;
	r->when = AT_PENDING;
	return r;
}

/* The in-flight slot for a new start: a free one, or the oldest. */
static struct trace_inflight *trace_slot(struct trace_view *v)
{
	struct trace_inflight *s = &v->inflight[0];
	unsigned int i;

	for (i = 0; i < TRACE_INFLIGHT; i++) {
		if (!v->inflight[i].seq)
			return &v->inflight[i];
		if (v->inflight[i].seq < s->seq)
			s = &v->inflight[i];
	}
	return s;	/* an end that never came: reuse it */
}

/* What a start and an end record say of their range. */
static void trace_rec_range(struct trace_rec *r,
			    const struct mmu_notifier_range *range)
{
	r->start = range->start;
	r->end = range->end;
	r->event = range->event;
	r->blockable = mmu_notifier_range_blockable(range);
}

/* The ring's record at @idx is the fault @seq, not handed out yet. */
static struct trace_rec *trace_ring_fault(struct trace_view *v,
					  unsigned int idx, u64 seq)
{
	struct trace_rec *r = &v->ring[idx];

	if ((idx + TRACE_RING - v->head) % TRACE_RING >= v->count ||
	    r->type != REC_FAULT || r->seq != seq || r->when != AT_PENDING)
		return NULL;
	return r;
}

/* @tid's pending slot: its own, a free one, or the oldest. Under v->lock. */
static struct trace_pending *trace_pending_slot(struct trace_view *v,
						pid_t tid)
{
	struct trace_pending *s = NULL, *p;
	unsigned int i;

	for (i = 0; i < TRACE_PENDING; i++) {
		p = &v->pending[i];
		if (p->seq && p->tid == tid)
			return p;
		if (!s || (s->seq && (!p->seq || p->seq < s->seq)))
			s = p;
	}
	s->seq = 0;
	s->tid = tid;
	return s;
}

/* @tid's pending slot, or NULL. Under v->lock. */
static struct trace_pending *trace_pending_find(struct trace_view *v,
						pid_t tid)
{
	unsigned int i;

	for (i = 0; i < TRACE_PENDING; i++)
		if (v->pending[i].seq && v->pending[i].tid == tid)
			return &v->pending[i];
	return NULL;
}

/*
 * @tid's last fault, if its address is in [@lo, @hi), is over: read the
 * entry it produced into its record (if the ring still holds it), say
 * when (@when), and forget it. Not under v->lock; does not sleep.
 */
static void trace_settle(struct trace_view *v, pid_t tid, unsigned long lo,
			 unsigned long hi, u8 when)
{
	struct trace_pending *s;
	struct trace_rec *r;
	unsigned long flags, va = 0;
	unsigned int idx = 0;
	u64 raw, seq = 0;
	u8 level;

	spin_lock_irqsave(&v->lock, flags);
	s = trace_pending_find(v, tid);
	if (s && s->va >= lo && s->va < hi) {
		seq = s->seq;
		idx = s->idx;
		va = s->va;
		s->seq = 0;
	}
	spin_unlock_irqrestore(&v->lock, flags);
	if (!seq)
		return;
	trace_read_entries(v, va & PAGE_MASK, 1, &raw, &level);
	spin_lock_irqsave(&v->lock, flags);
	r = trace_ring_fault(v, idx, seq);
	if (r) {
		r->nr = 1;
		r->after[0] = raw;
		r->after_level[0] = level;
		r->when = when;
	}
	spin_unlock_irqrestore(&v->lock, flags);
}

/*
 * The probe on the page-fault tracepoints, for every fault of the system
 * while the view is attached: it keeps the error code of the target's
 * threads for trace_fault(), which comes next in the same thread. Not in
 * NMI or interrupt context (a fault there may interrupt a holder of
 * v->lock on this CPU, and is never the thread's own fault).
 */
static void trace_fault_code(void *data, PTW_ARCH_FAULT_TP_ARGS)
{
	struct trace_view *v = data;
	struct trace_code *c = NULL;
	unsigned long flags;
	unsigned int i;

	if (current->mm != v->mn.mm || !in_task())
		return;
	spin_lock_irqsave(&v->lock, flags);
	for (i = 0; i < TRACE_PENDING && !c; i++)
		if (v->codes[i].task == current)
			c = &v->codes[i];
	if (!c) {
		c = &v->codes[v->code_next];
		v->code_next = (v->code_next + 1) % TRACE_PENDING;
	}
	c->task = current;
	c->va = PTW_ARCH_FAULT_TP_ADDR;
	c->code = PTW_ARCH_FAULT_TP_CODE;
	spin_unlock_irqrestore(&v->lock, flags);
}

/*
 * The access of the current thread's fault at @va into @r, from the code
 * its tracepoint kept (unknown without one: no probes, or the slot given
 * to another thread). Under v->lock.
 */
static void trace_take_code(struct trace_view *v, struct trace_rec *r,
			    unsigned long va)
{
	unsigned int i;

	r->access = PTW_ACCESS_UNKNOWN;
	r->prot = false;
	for (i = 0; i < TRACE_PENDING; i++) {
		struct trace_code *c = &v->codes[i];

		if (c->task != current)
			continue;
		if (c->va == va) {
			r->access = ptw_arch_fault_access(c->code);
			r->prot = ptw_arch_fault_prot(c->code);
		}
		c->task = NULL;
		return;
	}
}

/*
 * The perf counters' overflow handler: a page fault of a target thread,
 * at its start (the entry is not there yet). Runs in the faulting thread
 * with preemption off, inside rcu_read_lock(): records into the ring,
 * allocates nothing and does not sleep. The thread's previous fault is
 * over by now, so its entry is read here.
 */
static void trace_fault(struct perf_event *event,
			struct perf_sample_data *data, struct pt_regs *regs)
{
	struct trace_view *v = event->overflow_handler_context;
	struct trace_pending *s;
	struct trace_rec *r;
	unsigned long flags;
	pid_t tid;

	/* A thread after execve(), or a process that shares none of it. */
	if (current->mm != v->mn.mm)
		return;
	tid = task_pid_nr_ns(current, v->ns);
	trace_settle(v, tid, 0, ULONG_MAX, AT_NEXT_FAULT);

	spin_lock_irqsave(&v->lock, flags);
	r = trace_new(v, REC_FAULT);
	if (r) {
		r->start = data->addr;
		r->ip = instruction_pointer(regs);
		r->tid = tid;
		r->user = user_mode(regs);
		r->task = current;
		trace_take_code(v, r, data->addr);
		s = trace_pending_slot(v, tid);
		s->seq = r->seq;
		s->idx = r - v->ring;
		s->va = data->addr;
	}
	spin_unlock_irqrestore(&v->lock, flags);
}

/*
 * The end of a fault that succeeded (the _MIN or _MAJ counter, from
 * mm_account_fault()): the entry is in place; read it now. Same context
 * as trace_fault().
 */
static void trace_fault_end(struct perf_event *event,
			    struct perf_sample_data *data,
			    struct pt_regs *regs)
{
	struct trace_view *v = event->overflow_handler_context;
	unsigned long page = data->addr & PAGE_MASK;

	if (current->mm != v->mn.mm)
		return;
	trace_settle(v, task_pid_nr_ns(current, v->ns), page, page + PAGE_SIZE,
		     AT_FAULT_END);
}

/*
 * Changes a thread makes only from a system call or task work, never from
 * inside a fault (a fault's own changes are CLEAR: copy on write, a THP
 * split, migration): when the thread makes one, its last fault is over.
 */
static bool trace_outside_fault(enum mmu_notifier_event event)
{
	return event == MMU_NOTIFY_UNMAP || event == MMU_NOTIFY_PROTECTION_VMA ||
	       event == MMU_NOTIFY_SOFT_DIRTY;
}

static int trace_start(struct mmu_notifier *mn,
		       const struct mmu_notifier_range *range)
{
	struct trace_view *v = container_of(mn, struct trace_view, mn);
	unsigned int nr = trace_pages(range);
	u64 raw[TRACE_ENTRIES];
	u8 level[TRACE_ENTRIES];
	struct trace_inflight *s;
	struct trace_rec *r;
	unsigned long flags;

	/* Before the change: the entry the thread's last fault produced. */
	if (trace_outside_fault(range->event))
		trace_settle(v, task_pid_nr_ns(current, v->ns), range->start,
			     range->end, AT_CHANGE);
	if (nr)
		trace_read_entries(v, range->start & PAGE_MASK, nr, raw,
				   level);
	spin_lock_irqsave(&v->lock, flags);
	r = trace_new(v, REC_START);
	if (r)
		trace_rec_range(r, range);
	s = trace_slot(v);
	s->range = range;
	s->seq = v->seq;
	s->nr = nr;
	memcpy(s->raw, raw, nr * sizeof(raw[0]));
	memcpy(s->level, level, nr);
	spin_unlock_irqrestore(&v->lock, flags);
	return 0;
}

static void trace_end(struct mmu_notifier *mn,
		      const struct mmu_notifier_range *range)
{
	struct trace_view *v = container_of(mn, struct trace_view, mn);
	unsigned int nr = trace_pages(range), i;
	u64 raw[TRACE_ENTRIES];
	u8 level[TRACE_ENTRIES];
	struct trace_inflight *s = NULL;
	struct trace_rec *r;
	unsigned long flags;

	if (nr)
		trace_read_entries(v, range->start & PAGE_MASK, nr, raw,
				   level);
	spin_lock_irqsave(&v->lock, flags);
	for (i = 0; i < TRACE_INFLIGHT; i++) {
		if (v->inflight[i].seq && v->inflight[i].range == range) {
			s = &v->inflight[i];
			break;
		}
	}
	r = trace_new(v, REC_END);
	if (r) {
		trace_rec_range(r, range);
		r->nr = nr;
		memcpy(r->after, raw, nr * sizeof(raw[0]));
		memcpy(r->after_level, level, nr);
		if (s) {
			r->ref = s->seq;
			r->has_before = s->nr == nr;
			memcpy(r->before, s->raw, nr * sizeof(raw[0]));
			memcpy(r->before_level, s->level, nr);
		}
	}
	if (s)
		s->seq = 0;
	spin_unlock_irqrestore(&v->lock, flags);
}

/* The target's mm goes away (exit or execve), or our own unregister. */
static void trace_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct trace_view *v = container_of(mn, struct trace_view, mn);
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	if (!v->detaching && !v->exited) {
		v->exited = true;
		trace_new(v, REC_EXIT);
	}
	spin_unlock_irqrestore(&v->lock, flags);
}

static const struct mmu_notifier_ops trace_mn_ops = {
	.release = trace_release,
	.invalidate_range_start = trace_start,
	.invalidate_range_end = trace_end,
};

static void trace_reset(struct trace_view *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	v->exited = false;
	v->detaching = false;
	v->seq = 0;
	v->drops = 0;
	v->drops_total = 0;
	v->head = 0;
	v->count = 0;
	memset(v->inflight, 0, sizeof(v->inflight));
	memset(v->pending, 0, sizeof(v->pending));
	memset(v->codes, 0, sizeof(v->codes));
	v->code_next = 0;
	spin_unlock_irqrestore(&v->lock, flags);
}

/*
 * Release the fault counters (and the ones threads inherited from them),
 * then wait until no handler runs: the kernel calls handlers inside
 * rcu_read_lock(), and a counter's removal (an IPI to the thread's CPU)
 * may interrupt one. May sleep.
 */
static void trace_counters_release(struct trace_view *v)
{
	unsigned int i;

	if (!v->ncounters)
		return;
	for (i = 0; i < v->ncounters; i++)
		perf_event_release_kernel(v->counters[i]);
	v->ncounters = 0;
	v->nthreads = 0;
	synchronize_rcu();
}

/*
 * The fault counters on each thread of @task's group, each inherited by
 * the threads that thread creates from now on. A thread created while this
 * runs by one that has no counter yet gets none; threads past
 * TRACE_THREADS get none. Threads that exit meanwhile are skipped.
 * May sleep.
 */
static int trace_counters_create(struct trace_view *v,
				 struct task_struct *task)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.sample_period = 1,
		.inherit = 1,
		.inherit_thread = 1,
	};
	struct task_struct **threads, *t;
	struct perf_event *ev;
	unsigned int n = 0, i, c;
	int ret = 0;

	threads = kcalloc(TRACE_THREADS, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	rcu_read_lock();
	for_each_thread(task, t) {
		if (n == TRACE_THREADS)
			break;
		get_task_struct(t);
		threads[n++] = t;
	}
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		for (c = 0; c < ARRAY_SIZE(trace_counter_configs) && !ret; c++) {
			attr.config = trace_counter_configs[c];
			ev = perf_event_create_kernel_counter(&attr, -1,
							      threads[i],
							      c ? trace_fault_end : trace_fault,
							      v);
			if (IS_ERR(ev)) {
				if (PTR_ERR(ev) != -ESRCH)	/* else exiting */
					ret = PTR_ERR(ev);
				break;
			}
			v->counters[v->ncounters++] = ev;
		}
		if (c == ARRAY_SIZE(trace_counter_configs))
			v->nthreads++;
		put_task_struct(threads[i]);
	}
	kfree(threads);
	if (ret)
		trace_counters_release(v);
	return ret;
}

/*
 * Remove the view's probes, then wait until none runs: a probe may be
 * running on another CPU when it is unregistered. May sleep.
 */
static void trace_probes_stop(struct trace_view *v)
{
	unsigned int i;

	if (!v->probing)
		return;
	for (i = 0; i < ARRAY_SIZE(trace_tps); i++)
		tracepoint_probe_unregister(trace_tps[i],
					    (void *)trace_fault_code, v);
	tracepoint_synchronize_unregister();
	v->probing = false;
}

/*
 * Put the view's probe on each page-fault tracepoint (their static key
 * turns on with the first probe: trace_pagefault_reg()). On failure, or
 * without the tracepoints, the faults' access is unknown. May sleep.
 */
static void trace_probes_start(struct trace_view *v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(trace_tps); i++) {
		if (!trace_tps[i] ||
		    tracepoint_probe_register(trace_tps[i],
					      (void *)trace_fault_code, v))
			break;
	}
	if (i == ARRAY_SIZE(trace_tps)) {
		v->probing = true;
		return;
	}
	if (!i)
		return;
	while (i--)
		tracepoint_probe_unregister(trace_tps[i],
					    (void *)trace_fault_code, v);
	tracepoint_synchronize_unregister();
}

/* Stop recording; waits for callbacks that are running. May sleep. */
static void trace_detach(struct trace_view *v)
{
	unsigned long flags;

	if (!v->attached)
		return;
	/* First: the handlers compare with the mm the notifier holds. */
	trace_probes_stop(v);
	trace_counters_release(v);
	spin_lock_irqsave(&v->lock, flags);
	v->detaching = true;
	spin_unlock_irqrestore(&v->lock, flags);
	/* Drops the reference mmu_notifier_register() took on the mm. */
	mmu_notifier_unregister(&v->mn, v->mn.mm);
	put_pid_ns(v->ns);
	v->attached = false;
}

/* Start recording the file's target afresh. May sleep. */
static int trace_attach(struct ptw_file *f)
{
	struct trace_view *v = f->view;
	struct task_struct *task;
	struct mm_struct *mm;
	pid_t nr;
	int ret;

	trace_detach(v);
	trace_reset(v);
	mm = ptw_target_mm(f, &nr);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	task = get_pid_task(f->target, PIDTYPE_PID);
	if (!task) {
		ret = -ESRCH;
		goto out_mmput;
	}
	memset(&v->mn, 0, sizeof(v->mn));
	v->mn.ops = &trace_mn_ops;
	/* Before registering: the callbacks hide frames by it. */
	v->show_pfn = ptw_show_pfn(f);
	v->ns = get_pid_ns(task_active_pid_ns(current));
	ret = mmu_notifier_register(&v->mn, mm);
	if (ret)
		goto out_put_ns;
	/* After: the handlers compare with v->mn.mm. */
	trace_probes_start(v);
	ret = trace_counters_create(v, task);
	if (ret) {
		trace_probes_stop(v);
		mmu_notifier_unregister(&v->mn, mm);
		goto out_put_ns;
	}
	v->attached = true;
	v->pid = nr;
	goto out_put_task;
out_put_ns:
	put_pid_ns(v->ns);
out_put_task:
	put_task_struct(task);
out_mmput:
	mmput(mm);
	return ret;
}

static void trace_print_entries(struct trace_view *v)
{
	const struct trace_rec *r = &v->cur;
	unsigned long va = r->start & PAGE_MASK;
	unsigned int i;

	for (i = 0; i < r->nr; i++, va += PAGE_SIZE) {
		ptw_out(v->f, "entry va=0x%lx", va);
		if (r->has_before)
			ptw_out(v->f, " before=0x%llx before_level=%s",
				r->before[i],
				trace_level_names[r->before_level[i]]);
		ptw_out(v->f, " after=0x%llx after_level=%s\n", r->after[i],
			trace_level_names[r->after_level[i]]);
	}
}

static const char *trace_event_name(u8 event)
{
	return event < ARRAY_SIZE(trace_event_names) &&
	       trace_event_names[event] ? trace_event_names[event] : "unknown";
}

static void trace_print(struct trace_view *v)
{
	const struct trace_rec *r = &v->cur;

	switch (r->type) {
	case REC_START:
		ptw_out(v->f,
			"event seq=%llu time=%llu kind=%s start=0x%lx end=0x%lx blockable=%s\n",
			r->seq, r->time, trace_event_name(r->event), r->start,
			r->end, r->blockable ? "yes" : "no");
		break;
	case REC_END:
		ptw_out(v->f,
			"done seq=%llu time=%llu event=%llu kind=%s start=0x%lx end=0x%lx entries=%u\n",
			r->seq, r->time, r->ref, trace_event_name(r->event),
			r->start, r->end, r->nr);
		trace_print_entries(v);
		break;
	case REC_EXIT:
		ptw_out(v->f, "exit seq=%llu time=%llu\n", r->seq, r->time);
		break;
	case REC_FAULT:
		ptw_out(v->f,
			"fault seq=%llu time=%llu tid=%d va=0x%lx ip=0x%lx mode=%s access=%s prot=%s entry=0x%llx level=%s entry_at=%s\n",
			r->seq, r->time, r->tid, r->start, r->ip,
			r->user ? "user" : "kernel",
			trace_access_names[r->access],
			r->access == PTW_ACCESS_UNKNOWN ? "unknown" :
			r->prot ? "yes" : "no", r->nr ? r->after[0] : 0,
			trace_level_names[r->nr ? r->after_level[0] : PTW_PGD],
			trace_when_names[r->when]);
		break;
	default:
		ptw_out(v->f, "drop count=%llu total=%llu\n", r->ref, r->total);
		break;
	}
}

/*
 * A fault whose end did not come in time (trace_held()): its entry now,
 * by a lockless walk with the mm pinned (the record says so:
 * entry_at=read). If the thread is still inside that fault, this is the
 * entry before it.
 */
static void trace_fault_entry(struct trace_view *v)
{
	struct trace_rec *r = &v->cur;
	struct mm_struct *mm = v->mn.mm;

	if (r->type != REC_FAULT || r->when != AT_PENDING)
		return;
	if (!mmget_not_zero(mm)) {
		r->when = AT_NONE;	/* the target's mm is gone */
		return;
	}
	trace_read_entries(v, r->start & PAGE_MASK, 1, r->after,
			   r->after_level);
	mmput(mm);
	r->nr = 1;
	r->when = AT_READ;
}

/*
 * The oldest record is a fault whose thread may still be inside it: its
 * entry read now would be the one before the fault, not the one it
 * produces. It waits for its end, for TRACE_HOLD_NS at most, unless the
 * ring is half full (the target would lose records), the target is gone
 * (no end comes) or the reader is that thread (it is past the fault). A
 * fault past that (one that waits for I/O or a userfaultfd, or one that
 * failed, its thread quiet since) is read at the read(): entry_at=read.
 * Under v->lock.
 */
static bool trace_held(const struct trace_view *v)
{
	const struct trace_rec *r = &v->ring[v->head];

	return r->type == REC_FAULT && r->when == AT_PENDING &&
	       r->task != current && !v->exited && !v->detaching &&
	       v->count < TRACE_RING / 2 &&
	       ktime_get_ns() - r->time < TRACE_HOLD_NS;
}

/*
 * Take the oldest record into v->cur; when the ring is empty, the records
 * dropped since the last drop record, as one. False when there is nothing,
 * or when the oldest is a fault to wait for (trace_held()).
 */
static bool trace_pop(struct trace_view *v)
{
	unsigned long flags;
	bool got = true;

	spin_lock_irqsave(&v->lock, flags);
	if (v->count && trace_held(v)) {
		got = false;
	} else if (v->count) {
		v->cur = v->ring[v->head];
		v->head = (v->head + 1) % TRACE_RING;
		v->count--;
	} else if (v->drops) {
		v->cur.type = REC_DROP;
		v->cur.ref = v->drops;
		v->cur.total = v->drops_total;
		v->drops = 0;
	} else {
		got = false;
	}
	spin_unlock_irqrestore(&v->lock, flags);
	return got;
}

static int trace_fill(struct ptw_file *f)
{
	struct trace_view *v = f->view;
	bool any = false;

	if (!v->attached) {
		f->eof = true;	/* no request yet, or the last one failed */
		return 0;
	}
	if (v->header) {
		ptw_out(f, PTW_HEADER(trace));
		ptw_out(f,
			"target pid=%d levels=%d pfn=%s clock=monotonic ring=%u entries_max=%u faults=recorded threads=%u access=%s\n",
			v->pid, ptw_paging_levels(),
			v->show_pfn ? "shown" : "hidden", TRACE_RING,
			TRACE_ENTRIES, v->nthreads,
			v->probing ? "recorded" : "unknown");
		v->header = false;
		any = true;
	}
	while (ptw_out_room(f, TRACE_REC_ROOM) && trace_pop(v)) {
		trace_fault_entry(v);
		trace_print(v);
		any = true;
	}
	/* A stream: nothing buffered is the end of this read only. */
	if (!any)
		f->eof = true;
	return 0;
}

static void trace_rewind(struct ptw_file *f)
{
	struct trace_view *v = f->view;

	v->header = true;
}

static int trace_view_init(struct ptw_file *f)
{
	struct trace_view *v = f->view;

	if (atomic_inc_return(&trace_open) > TRACE_MAX_OPEN) {
		atomic_dec(&trace_open);
		return -EBUSY;
	}
	v->ring = kvcalloc(TRACE_RING, sizeof(*v->ring), GFP_KERNEL_ACCOUNT);
	v->counters = kcalloc(TRACE_COUNTERS, sizeof(*v->counters),
			      GFP_KERNEL_ACCOUNT);
	if (!v->ring || !v->counters) {
		kvfree(v->ring);
		kfree(v->counters);
		atomic_dec(&trace_open);
		return -ENOMEM;
	}
	v->f = f;
	spin_lock_init(&v->lock);
	return 0;
}

static void trace_view_release(struct ptw_file *f)
{
	struct trace_view *v = f->view;

	trace_detach(v);
	kvfree(v->ring);
	kfree(v->counters);
	atomic_dec(&trace_open);
}

/*
 * Requests: "PID" or "self" chooses the target and starts recording it
 * afresh (what an earlier request recorded and was not read is gone).
 */
static int trace_request(struct ptw_file *f, char *req)
{
	pid_t nr;
	int ret;

	if (!strcmp(req, "self")) {
		ptw_target_self(f);
	} else {
		ret = ptw_parse_pid(req, &nr);
		if (!ret)
			ret = ptw_set_target(f, nr);
		if (ret)
			return ret;
	}
	return trace_attach(f);
}

static const struct ptw_view_ops trace_view_ops = {
	.size = sizeof(struct trace_view),
	.stream = true,
	.init = trace_view_init,
	.release = trace_view_release,
	.request = trace_request,
	.fill = trace_fill,
	.rewind = trace_rewind,
};

static void trace_tp_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(trace_tp_names); i++)
		if (!strcmp(tp->name, trace_tp_names[i]))
			trace_tps[i] = tp;
}

int ptwalk_trace_init(struct proc_dir_entry *dir)
{
	/* Built-in tracepoints stay for the kernel's life: find them once. */
	for_each_kernel_tracepoint(trace_tp_find, NULL);
	return ptw_file_create(dir, "trace", PTW_MODE_REQUEST, &trace_view_ops);
}
