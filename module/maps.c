// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/maps: a whole address space as merged runs of page-table
 * entries, grouped by VMA. Runs are merged on break (runs.c), as ptdump's
 * note_page() does. Format: docs/interface.md, "ptwalk-maps".
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "file.h"
#include "linefmt.h"
#include "ptwalk.h"
#include "runs.h"
#include "walker.h"

/* Room for a VMA line, besides its name's escaped length. */
#define VMA_LINE_BASE	192

enum maps_stage { MAPS_HEADER, MAPS_WALK, MAPS_TAIL, MAPS_DONE };

struct maps_view {
	struct ptw_file *f;
	bool nonpresent;	/* also list non-present entries */
	enum maps_stage stage;
	unsigned long cursor;	/* where the walk resumes */
	unsigned long vma_start, vma_end;	/* VMA whose line was printed */
	struct ptw_runs runs;
	struct ptw_batch batch;	/* the walker's, for maps_ptes() */
	char *path;		/* PATH_MAX scratch for d_path() */
};

/* A non-present entry, or one of a kind maps does not show. */
static int maps_other(struct maps_view *v, const struct ptw_entry *e)
{
	struct ptw_run n;

	if (!ptw_run_init(&v->runs, &n, e, v->nonpresent))
		return PTW_CONTINUE;	/* none, tables, hidden non-present */
	if (!ptw_runs_add(&v->runs, &n))
		return PTW_STOP;	/* buffer full: resume at this entry */
	return PTW_CONTINUE;
}

static int maps_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct maps_view *v = w->private;

	/*
	 * Only whole entries make runs. A leaf that starts before where the
	 * walk resumed: the tables changed shape while the lock was dropped
	 * (a PTE table collapsed into a 2M leaf) and its first part was
	 * already shown as it was; showing the rest would overlap it. A
	 * leaf that ends past where the walk stops: its VMA changed and the
	 * walk finishes only the range of the VMA line already printed.
	 * Leave both out of this read.
	 */
	if (e->va != e->base ||
	    e->end - e->va != 1UL << ptw_level_shift(e->level))
		return PTW_CONTINUE;
	if (e->kind == PTW_LEAF) {
		if (ptw_runs_extend(&v->runs, e->level, &e->raw, 1, e->va,
				    e->end - e->va))
			return PTW_CONTINUE;
		/* Buffer full: resume at this entry. */
		return ptw_runs_add_leaf(&v->runs, e) ? PTW_CONTINUE : PTW_STOP;
	}
	return maps_other(v, e);
}

/*
 * A batch of PTEs or of THP leaves: most extend the pending run without
 * being decoded. Every entry of a batch is whole, and the one that did not
 * extend the run does not on a second try either: leaves go straight to
 * ptw_runs_add_leaf().
 */
static int maps_ptes(struct ptw_walk *w, const struct ptw_batch *b)
{
	struct maps_view *v = w->private;
	unsigned long size = 1UL << ptw_level_shift(b->level);
	unsigned int i = 0;

	while (i < b->nr) {
		unsigned long va = b->va + i * size;
		struct ptw_entry e;

		i += ptw_runs_extend(&v->runs, b->level, b->raw + i, b->nr - i,
				     va, size);
		if (i == b->nr)
			break;
		va = b->va + i * size;
		ptw_batch_entry(w, b, b->raw[i], va, &e);
		if (e.kind == PTW_LEAF ? !ptw_runs_add_leaf(&v->runs, &e) :
		    maps_other(v, &e) == PTW_STOP) {
			w->next = va;
			return PTW_STOP;
		}
		i++;
	}
	return PTW_CONTINUE;
}

/* The name /proc/PID/maps shows for @vma (d_path() writes into v->path). */
static const char *vma_name(struct maps_view *v, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (vma->vm_file) {
		char *p = d_path(&vma->vm_file->f_path, v->path, PATH_MAX);

		return IS_ERR(p) ? "?" : p;
	}
	if (vma->vm_ops && vma->vm_ops->name) {
		const char *name = vma->vm_ops->name(vma);

		if (name)
			return name;
	}
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return "";
}

static int maps_vma(struct ptw_walk *w, struct vm_area_struct *vma,
		    unsigned long start)
{
	struct maps_view *v = w->private;
	struct ptw_file *f = v->f;
	struct file *file = vma->vm_file;
	unsigned long ino = 0;
	dev_t dev = 0;
	u64 pgoff = 0;
	const char *name;
	char line[VMA_LINE_BASE], *p;
	size_t len;

	if (vma->vm_start == v->vma_start && vma->vm_end == v->vma_end)
		return PTW_CONTINUE;	/* a resumed walk inside the same VMA */
	if (vma->vm_start < v->vma_end) {
		/*
		 * The VMA whose line was printed changed while the lock was
		 * dropped (split, grown, replaced). Finish the printed range
		 * under its line; the rest is left out of this read, so that
		 * vma lines never overlap and runs stay inside theirs.
		 */
		if (start >= v->vma_end)
			return PTW_SKIP;
		w->stop = min(w->stop, v->vma_end);
		return PTW_CONTINUE;
	}
	if (!ptw_runs_flush(&v->runs))
		return PTW_STOP;
	name = vma_name(v, vma);
	len = ptw_escaped_len(name);
	/* Every line must fit an empty buffer, or no read gets past it. */
	if (VMA_LINE_BASE + len >= PTW_OUT_SIZE) {
		name = "?";
		len = 1;
	}
	if (!ptw_out_room(f, VMA_LINE_BASE + len))
		return PTW_STOP;
	if (file) {
		struct inode *inode = file_inode(file);

		dev = inode->i_sb->s_dev;
		ino = inode->i_ino;
		pgoff = (u64)vma->vm_pgoff << PAGE_SHIFT;
	}
	/* The fields of /proc/PID/maps, by hand (a VMA line per VMA). */
	p = put_lit(line, "vma start=");
	p = put_hex(p, vma->vm_start);
	p = put_lit(p, " end=");
	p = put_hex(p, vma->vm_end);
	p = put_lit(p, " perms=");
	*p++ = vma->vm_flags & VM_READ ? 'r' : '-';
	*p++ = vma->vm_flags & VM_WRITE ? 'w' : '-';
	*p++ = vma->vm_flags & VM_EXEC ? 'x' : '-';
	*p++ = vma->vm_flags & VM_MAYSHARE ? 's' : 'p';
	p = put_lit(p, " offset=");
	p = put_hex(p, pgoff);
	p = put_lit(p, " dev=");
	p = put_hex_pad(p, MAJOR(dev), 2);
	*p++ = ':';
	p = put_hex_pad(p, MINOR(dev), 2);
	p = put_lit(p, " inode=");
	p = put_dec(p, ino);
	if (*name)
		p = put_lit(p, " name=");
	ptw_out_write(f, line, p - line);
	ptw_out_escaped(f, name);
	ptw_out_write(f, "\n", 1);
	v->vma_start = vma->vm_start;
	v->vma_end = vma->vm_end;
	return PTW_CONTINUE;
}

static const struct ptw_ops maps_ops = {
	.vma = maps_vma,
	.entry = maps_entry,
	.ptes = maps_ptes,
	.hide = BIT(PTW_NONE) | BIT(PTW_TABLE),
};

static void maps_rewind(struct ptw_file *f)
{
	struct maps_view *v = f->view;

	v->stage = MAPS_HEADER;
	v->cursor = 0;
	v->vma_start = 0;
	v->vma_end = 0;
	ptw_runs_reset(&v->runs);
}

static int maps_fill(struct ptw_file *f)
{
	struct maps_view *v = f->view;
	struct ptw_walk w = {
		.ops = &maps_ops, .private = v, .batch = &v->batch,
	};
	struct mm_struct *mm;
	pid_t nr;
	int ret;

	switch (v->stage) {
	case MAPS_HEADER:
		mm = ptw_target_mm(f, &nr);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
		mmput(mm);
		v->runs.show_pfn = ptw_show_pfn(f);
		ptw_out(f, PTW_HEADER(maps));
		ptw_out(f, "target pid=%d levels=%d pfn=%s nonpresent=%s\n", nr,
			ptw_paging_levels(),
			v->runs.show_pfn ? "shown" : "hidden",
			v->nonpresent ? "on" : "off");
		v->stage = MAPS_WALK;
		return 0;
	case MAPS_WALK:
		ret = ptw_walk_target(f, &w, &v->cursor);
		if (ret == PTW_STOP)
			return 0;	/* buffer full; the next fill resumes */
		if (ret < 0)
			return ret;
		v->stage = MAPS_TAIL;
		return 0;
	case MAPS_TAIL:
		/* A fill starts with PTW_FILL_ROOM free: the tail fits. */
		ptw_runs_flush(&v->runs);
		ptw_out(f, "end runs=%lu\n", v->runs.count);
		v->stage = MAPS_DONE;
		fallthrough;
	default:
		f->eof = true;
		return 0;
	}
}

static int maps_init(struct ptw_file *f)
{
	struct maps_view *v = f->view;

	v->path = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	if (!v->path)
		return -ENOMEM;
	v->f = f;
	v->runs.f = f;
	return 0;
}

static void maps_release(struct ptw_file *f)
{
	struct maps_view *v = f->view;

	kfree(v->path);
}

/*
 * Requests: "PID" retargets the file; "self" targets the opener again;
 * "nonpresent on|off" lists non-present entries too. Each rewinds.
 */
static int maps_request(struct ptw_file *f, char *req)
{
	struct maps_view *v = f->view;
	pid_t nr;
	int ret;

	if (!strcmp(req, "nonpresent on")) {
		v->nonpresent = true;
	} else if (!strcmp(req, "nonpresent off")) {
		v->nonpresent = false;
	} else if (!strcmp(req, "self")) {
		ptw_target_self(f);
	} else {
		ret = ptw_parse_pid(req, &nr);
		return ret ? ret : ptw_set_target(f, nr);
	}
	return 0;
}

static const struct ptw_view_ops maps_view_ops = {
	.size = sizeof(struct maps_view),
	.init = maps_init,
	.release = maps_release,
	.request = maps_request,
	.fill = maps_fill,
	.rewind = maps_rewind,
};

int ptwalk_maps_init(struct proc_dir_entry *dir)
{
	return ptw_file_create(dir, "maps", PTW_MODE_REQUEST, &maps_view_ops);
}
