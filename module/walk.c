// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/walk: what the MMU does for one address. Write "PID VA" (or
 * "kernel VA", privileged openers only), read every level's entry and the
 * final physical address or why translation stops. Format:
 * docs/interface.md, "ptwalk-walk".
 */
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/cpufeature.h>

#include "decode.h"
#include "file.h"
#include "ptwalk.h"
#include "walker.h"

struct walk_view {
	bool requested;
	bool kernel;		/* walk the kernel half of the reader's table */
	unsigned long va;
	unsigned int nr;	/* entries collected */
	struct ptw_entry path[PTW_NR_LEVELS];
};

static int walk_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct walk_view *v = w->private;

	if (v->nr < ARRAY_SIZE(v->path))
		v->path[v->nr++] = *e;
	return PTW_CONTINUE;
}

static const struct ptw_ops walk_ops = {
	.entry = walk_entry,
	.all_addresses = true,
};

/* Hide frame numbers from a file that may not see them (as pagemap does). */
static u64 pa_or_zero(bool show, u64 pa)
{
	return show ? pa : 0;
}

static void print_entry(struct ptw_file *f, const struct ptw_entry *e,
			const char *suffix, bool show)
{
	struct ptw_nonpresent np;
	char flags[PTW_FLAGS_MAX];
	u64 raw = show ? e->raw : ptw_raw_hidden(e);

	ptw_format_flags(flags, sizeof(flags), ptw_decode_flags(e));
	ptw_out(f, "level name=%s%s index=%u entry=0x%llx raw=0x%016llx flags=%s",
		ptw_level_name(e->level), suffix, e->index,
		pa_or_zero(show, e->entry_pa), raw, flags[0] ? flags : "-");
	switch (e->kind) {
	case PTW_TABLE:
		ptw_out(f, " next=0x%llx\n",
			pa_or_zero(show, (u64)e->pfn << PAGE_SHIFT));
		break;
	case PTW_LEAF:
		ptw_out(f, " cache=%s leaf=%s frame=0x%llx\n",
			ptw_cache_name(ptw_decode_cache(e)),
			ptw_size_name(e->level),
			pa_or_zero(show, (u64)e->pfn << PAGE_SHIFT));
		break;
	case PTW_NONPRESENT:
		ptw_decode_nonpresent(e, &np);
		if (!show)
			ptw_np_hide(&np);
		if (np.has_pfn)
			ptw_out(f, " kind=%s pa=0x%llx\n", ptw_np_name(np.kind),
				pa_or_zero(show, (u64)np.pfn << PAGE_SHIFT));
		else
			ptw_out(f, " kind=%s type=%u offset=0x%lx\n",
				ptw_np_name(np.kind), np.type, np.offset);
		break;
	default:
		ptw_out(f, "\n");
	}
}

/* The final line: the physical address, or why translation stops. */
static void print_outcome(struct ptw_file *f, const struct ptw_entry *e,
			  unsigned long va, bool show)
{
	struct ptw_nonpresent np;
	u64 pa;

	switch (e->kind) {
	case PTW_LEAF:
		pa = ((u64)e->pfn << PAGE_SHIFT) + (va - e->base);
		ptw_out(f, "result pa=0x%llx\n", pa_or_zero(show, pa));
		break;
	case PTW_NONE:
		ptw_out(f, "stop reason=none level=%s\n", ptw_level_name(e->level));
		break;
	case PTW_NONPRESENT:
		ptw_decode_nonpresent(e, &np);
		if (!show)
			ptw_np_hide(&np);
		ptw_out(f, "stop reason=not-present level=%s kind=%s",
			ptw_level_name(e->level), ptw_np_name(np.kind));
		if (np.kind == PTWNP_SWAP)
			ptw_out(f, " type=%u offset=0x%lx", np.type, np.offset);
		ptw_out(f, "\n");
		break;
	case PTW_BAD:
		ptw_out(f, "stop reason=bad level=%s\n", ptw_level_name(e->level));
		break;
	default:
		ptw_out(f, "stop reason=incomplete level=%s\n", ptw_level_name(e->level));
	}
}

static void print_path(struct ptw_file *f, struct walk_view *v, pgd_t *pgd,
		       bool show)
{
	bool pti = boot_cpu_has(X86_FEATURE_PTI);
	unsigned int i;

	ptw_out(f, "top pa=0x%llx\n", pa_or_zero(show, __pa(pgd)));
	for (i = 0; i < v->nr; i++) {
		print_entry(f, &v->path[i], "", show);
		/* The copy user mode runs on: NX-free, and only what PTI keeps. */
		if (i == 0 && pti) {
			struct ptw_entry u = v->path[0];
			phys_addr_t pa;

			u.raw = ptw_pti_user_entry(pgd, v->va, &pa);
			u.entry_pa = pa;
			u.kind = u.raw ? PTW_TABLE : PTW_NONE;
			u.pfn = (u.raw & PTE_PFN_MASK) >> PAGE_SHIFT;
			print_entry(f, &u, " copy=user", show);
		}
	}
	if (v->nr)
		print_outcome(f, &v->path[v->nr - 1], v->va, show);
	else
		ptw_out(f, "stop reason=none level=PGD\n");
}

static int walk_fill(struct ptw_file *f)
{
	struct walk_view *v = f->view;
	unsigned long page = v->va & PAGE_MASK;
	struct ptw_walk w = { .ops = &walk_ops, .private = v };
	struct mm_struct *mm;
	bool show;
	pid_t nr = 0;
	int ret;

	f->eof = true;
	if (!v->requested)
		return 0;
	v->nr = 0;
	if (v->kernel) {
		mm = current->mm;
		show = f->privileged;
	} else {
		mm = ptw_target_mm(f, &nr);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
		show = ptw_show_pfn(f);
	}
	ptw_out(f, PTW_HEADER(walk));
	if (v->kernel)
		ptw_out(f, "target space=kernel");
	else
		ptw_out(f, "target space=user pid=%d", nr);
	ptw_out(f, " va=0x%lx levels=%d pti=%s pfn=%s\n", v->va,
		ptw_paging_levels(),
		boot_cpu_has(X86_FEATURE_PTI) ? "on" : "off",
		show ? "shown" : "hidden");

	ret = 0;
	if (!ptw_is_canonical(v->va)) {
		ptw_out(f, "stop reason=non-canonical\n");
	} else if (!v->kernel && v->va >= TASK_SIZE_MAX) {
		ptw_out(f, "stop reason=kernel-half\n");
	} else if (v->kernel && v->va < TASK_SIZE_MAX) {
		ptw_out(f, "stop reason=user-half\n");
	} else if (v->kernel) {
		if (!mm)
			return -EINVAL;
		w.pgd = mm->pgd;
		ret = ptw_walk_kernel(&w, page, page + PAGE_SIZE);
		if (!ret)
			print_path(f, v, mm->pgd, show);
	} else {
		w.mm = mm;
		ret = ptw_walk_user(&w, page, page + PAGE_SIZE);
		if (!ret)
			print_path(f, v, mm->pgd, show);
	}
	if (!v->kernel)
		mmput(mm);
	return ret < 0 ? ret : 0;
}

/* "PID VA" or "kernel VA" (also "0 VA"); VA in hex, 0x optional. */
static int walk_request(struct ptw_file *f, char *req)
{
	struct walk_view *v = f->view;
	char *who = strsep(&req, " \t");
	unsigned long va;
	pid_t nr;
	int ret;

	if (!req)
		return -EINVAL;
	/* Blanks only: skip_spaces() would take \v, \f, \r and 0xa0 too. */
	req += strspn(req, " \t");
	ret = ptw_parse_addr(req, &va);
	if (ret)
		return ret;
	if (!strcmp(who, "kernel") || !strcmp(who, "0")) {
		if (!f->privileged)
			return -EPERM;
		v->kernel = true;
	} else {
		ret = ptw_parse_pid(who, &nr);
		if (!ret)
			ret = ptw_set_target(f, nr);
		if (ret)
			return ret;
		v->kernel = false;
	}
	v->va = va;
	v->requested = true;
	return 0;
}

static const struct ptw_view_ops walk_view_ops = {
	.size = sizeof(struct walk_view),
	.request = walk_request,
	.fill = walk_fill,
};

int ptwalk_walk_init(struct proc_dir_entry *dir)
{
	return ptw_file_create(dir, "walk", PTW_MODE_REQUEST, &walk_view_ops);
}
