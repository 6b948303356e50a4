// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/sharing: the kernel half is one set of tables that every
 * process points to. For each process with an address space, compare the
 * kernel slots of its top-level table (the entries of the kernel half)
 * with the reader's, and with PTI do the same for the user copy of the
 * table. Format: docs/interface.md, "ptwalk-sharing".
 *
 * Processes are visited by PID number with find_ge_pid(), the way
 * /proc's readdir does, so one that exits during the scan is simply gone
 * (counted as skipped) and one created during it may or may not be seen.
 * Each is pinned (get_task_struct() under RCU, then get_task_mm() and
 * mmput() outside it); its top-level table lives as long as its mm.
 *
 * Privileged only, decided at open: the table addresses reveal the layout.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/user_namespace.h>
#include <asm/cpufeature.h>

#include "decode.h"
#include "file.h"
#include "ktables.h"
#include "ptwalk.h"
#include "regions.h"
#include "walker.h"

/* Exceptions listed; more are counted as "unlisted". */
#define SHARING_MAX_EXCEPTIONS	4096
/* Room for any one line of this file. */
#define SHARING_LINE_MAX	256

enum sharing_stage {
	SHARING_SCAN,		/* scan, then the header lines */
	SHARING_SLOTS,		/* kernel copy: slots and their exceptions */
	SHARING_USER_SLOTS,	/* the same for the PTI user copy */
	SHARING_TOTALS,
	SHARING_DONE,
};

struct sharing_slot {
	u64 mine;		/* the reader's entry */
	unsigned int same;	/* processes pointing to the reader's table */
	unsigned int differ;	/* processes with another table, or none */
	unsigned int mapped;	/* processes with an entry here */
	unsigned long tables;	/* table pages under the reader's entry */
};

struct sharing_exception {
	bool user;		/* in the PTI user copy */
	unsigned int slot;
	pid_t pid;
	u64 entry;
};

struct sharing_view {
	struct ptw_file *f;
	enum sharing_stage stage;
	pid_t reader;
	unsigned long processes;	/* scanned */
	unsigned long skipped;		/* exited, or no mm, when looked at */
	struct sharing_slot kernel[PTRS_PER_PGD];
	struct sharing_slot user[PTRS_PER_PGD];
	u64 scratch[2][PTRS_PER_PGD];	/* one process's kernel, user copy */
	struct sharing_exception *exc;
	unsigned int nr_exc;
	unsigned long unlisted;
	unsigned int slot;		/* output cursor: next slot */
	bool slot_printed;		/* its line is out, exceptions next */
	unsigned int exc_cursor;	/* next exception to print */
	struct ptw_region regions[PTW_MAX_REGIONS];
	unsigned int nr_regions;
	struct ptw_ktables ktables;	/* for counting tables */
};

/* Two top-level entries share a table when both name the same frame. */
static bool same_table(u64 a, u64 b)
{
	if (!a || !b)
		return !a && !b;
	return (a & PTE_PFN_MASK) == (b & PTE_PFN_MASK);
}

/* Top-level entries only: record each, never descend. */
static int top_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	u64 *slots = w->private;

	if (e->level == PTW_PGD)
		slots[e->index] = e->raw;
	return PTW_SKIP;
}

static const struct ptw_ops top_ops = {
	.entry = top_entry,
};

/* The kernel slots of top-level table @pgd into @slots. */
static int read_top(pgd_t *pgd, u64 *slots)
{
	struct ptw_walk w = { .ops = &top_ops, .pgd = pgd, .private = slots };

	memset(slots, 0, PTRS_PER_PGD * sizeof(*slots));
	return ptw_walk_kernel(&w, ptw_kernel_start(), 0);
}

static int count_tables(struct sharing_view *v, pgd_t *pgd)
{
	unsigned int i;
	int ret = ptw_count_kernel_tables(pgd, &v->ktables);

	for (i = 0; !ret && i < PTRS_PER_PGD; i++)
		v->kernel[i].tables = v->ktables.slot[i];
	return ret;
}

static void add_exception(struct sharing_view *v, bool user,
			  unsigned int slot, pid_t pid, u64 entry)
{
	if (v->nr_exc == SHARING_MAX_EXCEPTIONS) {
		v->unlisted++;
		return;
	}
	v->exc[v->nr_exc++] = (struct sharing_exception){
		.user = user, .slot = slot, .pid = pid, .entry = entry,
	};
}

/* One process's copy (@user or not) of the slots, against the reader's. */
static void account(struct sharing_view *v, bool user, pid_t pid,
		    const u64 *slots)
{
	struct sharing_slot *s = user ? v->user : v->kernel;
	unsigned int i;

	for (i = pgd_index(ptw_kernel_start()); i < PTRS_PER_PGD; i++) {
		if (slots[i])
			s[i].mapped++;
		if (same_table(slots[i], s[i].mine)) {
			s[i].same++;
		} else {
			s[i].differ++;
			add_exception(v, user, i, pid, slots[i]);
		}
	}
}

static int scan_mm(struct sharing_view *v, struct mm_struct *mm, pid_t pid)
{
	pgd_t *upgd = ptw_pti_user_pgd(mm->pgd);
	int ret;

	ret = read_top(mm->pgd, v->scratch[0]);
	if (!ret && upgd)
		ret = read_top(upgd, v->scratch[1]);
	if (ret)
		return ret;
	account(v, false, pid, v->scratch[0]);
	if (upgd)
		account(v, true, pid, v->scratch[1]);
	v->processes++;
	return 0;
}

/*
 * The first process with a thread-group ID >= @nr that is not a kernel
 * thread, pinned; @nr is set to its ID. NULL when there is none.
 */
static struct task_struct *next_process(pid_t *nr)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	while ((pid = find_ge_pid(*nr, &init_pid_ns))) {
		*nr = pid_nr(pid);
		task = pid_task(pid, PIDTYPE_TGID);
		if (task && !(task->flags & PF_KTHREAD)) {
			get_task_struct(task);
			break;
		}
		task = NULL;
		(*nr)++;
	}
	rcu_read_unlock();
	return task;
}

static int scan_processes(struct sharing_view *v)
{
	struct task_struct *task;
	struct mm_struct *mm;
	pid_t nr = 1;
	int ret;

	while ((task = next_process(&nr))) {
		mm = get_task_mm(task);
		put_task_struct(task);
		if (mm) {
			ret = scan_mm(v, mm, nr);
			mmput(mm);	/* may sleep: outside RCU */
			if (ret)
				return ret;
		} else {
			v->skipped++;	/* a zombie, or exiting */
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		nr++;
	}
	return 0;
}

static int cmp_exception(const void *a, const void *b)
{
	const struct sharing_exception *x = a, *y = b;

	if (x->user != y->user)
		return x->user ? 1 : -1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int scan(struct sharing_view *v)
{
	struct mm_struct *mm = current->mm;
	pgd_t *upgd;
	u64 *mine = v->scratch[0];
	unsigned int i;
	int ret;

	if (!mm)
		return -EINVAL;		/* a kernel thread has no table */
	memset(v->kernel, 0, sizeof(v->kernel));
	memset(v->user, 0, sizeof(v->user));
	v->processes = 0;
	v->skipped = 0;
	v->nr_exc = 0;
	v->unlisted = 0;
	v->reader = task_tgid_nr(current);

	ret = read_top(mm->pgd, mine);
	if (ret)
		return ret;
	for (i = 0; i < PTRS_PER_PGD; i++)
		v->kernel[i].mine = mine[i];
	upgd = ptw_pti_user_pgd(mm->pgd);
	if (upgd) {
		ret = read_top(upgd, mine);
		if (ret)
			return ret;
		for (i = 0; i < PTRS_PER_PGD; i++)
			v->user[i].mine = mine[i];
	}
	ret = count_tables(v, mm->pgd);
	if (ret)
		return ret;
	ret = scan_processes(v);
	if (ret)
		return ret;
	sort(v->exc, v->nr_exc, sizeof(*v->exc), cmp_exception, NULL);
	return 0;
}

static unsigned long slot_start(unsigned int slot)
{
	return ptw_kernel_start() +
	       ((unsigned long)(slot - pgd_index(ptw_kernel_start())) << PGDIR_SHIFT);
}

static bool slot_in_use(const struct sharing_slot *s)
{
	return s->mine || s->differ;
}

static void print_entry(struct ptw_file *f, const char *key, u64 entry)
{
	if (entry)
		ptw_out(f, " %s=0x%llx", key, entry & PTE_PFN_MASK);
	else
		ptw_out(f, " %s=none", key);
}

static void print_slot(struct sharing_view *v, bool user, unsigned int i)
{
	const struct sharing_slot *s = user ? &v->user[i] : &v->kernel[i];
	unsigned long start = slot_start(i);
	unsigned long end = start + PGDIR_SIZE;
	char names[128];

	ptw_out(v->f, "%s index=%u start=0x%lx end=0x%lx", user ? "user-slot" : "slot", i,
		start, end);
	print_entry(v->f, "next", s->mine);
	if (user)
		ptw_out(v->f, " kernel=%s",
			!s->mine ? "none" :
			same_table(s->mine, v->kernel[i].mine) ? "same" :
			"different");
	ptw_out(v->f, " mapped=%u same=%u differ=%u", s->mapped, s->same,
		s->differ);
	if (!user)
		ptw_out(v->f, " tables=%lu", s->tables);
	ptw_out(v->f, " regions=%s\n",
		ptw_regions_overlapping(v->regions, v->nr_regions, start, end,
					names, sizeof(names)));
}

/*
 * The slot lines of one copy, each followed by its exceptions. False when
 * the buffer is full; the cursors say where to go on.
 */
static bool print_slots(struct sharing_view *v, bool user)
{
	const struct sharing_slot *s = user ? v->user : v->kernel;
	const struct sharing_exception *x;

	for (; v->slot < PTRS_PER_PGD; v->slot++, v->slot_printed = false) {
		if (!slot_in_use(&s[v->slot]))
			continue;
		if (!v->slot_printed) {
			if (!ptw_out_room(v->f, SHARING_LINE_MAX))
				return false;
			print_slot(v, user, v->slot);
			v->slot_printed = true;
		}
		for (; v->exc_cursor < v->nr_exc; v->exc_cursor++) {
			x = &v->exc[v->exc_cursor];
			if (x->user != user || x->slot != v->slot)
				break;
			if (!ptw_out_room(v->f, SHARING_LINE_MAX))
				return false;
			ptw_out(v->f, "%s slot=%u pid=%d",
				user ? "user-exception" : "exception",
				x->slot, x->pid);
			print_entry(v->f, "next", x->entry);
			ptw_out(v->f, "\n");
		}
	}
	v->slot = 0;
	v->slot_printed = false;
	return true;
}

static void print_totals(struct sharing_view *v)
{
	unsigned long in_use = 0, by_all = 0, tables = 0, saved = 0;
	unsigned int i;

	for (i = 0; i < PTRS_PER_PGD; i++) {
		const struct sharing_slot *s = &v->kernel[i];

		if (!slot_in_use(s))
			continue;
		in_use++;
		if (!s->differ)
			by_all++;
		if (!s->mine)
			continue;
		tables += s->tables;
		/* Without sharing, every other process needs its own copy. */
		if (s->same > 1)
			saved += (s->same - 1) * s->tables * PAGE_SIZE;
	}
	ptw_out(v->f,
		"total processes=%lu skipped=%lu slots=%lu shared_by_all=%lu tables=%lu saved_bytes=%lu\n",
		v->processes, v->skipped, in_use, by_all, tables, saved);
	ptw_out(v->f, "end exceptions=%u unlisted=%lu\n", v->nr_exc,
		v->unlisted);
}

static int sharing_fill(struct ptw_file *f)
{
	struct sharing_view *v = f->view;
	bool pti = boot_cpu_has(X86_FEATURE_PTI);
	int ret;

	switch (v->stage) {
	case SHARING_SCAN:
		ret = scan(v);
		if (ret)
			return ret;
		ptw_out(f, PTW_HEADER(sharing));
		ptw_out(f, "reader pid=%d levels=%d pti=%s slot_size=%s\n",
			v->reader, ptw_paging_levels(), pti ? "on" : "off",
			ptw_size_name(PTW_PGD));
		v->stage = SHARING_SLOTS;
		return 0;
	case SHARING_SLOTS:
		if (!print_slots(v, false))
			return 0;
		v->stage = SHARING_USER_SLOTS;
		if (!pti) {
			ptw_out(f, "user-copy present=no\n");
			v->stage = SHARING_TOTALS;
		}
		return 0;
	case SHARING_USER_SLOTS:
		if (!print_slots(v, true))
			return 0;
		v->stage = SHARING_TOTALS;
		return 0;
	case SHARING_TOTALS:
		print_totals(v);
		v->stage = SHARING_DONE;
		fallthrough;
	default:
		f->eof = true;
		return 0;
	}
}

static void sharing_rewind(struct ptw_file *f)
{
	struct sharing_view *v = f->view;

	v->stage = SHARING_SCAN;
	v->slot = 0;
	v->slot_printed = false;
	v->exc_cursor = 0;
}

static int sharing_init(struct ptw_file *f)
{
	struct sharing_view *v = f->view;

	v->exc = kvcalloc(SHARING_MAX_EXCEPTIONS, sizeof(*v->exc), GFP_KERNEL);
	if (!v->exc)
		return -ENOMEM;
	v->f = f;
	v->nr_regions = ptw_regions_get(v->regions);
	return 0;
}

static void sharing_release(struct ptw_file *f)
{
	struct sharing_view *v = f->view;

	kvfree(v->exc);
}

/* Privileged only, decided at open: it shows every process's tables. */
static const struct ptw_view_ops sharing_view_ops = {
	.size = sizeof(struct sharing_view),
	.privileged_only = true,
	.init = sharing_init,
	.release = sharing_release,
	.fill = sharing_fill,
	.rewind = sharing_rewind,
};

int ptwalk_sharing_init(struct proc_dir_entry *dir)
{
	return ptw_file_create(dir, "sharing", 0400, &sharing_view_ops);
}
