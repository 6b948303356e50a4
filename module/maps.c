// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ptwalk/maps: a whole address space as merged runs of page-table
 * entries, grouped by VMA. A run grows while the next entry continues it
 * (same size, kind and flags; contiguous VA and, where shown, contiguous
 * PA or swap offset) and is printed when one breaks it, as ptdump's
 * note_page() does. Format: docs/interface.md, "ptwalk-maps 1".
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "decode.h"
#include "file.h"
#include "ptwalk.h"
#include "walker.h"

/* Room for a run line; a VMA line reserves its name's escaped length. */
#define RUN_LINE_MAX	256
#define VMA_LINE_BASE	128

enum maps_stage { MAPS_HEADER, MAPS_WALK, MAPS_TAIL, MAPS_DONE };

struct maps_run {
	bool active;
	bool mapped;		/* leaf; else a non-present entry */
	enum ptw_level level;
	unsigned long start, end;
	unsigned long pfn;	/* frame at start (mapped) */
	struct ptw_nonpresent np;	/* at start (non-present) */
	unsigned long flags;
	enum ptw_cache cache;
};

struct maps_view {
	struct ptw_file *f;
	bool nonpresent;	/* also list non-present entries */
	bool show_pfn;
	enum maps_stage stage;
	unsigned long cursor;	/* where the walk resumes */
	unsigned long vma_start, vma_end;	/* VMA whose line was printed */
	unsigned long runs;
	struct maps_run run;
	char *path;		/* PATH_MAX scratch for d_path() */
};

/* The pages of a run after @va that a continuing entry must start with. */
static unsigned long pages_between(unsigned long from, unsigned long to)
{
	return (to - from) >> PAGE_SHIFT;
}

static bool run_continues(struct maps_view *v, const struct maps_run *n)
{
	const struct maps_run *r = &v->run;
	unsigned long skip = pages_between(r->start, n->start);

	if (!r->active || r->end != n->start || r->mapped != n->mapped ||
	    r->level != n->level || r->flags != n->flags || r->cache != n->cache)
		return false;
	if (r->mapped)
		return !v->show_pfn || r->pfn + skip == n->pfn;
	if (r->np.kind != n->np.kind || r->np.type != n->np.type)
		return false;
	if (r->np.kind == PTWNP_SWAP)
		return r->np.offset + skip == n->np.offset;
	if (r->np.has_pfn)
		return !v->show_pfn || r->np.pfn + skip == n->np.pfn;
	return r->np.offset == n->np.offset;
}

static void print_run(struct maps_view *v)
{
	const struct maps_run *r = &v->run;
	struct ptw_file *f = v->f;
	unsigned int shift = ptw_level_shift(r->level);
	char flags[160];

	ptw_format_flags(flags, sizeof(flags), r->flags);
	ptw_out(f, "run 0x%lx-0x%lx %s %lu ", r->start, r->end,
		ptw_size_name(r->level), (r->end - r->start) >> shift);
	if (r->mapped) {
		ptw_out(f, "mapped pa=0x%llx",
			v->show_pfn ? (u64)r->pfn << PAGE_SHIFT : 0ULL);
	} else if (r->np.kind == PTWNP_SWAP || r->np.kind == PTWNP_OTHER) {
		ptw_out(f, "%s type=%u offset=0x%lx", ptw_np_name(r->np.kind),
			r->np.type, r->np.offset);
	} else if (r->np.has_pfn) {
		ptw_out(f, "%s pa=0x%llx", ptw_np_name(r->np.kind),
			v->show_pfn ? (u64)r->np.pfn << PAGE_SHIFT : 0ULL);
	} else {
		ptw_out(f, "%s bits=0x%lx", ptw_np_name(r->np.kind),
			r->np.offset);
	}
	ptw_out(f, " flags=%s cache=%s\n", flags[0] ? flags : "-",
		ptw_cache_name(r->cache));
	v->runs++;
}

/* Print the pending run if there is one; false if it does not fit. */
static bool flush_run(struct maps_view *v)
{
	if (!v->run.active)
		return true;
	if (!ptw_out_room(v->f, RUN_LINE_MAX))
		return false;
	print_run(v);
	v->run.active = false;
	return true;
}

static int maps_entry(struct ptw_walk *w, const struct ptw_entry *e)
{
	struct maps_view *v = w->private;
	struct maps_run n = { .active = true };

	if (e->kind == PTW_LEAF) {
		n.mapped = true;
		n.pfn = e->pfn + pages_between(e->base, e->va);
	} else if (e->kind == PTW_NONPRESENT && v->nonpresent) {
		ptw_decode_nonpresent(e, &n.np);
		if (n.np.kind == PTWNP_SWAP)
			n.np.offset += pages_between(e->base, e->va);
		else if (n.np.has_pfn)
			n.np.pfn += pages_between(e->base, e->va);
	} else {
		return PTW_CONTINUE;	/* none, tables, hidden non-present */
	}
	n.level = e->level;
	n.start = e->va;
	n.end = e->end;
	n.flags = ptw_decode_flags(e);
	n.cache = ptw_decode_cache(e);

	if (run_continues(v, &n)) {
		v->run.end = n.end;
		return PTW_CONTINUE;
	}
	if (!flush_run(v))
		return PTW_STOP;	/* buffer full: resume at this entry */
	v->run = n;
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

/* Names may hold newlines; escape them (and backslashes) as \ooo. */
static void print_escaped(struct ptw_file *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\\')
			ptw_out(f, "\\%03o", (unsigned char)*s);
		else
			ptw_out(f, "%c", *s);
	}
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

	if (vma->vm_start == v->vma_start && vma->vm_end == v->vma_end)
		return PTW_CONTINUE;	/* a resumed walk inside the same VMA */
	if (!flush_run(v))
		return PTW_STOP;
	name = vma_name(v, vma);
	if (!ptw_out_room(f, VMA_LINE_BASE + 4 * strlen(name)))
		return PTW_STOP;
	if (file) {
		struct inode *inode = file_inode(file);

		dev = inode->i_sb->s_dev;
		ino = inode->i_ino;
		pgoff = (u64)vma->vm_pgoff << PAGE_SHIFT;
	}
	ptw_out(f, "vma %08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		vma->vm_start, vma->vm_end,
		vma->vm_flags & VM_READ ? 'r' : '-',
		vma->vm_flags & VM_WRITE ? 'w' : '-',
		vma->vm_flags & VM_EXEC ? 'x' : '-',
		vma->vm_flags & VM_MAYSHARE ? 's' : 'p',
		pgoff, MAJOR(dev), MINOR(dev), ino);
	print_escaped(f, name);
	ptw_out(f, "\n");
	v->vma_start = vma->vm_start;
	v->vma_end = vma->vm_end;
	return PTW_CONTINUE;
}

static const struct ptw_ops maps_ops = {
	.vma = maps_vma,
	.entry = maps_entry,
};

static void maps_rewind(struct ptw_file *f)
{
	struct maps_view *v = f->view;

	v->stage = MAPS_HEADER;
	v->cursor = 0;
	v->vma_start = 0;
	v->vma_end = 0;
	v->runs = 0;
	v->run.active = false;
}

static int maps_fill(struct ptw_file *f)
{
	struct maps_view *v = f->view;
	struct ptw_walk w = { .ops = &maps_ops, .private = v };
	struct mm_struct *mm;
	pid_t nr;
	int ret;

	switch (v->stage) {
	case MAPS_HEADER:
		mm = ptw_target_mm(f, &nr);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
		mmput(mm);
		v->show_pfn = ptw_show_pfn(f);
		ptw_out(f, "ptwalk-maps 1\n");
		ptw_out(f, "target pid=%d levels=%d pfn=%s nonpresent=%s\n", nr,
			ptw_paging_levels(), v->show_pfn ? "shown" : "hidden",
			v->nonpresent ? "on" : "off");
		v->stage = MAPS_WALK;
		return 0;
	case MAPS_WALK:
		mm = ptw_target_mm(f, NULL);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
		w.mm = mm;
		ret = ptw_walk_user(&w, v->cursor, TASK_SIZE_MAX);
		mmput(mm);
		v->cursor = w.next;
		if (ret == PTW_STOP)
			return 0;	/* buffer full; the next fill resumes */
		if (ret < 0)
			return ret;
		v->stage = MAPS_TAIL;
		return 0;
	case MAPS_TAIL:
		/* A fill starts with an empty buffer: the tail always fits. */
		flush_run(v);
		ptw_out(f, "end runs=%lu\n", v->runs);
		v->stage = MAPS_DONE;
		fallthrough;
	default:
		f->eof = true;
		return 0;
	}
}

static const struct ptw_view_ops maps_view_ops = {
	.fill = maps_fill,
	.rewind = maps_rewind,
};

static int maps_open(struct inode *inode, struct file *file)
{
	struct maps_view *v = kzalloc(sizeof(*v), GFP_KERNEL);
	int ret;

	if (!v)
		return -ENOMEM;
	v->path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!v->path) {
		ret = -ENOMEM;
		goto err_free_view;
	}
	ret = ptw_file_open(file, &maps_view_ops, v);
	if (ret)
		goto err_free_path;
	v->f = file->private_data;
	maps_rewind(v->f);
	return 0;

err_free_path:
	kfree(v->path);
err_free_view:
	kfree(v);
	return ret;
}

static int maps_release(struct inode *inode, struct file *file)
{
	struct ptw_file *f = file->private_data;
	struct maps_view *v = f->view;

	ptw_file_release(f);
	kfree(v->path);
	kfree(v);
	return 0;
}

/*
 * Requests: "PID" retargets the file; "self" targets the opener again;
 * "nonpresent on|off" lists non-present entries too. Each rewinds.
 */
static ssize_t maps_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct ptw_file *f = file->private_data;
	struct maps_view *v = f->view;
	char req[PTW_REQ_MAX];
	pid_t nr;
	int ret;

	ret = ptw_copy_request(ubuf, count, req);
	if (ret)
		return ret;
	if (mutex_lock_killable(&f->lock))
		return -EINTR;
	if (!strcmp(req, "nonpresent on")) {
		v->nonpresent = true;
	} else if (!strcmp(req, "nonpresent off")) {
		v->nonpresent = false;
	} else if (!strcmp(req, "self")) {
		put_pid(f->target);
		f->target = get_pid(f->opener);
	} else {
		ret = ptw_parse_pid(req, &nr);
		if (!ret)
			ret = ptw_set_target(f, nr);
	}
	if (!ret) {
		ptw_file_rewind(f);
		file->f_pos = 0;
	}
	mutex_unlock(&f->lock);
	return ret ? ret : count;
}

static const struct proc_ops maps_proc_ops = {
	.proc_open = maps_open,
	.proc_read = ptw_file_read,
	.proc_write = maps_write,
	.proc_lseek = ptw_file_lseek,
	.proc_release = maps_release,
};

int ptwalk_maps_init(struct proc_dir_entry *dir)
{
	if (!proc_create("maps", 0666, dir, &maps_proc_ops))
		return -ENOMEM;
	return 0;
}
