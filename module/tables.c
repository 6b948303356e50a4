// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/tables: what a process's page tables cost. For the user
 * half, per level: the table pages, their bytes, and the entries in use
 * against the entries they hold; the leaves per page size; and the table
 * pages of the kernel half, which every process shares. Write "PID" or
 * "self" (permission as for maps); format: docs/interface.md,
 * "ptwalk-tables".
 *
 * The walk goes through the VMAs (under the mmap read lock, yielding as
 * maps does), so a table whose range holds two VMAs is handed over once
 * per VMA: an entry is counted only the first time its range is seen.
 * Tables that cover no VMA at all are not seen; munmap frees those.
 */
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched/mm.h>
#include <asm/cpufeature.h>

#include "file.h"
#include "ktables.h"
#include "ptwalk.h"
#include "walker.h"

enum tables_stage { TABLES_HEADER, TABLES_WALK, TABLES_TAIL, TABLES_DONE };

struct tables_view {
	enum tables_stage stage;
	unsigned long cursor;			/* where the walk resumes */
	unsigned long tables[PTW_NR_LEVELS];	/* table pages per level */
	unsigned long entries[PTW_NR_LEVELS];	/* non-empty entries in them */
	unsigned long leaves[PTW_NR_LEVELS];	/* frames mapped per level */
	unsigned long last[PTW_NR_LEVELS];	/* base of the entry last counted + 1 */
	unsigned long deposited;		/* PTE tables kept under anon THPs */
	bool anon;				/* the VMA being walked is anonymous */
	struct ptw_ktables kt;
};

/* The level of the table an entry of @level points to. */
static enum ptw_level next_level(enum ptw_level level)
{
	if (level == PTW_PGD && !pgtable_l5_enabled())
		return PTW_PUD;		/* the P4D level is folded */
	return level + 1;
}

static int tables_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct tables_view *v = w->private;

	/* Handed over again for the next VMA, or after a yield. */
	if (v->last[e->level] == e->base + 1)
		return PTW_CONTINUE;
	v->last[e->level] = e->base + 1;
	v->entries[e->level]++;
	if (e->kind == PTW_TABLE && e->level < PTW_PTE)
		v->tables[next_level(e->level)]++;
	else if (e->kind == PTW_LEAF)
		v->leaves[e->level]++;
	/*
	 * An anonymous THP (or huge zero page) keeps a PTE table deposited
	 * under its PMD (pgtable_trans_huge_deposit()), so that a split
	 * never has to allocate: unreachable, but counted in VmPTE.
	 */
	if (e->kind == PTW_LEAF && e->level == PTW_PMD && v->anon)
		v->deposited++;
	return PTW_CONTINUE;
}

static int tables_vma(struct ptw_walk *w, struct vm_area_struct *vma,
		      unsigned long start)
{
	struct tables_view *v = w->private;

	v->anon = vma_is_anonymous(vma);
	return PTW_CONTINUE;
}

static const struct ptw_ops tables_ops = {
	.vma = tables_vma,
	.entry = tables_entry,
	.hide = BIT(PTW_NONE),
};

static void tables_rewind(struct ptw_file *f)
{
	struct tables_view *v = f->view;

	memset(v, 0, sizeof(*v));
}

static unsigned long capacity(enum ptw_level level, unsigned long tables)
{
	/* The user half of the top level: the slots below TASK_SIZE_MAX. */
	if (level == PTW_PGD)
		return pgd_index(TASK_SIZE_MAX - 1) + 1;
	return tables * PTRS_PER_PTE;
}

static void print_counts(struct ptw_file *f, struct tables_view *v)
{
	bool pti = boot_cpu_has(X86_FEATURE_PTI);
	unsigned long vmpte = 0;
	enum ptw_level l;

	for (l = PTW_PGD; l < PTW_NR_LEVELS; l++) {
		/* With PTI the top level is two pages: the user copy too. */
		unsigned long bytes = v->tables[l] * PAGE_SIZE << (l == PTW_PGD && pti);

		if (!ptw_level_in_use(l))
			continue;
		ptw_out(f, "level name=%s tables=%lu bytes=%lu entries=%lu capacity=%lu\n",
			ptw_level_name(l), v->tables[l], bytes, v->entries[l],
			capacity(l, v->tables[l]));
		if (l >= PTW_PUD)
			vmpte += bytes;
	}
	ptw_out(f, "leaves 1G=%lu 2M=%lu 4K=%lu\n", v->leaves[PTW_PUD],
		v->leaves[PTW_PMD], v->leaves[PTW_PTE]);
	ptw_out(f, "deposited tables=%lu bytes=%lu\n", v->deposited,
		v->deposited * PAGE_SIZE);
	ptw_out(f, "kernel tables=%lu bytes=%lu\n", v->kt.total,
		v->kt.total * PAGE_SIZE);
	/* What /proc/PID/status calls VmPTE: PUD, PMD and PTE tables. */
	ptw_out(f, "vmpte bytes=%lu\n", vmpte + v->deposited * PAGE_SIZE);
}

static int tables_fill(struct ptw_file *f)
{
	struct tables_view *v = f->view;
	struct ptw_walk w = { .ops = &tables_ops, .private = v };
	struct mm_struct *mm;
	pid_t nr;
	int ret;

	switch (v->stage) {
	case TABLES_HEADER:
		mm = ptw_target_mm(f, &nr);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
		/* The kernel half: the same tables below every top level. */
		ret = ptw_count_kernel_tables(mm->pgd, &v->kt);
		mmput(mm);
		if (ret)
			return ret;
		ptw_out(f, PTW_HEADER(tables));
		ptw_out(f, "target pid=%d levels=%d pti=%s\n", nr,
			ptw_paging_levels(),
			boot_cpu_has(X86_FEATURE_PTI) ? "on" : "off");
		v->tables[PTW_PGD] = 1;
		v->stage = TABLES_WALK;
		return 0;
	case TABLES_WALK:
		ret = ptw_walk_target(f, &w, &v->cursor);
		if (ret < 0)
			return ret;
		v->stage = TABLES_TAIL;
		return 0;
	case TABLES_TAIL:
		print_counts(f, v);
		ptw_out(f, "end\n");
		v->stage = TABLES_DONE;
		fallthrough;
	default:
		f->eof = true;
		return 0;
	}
}

/* "PID" retargets the file, "self" targets the opener again; each rewinds. */
static int tables_request(struct ptw_file *f, char *req)
{
	pid_t nr;
	int ret;

	if (!strcmp(req, "self")) {
		ptw_target_self(f);
		return 0;
	}
	ret = ptw_parse_pid(req, &nr);
	return ret ? ret : ptw_set_target(f, nr);
}

static const struct ptw_view_ops tables_view_ops = {
	.size = sizeof(struct tables_view),
	.request = tables_request,
	.fill = tables_fill,
	.rewind = tables_rewind,
};

int ptwalk_tables_init(struct proc_dir_entry *dir)
{
	return ptw_file_create(dir, "tables", PTW_MODE_REQUEST, &tables_view_ops);
}
