// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/kernel: the kernel half of the reader's own top-level table
 * (its kernel slots are the kernel's: every process maps the same kernel)
 * as merged runs with physical addresses between region markers, what
 * ptdump prints on kernels built with CONFIG_PTDUMP_DEBUGFS, which Debian's
 * are not. With PTI the user copy of the table (what the CPU uses in user
 * mode) follows. Format: docs/interface.md, "ptwalk-kernel".
 *
 * Privileged only, decided at open: the dump reveals the KASLR layout.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <asm/cpufeature.h>

#include "file.h"
#include "ptwalk.h"
#include "regions.h"
#include "runs.h"
#include "walker.h"

enum kernel_stage {
	KERNEL_HEADER,	/* the format and layout lines */
	KERNEL_COPY,	/* the "copy" line of the table walked next */
	KERNEL_WALK,
	KERNEL_FLUSH,	/* the pending lines of the copy walked */
	KERNEL_DONE,
};

struct kernel_view {
	struct ptw_file *f;
	bool user_copy;		/* walking the PTI user copy */
	enum kernel_stage stage;
	unsigned long cursor;	/* where the walk resumes */
	struct ptw_runs runs;	/* run, clone and region lines */
	struct ptw_clones last;
	struct ptw_region regions[PTW_MAX_REGIONS];
	unsigned int nr_regions;
};

static int kernel_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct kernel_view *v = w->private;
	struct ptw_run n;

	/* Region lines break runs: a run never crosses a region boundary. */
	if (!ptw_runs_reach(&v->runs, e->va))
		return PTW_STOP;
	if (e->kind == PTW_TABLE) {
		if (!ptw_is_clone(&v->last, e)) {
			ptw_clones_note(&v->last, e);
			return PTW_CONTINUE;
		}
		if (!ptw_runs_add_clone(&v->runs, e))
			return PTW_STOP;
		ptw_clones_note(&v->last, e);
		return PTW_SKIP;	/* the table was listed once already */
	}
	if (!ptw_run_init(&v->runs, &n, e, false))
		return PTW_CONTINUE;	/* none, not present, bad */
	if (!ptw_runs_add(&v->runs, &n))
		return PTW_STOP;	/* buffer full: resume at this entry */
	return PTW_CONTINUE;
}

static const struct ptw_ops kernel_ops = {
	.entry = kernel_entry,
};

/* The table walked: the reader's own, or its PTI user copy. */
static pgd_t *reader_pgd(struct kernel_view *v)
{
	struct mm_struct *mm = current->mm;
	pgd_t *pgd;

	if (!mm)
		return ERR_PTR(-EINVAL);	/* a kernel thread has none */
	if (!v->user_copy)
		return mm->pgd;
	pgd = ptw_pti_user_pgd(mm->pgd);
	return pgd ? pgd : ERR_PTR(-ENODEV);
}

/* Start over on the copy @user (regions, runs and clones are per copy). */
static void start_copy(struct kernel_view *v, bool user)
{
	v->user_copy = user;
	v->cursor = ptw_kernel_start();
	ptw_runs_mark(&v->runs, v->regions, v->nr_regions);
	ptw_clones_reset(&v->last);
}

static void kernel_rewind(struct ptw_file *f)
{
	struct kernel_view *v = f->view;

	v->stage = KERNEL_HEADER;
	ptw_runs_reset(&v->runs);
	start_copy(v, false);
}

static int kernel_fill(struct ptw_file *f)
{
	struct kernel_view *v = f->view;
	struct ptw_walk w = { .ops = &kernel_ops, .private = v };
	bool pti = boot_cpu_has(X86_FEATURE_PTI);
	pgd_t *pgd = reader_pgd(v);
	int ret;

	if (IS_ERR(pgd))
		return PTR_ERR(pgd);
	switch (v->stage) {
	case KERNEL_HEADER:
		ptw_out(f, PTW_HEADER(kernel));
		ptw_out(f, "layout levels=%d pti=%s\n", ptw_paging_levels(),
			pti ? "on" : "off");
		v->stage = KERNEL_COPY;
		fallthrough;
	case KERNEL_COPY:
		ptw_out(f, "copy name=%s top=0x%llx\n",
			v->user_copy ? "user" : "kernel", (u64)__pa(pgd));
		v->stage = KERNEL_WALK;
		return 0;
	case KERNEL_WALK:
		w.pgd = pgd;
		ret = ptw_walk_kernel(&w, v->cursor, 0);
		v->cursor = w.next;
		if (ret == PTW_STOP)
			return 0;	/* buffer full; the next fill resumes */
		if (ret < 0)
			return ret;
		v->stage = KERNEL_FLUSH;
		return 0;
	case KERNEL_FLUSH:
		/*
		 * A fill starts with PTW_FILL_ROOM free: the pending run and
		 * the region lines left (PTW_MAX_REGIONS short ones) fit.
		 */
		ptw_runs_reach(&v->runs, ~0UL);
		if (pti && !v->user_copy) {
			start_copy(v, true);
			v->stage = KERNEL_COPY;
			return 0;
		}
		ptw_out(f, "end runs=%lu clones=%lu\n", v->runs.count,
			v->runs.clones);
		v->stage = KERNEL_DONE;
		fallthrough;
	default:
		f->eof = true;
		return 0;
	}
}

static int kernel_init(struct ptw_file *f)
{
	struct kernel_view *v = f->view;

	v->f = f;
	v->runs.f = f;
	v->runs.show_pfn = true;
	v->nr_regions = ptw_regions_get(v->regions);
	return 0;
}

/* Privileged only, decided at open: the dump reveals the KASLR layout. */
static const struct ptw_view_ops kernel_view_ops = {
	.size = sizeof(struct kernel_view),
	.privileged_only = true,
	.init = kernel_init,
	.fill = kernel_fill,
	.rewind = kernel_rewind,
};

int ptwalk_kernel_init(struct proc_dir_entry *dir)
{
	return ptw_file_create(dir, "kernel", 0400, &kernel_view_ops);
}
