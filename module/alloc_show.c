// SPDX-License-Identifier: GPL-2.0
/*
 * The listing of /proc/ptwalk/alloc: each allocation of the open file with
 * where it landed, virtually and physically. Physical addresses come from
 * the walker over the reader's page tables, one allocation at a time into
 * a snapshot, and each is checked against the documented helper
 * (virt_to_phys(), vmalloc_to_pfn()); a disagreement is printed, not
 * hidden. The listing is produced in chunks that resume at the next line,
 * so an allocation of 8192 pages fits a bounded buffer.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "alloc.h"
#include "file.h"
#include "kaddr.h"
#include "runs.h"
#include "walker.h"

/* Room for one line; a share line lists up to 64 indices and offsets. */
#define ONE_LINE_MAX	192
#define SHARE_LINE_MAX	(64 + PTW_ALLOC_COUNT_MAX * 10)

void ptw_alloc_rewind(struct ptw_file *f)
{
	struct ptw_alloc_view *v = f->view;

	v->stage = PTWA_HEADER;
	v->cur_id = 0;
	v->line = 0;
	v->scan = 0;
	v->run_va = 0;
	v->printed = 0;
	v->snap_id = 0;
}

static const char *const kind_names[] = {
	[PTWA_KMALLOC] = "kmalloc",
	[PTWA_PAGES] = "pages",
	[PTWA_VMALLOC] = "vmalloc",
};

static unsigned long item_va(const struct ptw_alloc *a, unsigned int i)
{
	if (a->kind == PTWA_KMALLOC)
		return (unsigned long)a->obj[i];
	return (unsigned long)a->va + i * PAGE_SIZE;
}

/* Walk every object or page of @a once, for all the lines about it. */
static int take_snapshot(struct ptw_alloc_view *v, const struct ptw_alloc *a)
{
	struct ptw_ktrans t;
	unsigned int i;
	int ret;

	if (v->snap_id == a->id)
		return 0;
	if (a->kind == PTWA_KMALLOC) {
		for (i = 0; i < a->count; i++) {
			ret = ptw_kaddr_translate(item_va(a, i), &t);
			if (ret)
				return ret;
			v->snap[i] = t.pa;
		}
	} else {
		ret = ptw_kaddr_translate_pages((unsigned long)a->va, a->count,
						v->snap);
		if (ret)
			return ret;
	}
	v->snap_id = a->id;
	return 0;
}

/* Does snapshot entry @i continue the physical run of entry @i - 1? */
static bool continues(const struct ptw_alloc_view *v, unsigned int i)
{
	return v->snap[i] != PTW_PA_NONE && v->snap[i - 1] != PTW_PA_NONE &&
	       v->snap[i] == v->snap[i - 1] + PAGE_SIZE;
}

static unsigned int count_runs(const struct ptw_alloc_view *v,
			       const struct ptw_alloc *a)
{
	unsigned int i, runs = a->count ? 1 : 0;

	for (i = 1; i < a->count; i++)
		runs += !continues(v, i);
	return runs;
}

static void print_pa(struct ptw_file *f, phys_addr_t pa)
{
	if (pa == PTW_PA_NONE)
		ptw_out(f, " pa=none");
	else
		ptw_out(f, " pa=0x%llx", (u64)pa);
}

/* The walker's @pa for @va against the helper's; silent when they agree. */
static void print_check(struct ptw_file *f, unsigned long va, phys_addr_t pa)
{
	phys_addr_t helper;

	if (pa == PTW_PA_NONE ||
	    !ptw_kaddr_helper_owned(va, &helper) ||
	    helper == pa)
		return;
	ptw_out(f, " mismatch=yes helper=0x%llx", (u64)helper);
}

static void print_alloc_line(struct ptw_file *f, const struct ptw_alloc *a)
{
	struct ptw_alloc_view *v = f->view;
	unsigned long va = (unsigned long)a->va;
	unsigned int i;

	ptw_out(f, "alloc id=%u kind=%s", a->id, kind_names[a->kind]);
	switch (a->kind) {
	case PTWA_KMALLOC:
		ptw_out(f, " size=%zu count=%u bucket=%zu bytes=%zu\n",
			a->size, a->count, a->bytes / a->count, a->bytes);
		break;
	case PTWA_PAGES:
		ptw_out(f, " order=%u pages=%u bytes=%zu va=0x%lx region=%s",
			a->order, a->count, a->bytes, va,
			ptw_region_name(ptw_region_of(va)));
		print_pa(f, v->snap[0]);
		ptw_out(f, " pfns=0x%llx-0x%llx runs=%u",
			(u64)PHYS_PFN(v->snap[0]),
			(u64)PHYS_PFN(v->snap[0]) + a->count - 1,
			count_runs(v, a));
		/* Every page is checked; the first disagreement is shown. */
		for (i = 0; i < a->count; i++) {
			phys_addr_t helper = virt_to_phys((void *)va) +
					     i * PAGE_SIZE;

			if (v->snap[i] != PTW_PA_NONE && v->snap[i] != helper) {
				ptw_out(f, " mismatch=yes index=%u helper=0x%llx",
					i, (u64)helper);
				break;
			}
		}
		ptw_out(f, "\n");
		break;
	case PTWA_VMALLOC:
		ptw_out(f, " size=%zu pages=%u bytes=%zu va=0x%lx region=%s runs=%u\n",
			a->size, a->count, a->bytes, va,
			ptw_region_name(ptw_region_of(va)),
			count_runs(v, a));
		break;
	}
}

/* Item @i: a kmalloc object or a vmalloc page. */
static void print_item(struct ptw_file *f, const struct ptw_alloc *a,
		       unsigned int i)
{
	struct ptw_alloc_view *v = f->view;
	unsigned long va = item_va(a, i);

	if (a->kind == PTWA_KMALLOC)
		ptw_out(f, "object id=%u index=%u va=0x%lx region=%s", a->id,
			i, va, ptw_region_name(ptw_region_of(va)));
	else
		ptw_out(f, "page id=%u index=%u va=0x%lx", a->id, i, va);
	print_pa(f, v->snap[i]);
	if (a->kind == PTWA_KMALLOC)
		ptw_out(f, " ksize=%zu", ksize(a->obj[i]));
	print_check(f, va, v->snap[i]);
	ptw_out(f, "\n");
}

/* Was the frame of object @i already listed with an earlier object? */
static bool frame_seen(const struct ptw_alloc_view *v, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (PHYS_PFN(v->snap[j]) == PHYS_PFN(v->snap[i]))
			return true;
	return false;
}

/*
 * The objects that share the frame of object @first (the first object on
 * it), with their offsets in it. Returns false when none is left.
 */
static bool print_share(struct ptw_file *f, const struct ptw_alloc *a)
{
	struct ptw_alloc_view *v = f->view;
	unsigned long pfn;
	unsigned int i, n = 0;

	while (v->scan < a->count &&
	       (v->snap[v->scan] == PTW_PA_NONE || frame_seen(v, v->scan)))
		v->scan++;
	if (v->scan >= a->count)
		return false;
	pfn = PHYS_PFN(v->snap[v->scan]);
	for (i = v->scan; i < a->count; i++)
		n += PHYS_PFN(v->snap[i]) == pfn;
	ptw_out(f, "share id=%u pfn=0x%lx count=%u objects=", a->id, pfn, n);
	for (i = v->scan, n = 0; i < a->count; i++)
		if (PHYS_PFN(v->snap[i]) == pfn)
			ptw_out(f, "%s%u", n++ ? "," : "", i);
	ptw_out(f, " offsets=");
	for (i = v->scan, n = 0; i < a->count; i++)
		if (PHYS_PFN(v->snap[i]) == pfn)
			ptw_out(f, "%s0x%llx", n++ ? "," : "",
				(u64)offset_in_page(v->snap[i]));
	ptw_out(f, "\n");
	v->scan++;
	return true;
}

static int run_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct ptw_runs *r = w->private;

	if (e->kind != PTW_LEAF)
		return PTW_CONTINUE;	/* a hole makes no line: the pages say it */
	/* Buffer full: resume at this entry. */
	return ptw_runs_add_leaf(r, e) ? PTW_CONTINUE : PTW_STOP;
}

static const struct ptw_ops run_ops = {
	.entry = run_entry,
};

/*
 * The run lines of vmalloc area @a: the walker's leaves over the area,
 * merged by runs.c as maps and kernel merge theirs (a run breaks where the
 * next frame does not follow or the bits change). The area is the file's
 * own, freed only by a request on the file, so its tables stay. Returns 1
 * when done, 0 when the buffer is full (the next fill resumes), -errno.
 */
static int print_runs(struct ptw_file *f, const struct ptw_alloc *a)
{
	struct ptw_alloc_view *v = f->view;
	unsigned long end = (unsigned long)a->va + (unsigned long)a->count * PAGE_SIZE;
	struct ptw_walk w = { .ops = &run_ops, .private = &v->runs };
	int ret;

	if (!current->mm)
		return -EINVAL;		/* a kernel thread has no top-level table */
	if (!v->run_va) {
		ptw_runs_reset(&v->runs);
		v->runs.f = f;
		v->runs.show_pfn = true;	/* the file is privileged */
		v->run_va = (unsigned long)a->va;
	}
	if (v->run_va < end) {
		w.pgd = current->mm->pgd;
		ret = ptw_walk_kernel(&w, v->run_va, end);
		v->run_va = ret == PTW_STOP ? w.next : end;
		if (ret == PTW_STOP)
			return 0;
		if (ret < 0)
			return ret;
	}
	return ptw_runs_flush(&v->runs) ? 1 : 0;
}

/*
 * Print the lines of @a from where the cursor stands: the alloc line, the
 * item lines, then share groups (kmalloc) or runs (vmalloc). Returns 1
 * when @a is done, 0 when the buffer is full, or -errno.
 */
static int print_alloc(struct ptw_file *f, const struct ptw_alloc *a)
{
	struct ptw_alloc_view *v = f->view;
	unsigned int items = a->kind == PTWA_PAGES ? 0 : a->count;
	int ret = take_snapshot(v, a);

	if (ret)
		return ret;
	for (;;) {
		if (!ptw_out_room(f, v->line > items && a->kind == PTWA_KMALLOC ?
				  SHARE_LINE_MAX : ONE_LINE_MAX))
			return 0;
		if (v->line == 0) {
			print_alloc_line(f, a);
		} else if (v->line <= items) {
			print_item(f, a, v->line - 1);
		} else if (a->kind == PTWA_KMALLOC && a->count > 1) {
			if (!print_share(f, a))
				return 1;
			continue;
		} else if (a->kind == PTWA_VMALLOC) {
			return print_runs(f, a);
		} else {
			return 1;
		}
		v->line++;
	}
}

static struct ptw_alloc *next_alloc(struct ptw_alloc_view *v)
{
	struct ptw_alloc *a;

	list_for_each_entry(a, &v->allocs, node)
		if (a->id >= v->cur_id)
			return a;
	return NULL;
}

int ptw_alloc_fill(struct ptw_file *f)
{
	struct ptw_alloc_view *v = f->view;
	struct ptw_alloc *a;
	int ret;

	switch (v->stage) {
	case PTWA_HEADER:
		ptw_out(f, PTW_HEADER(alloc));
		ptw_out(f, "file allocations=%u bytes=%zu cap=%lu max_allocations=%u",
			v->nr, v->bytes, PTW_ALLOC_FILE_BYTES,
			PTW_ALLOC_FILE_MAX);
		ptw_out(f, " module_bytes=%ld module_cap=%lu\n",
			ptw_alloc_module_bytes(), PTW_ALLOC_MODULE_BYTES);
		v->stage = PTWA_BODY;
		return 0;
	case PTWA_BODY:
		while ((a = next_alloc(v))) {
			v->cur_id = a->id;
			ret = print_alloc(f, a);
			if (ret <= 0)
				return ret;
			v->printed++;
			v->cur_id = a->id + 1;
			v->line = 0;
			v->scan = 0;
			v->run_va = 0;
		}
		v->stage = PTWA_TAIL;
		return 0;
	case PTWA_TAIL:
		ptw_out(f, "end allocations=%u\n", v->printed);
		v->stage = PTWA_DONE;
		fallthrough;
	default:
		f->eof = true;
		return 0;
	}
}
