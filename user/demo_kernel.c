// SPDX-License-Identifier: GPL-2.0
/*
 * Demo steps 9-10: the kernel half and kernel allocations. Step 9 reads
 * /proc/ptwalk/sharing before and after a fork: the child gets a top-level
 * table of its own whose kernel slots point to the same tables as
 * everyone's. Step 10 asks /proc/ptwalk/alloc for kmalloc(100), an order-2
 * block and vmalloc(64K), shows where they landed, and closes the file,
 * which frees them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "fmt.h"
#include "procfile.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"

/* ---- step 9 ---------------------------------------------------------- */

struct half_data {
	struct pt_sharing before, after;
};

static bool print_half(const struct step *s)
{
	const struct half_data *d = s->data;

	printf("%s-- before fork%s\n", col(C_CYAN), col(C_RESET));
	print_sharing(stdout, &d->before, true, "   ");
	printf("%s-- after fork%s (the child is waiting)\n", col(C_CYAN), col(C_RESET));
	print_sharing(stdout, &d->after, true, "   ");
	return true;
}

static void json_half(struct json *j, const struct step *s)
{
	const struct half_data *d = s->data;

	json_arr(j, "sharing");
	json_obj(j, NULL);
	json_str(j, "label", "before fork");
	json_sharing_members(j, &d->before);
	json_end(j);
	json_obj(j, NULL);
	json_str(j, "label", "after fork");
	json_sharing_members(j, &d->after);
	json_end(j);
	json_end(j);
}

/* Exceptions of @pid, and those of others outside ldt-remap slots. */
static void count_exceptions(const struct pt_sharing *sh, pid_t pid,
			     unsigned long *of_pid, unsigned long *unexplained)
{
	size_t i, e;

	*of_pid = *unexplained = 0;
	for (i = 0; i < sh->nr_slots; i++) {
		const struct pt_slot *sl = &sh->slots[i];

		for (e = 0; e < sl->nr_exc; e++) {
			if (sl->exc[e].pid == pid)
				(*of_pid)++;
			else if (strcmp(sl->regions, "ldt-remap"))
				(*unexplained)++;
		}
	}
}

/* The top-level table of @pid, from a walk of any user address. */
static unsigned long long top_table(pid_t pid)
{
	struct pt_walk w;

	read_walk(pid, 0x400000, &w);
	return w.has_top ? w.top : 0;
}

void step_kernel_half(struct step *s)
{
	struct half_data *d = xalloc(sizeof(*d));
	unsigned long child_exc, other_exc;
	unsigned long long parent_top, child_top;
	int hold[2];
	pid_t child;
	char c;

	s->title = "the kernel half is shared by every process";
	s->does = "Read /proc/ptwalk/sharing: for every process, the module compares the "
		  "kernel slots (the upper half of its top-level table) with ptwalk's own. "
		  "Then fork a child that waits, and read it again: the child has a new "
		  "top-level table, yet each of its kernel slots points to the very same "
		  "next-level table as ptwalk's.";
	s->data = d;
	s->print_extra = print_half;
	s->json_extra = json_half;
	read_sharing(&d->before);
	demo_hold();
	if (pipe(hold))
		fatal(EXIT_FAIL, "pipe failed");
	fflush(stdout);
	child = fork();
	if (child < 0)
		fatal(EXIT_FAIL, "fork failed");
	if (child == 0) {
		close(hold[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(hold[0]);
	read_sharing(&d->after);
	parent_top = top_table(getpid());
	child_top = top_table(child);
	demo_hold();
	close(hold[1]);
	waitpid(child, NULL, 0);

	count_exceptions(&d->after, child, &child_exc, &other_exc);
	fact_uint(s, "child_pid", child);
	fact_hex(s, "parent_top", parent_top);
	fact_hex(s, "child_top", child_top);
	fact_uint(s, "processes_before", d->before.processes);
	fact_uint(s, "processes_after", d->after.processes);
	fact_uint(s, "slots_in_use", d->after.in_use);
	fact_uint(s, "slots_shared_by_all", d->after.shared_by_all);
	fact_uint(s, "child_exceptions", child_exc);
	fact_uint(s, "exceptions_outside_ldt_remap", other_exc);
	fact_uint(s, "kernel_tables", d->after.tables);
	fact_uint(s, "saved_bytes", d->after.saved_bytes);
	s->expected = !child_exc && !other_exc && parent_top != child_top &&
		      d->after.processes >= 2;
	snprintf(s->shows, sizeof(s->shows),
		 "the child got a top-level table of its own (0x%llx, ptwalk's is 0x%llx), "
		 "but all %lu kernel slots in use point to the same %lu table pages in "
		 "every one of the %lu processes%s: the kernel half is built once and "
		 "shared, which saves %llu KiB of page tables here.",
		 child_top, parent_top, d->after.in_use, d->after.tables,
		 d->after.processes,
		 d->after.shared_by_all == d->after.in_use ? "" :
		 " (except the documented per-process LDT remap slot)",
		 d->after.saved_bytes >> 10);
}

/* ---- step 10 --------------------------------------------------------- */

#define KMALLOC_SIZE	100
#define PAGES_ORDER	2
#define VMALLOC_SIZE	(64 * 1024)
#define VMALLOC_PAGES	(VMALLOC_SIZE / 4096)

struct alloc_data {
	struct pt_alloc_file before, held;
	unsigned long long after_close;
};

static bool print_allocs(const struct step *s)
{
	const struct alloc_data *d = s->data;

	printf("%s-- before%s: all alloc files hold %llu bytes\n", col(C_CYAN),
	       col(C_RESET), d->before.module_bytes);
	printf("%s-- after the requests%s\n", col(C_CYAN), col(C_RESET));
	print_alloc(stdout, &d->held, "   ");
	printf("%s-- after closing the file%s: all alloc files hold %llu bytes\n",
	       col(C_CYAN), col(C_RESET), d->after_close);
	return true;
}

static void json_allocs(struct json *j, const struct step *s)
{
	const struct alloc_data *d = s->data;

	json_obj(j, "alloc");
	json_alloc_members(j, &d->held);
	json_end(j);
	json_uint(j, "module_bytes_before", d->before.module_bytes);
	json_uint(j, "module_bytes_after_close", d->after_close);
}

static const struct pt_alloc *alloc_of(const struct pt_alloc_file *af, const char *kind)
{
	size_t i;

	for (i = 0; i < af->nr_allocs; i++)
		if (!strcmp(af->allocs[i].kind, kind))
			return &af->allocs[i];
	fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: no %s allocation listed", kind);
}

static bool kmalloc_facts(struct step *s, const struct pt_alloc *k)
{
	const struct pt_aitem *o = k->nr_items ? &k->items[0] : NULL;

	fact_uint(s, "kmalloc_size", k->size);
	fact_uint(s, "kmalloc_bucket", k->bucket);
	if (!o)
		return false;
	fact_hex(s, "kmalloc_va", o->va);
	fact_str(s, "kmalloc_region", o->region);
	fact_hex(s, "kmalloc_pa", o->pa);
	fact_uint(s, "kmalloc_ksize", o->ksize);
	return k->bucket == 128 && !strcmp(o->region, "direct-map") && o->has_pa;
}

static bool pages_facts(struct step *s, const struct pt_alloc *p)
{
	bool aligned = p->has_pa && !(p->pa & ((4096ULL << p->order) - 1));

	fact_uint(s, "pages_order", p->order);
	fact_hex(s, "pages_va", p->va);
	fact_hex(s, "pages_pa", p->pa);
	fact_hex(s, "pages_pfn_first", p->pfn_first);
	fact_hex(s, "pages_pfn_last", p->pfn_last);
	fact_uint(s, "pages_runs", p->runs);
	fact_bool(s, "pages_pa_aligned", aligned);
	return p->pages == 4 && p->runs == 1 && aligned &&
	       p->pfn_last - p->pfn_first == 3 && !p->mismatch;
}

static bool vmalloc_facts(struct step *s, const struct pt_alloc *v)
{
	fact_uint(s, "vmalloc_size", v->size);
	fact_hex(s, "vmalloc_va", v->va);
	fact_uint(s, "vmalloc_pages", v->pages);
	fact_uint(s, "vmalloc_runs", v->runs);
	fact_bool(s, "vmalloc_contiguous", v->runs == 1);
	return v->pages == VMALLOC_PAGES && v->nr_items == VMALLOC_PAGES &&
	       !strcmp(v->region, "vmalloc");
}

/* How the frames of vmalloc @v lie, in words, honestly. */
static const char *vmalloc_story(const struct pt_alloc *v, char *buf, size_t sz)
{
	unsigned long long lo = ~0ULL, hi = 0;
	size_t i;

	for (i = 0; i < v->nr_items; i++) {
		if (!v->items[i].has_pa)
			continue;
		lo = v->items[i].pa < lo ? v->items[i].pa : lo;
		hi = v->items[i].pa > hi ? v->items[i].pa : hi;
	}
	if (v->runs == 1)
		return "this time their frames happened to be contiguous too (vmalloc does not promise it)";
	if (hi - lo == (v->pages - 1) * 4096ULL) {
		snprintf(buf, sz, "their frames, though they happen to fill one block of %u frames, "
			 "are not in virtual order (%u runs): the page allocator hands single "
			 "pages out of its free lists, and vmalloc maps whatever it gets",
			 v->pages, v->runs);
		return buf;
	}
	snprintf(buf, sz, "their frames are scattered in %u separate runs of consecutive "
		 "frames: vmalloc maps whatever single pages the allocator gives it", v->runs);
	return buf;
}

void step_kernel_alloc(struct step *s)
{
	char story[256];
	static const char *const reqs[] = { "kmalloc 100", "pages 2", "vmalloc 64K" };
	struct alloc_data *d = xalloc(sizeof(*d));
	const struct pt_alloc *k, *p, *v;
	bool ok;
	size_t i;
	int fd;

	s->title = "kernel allocations: kmalloc buckets, pages, vmalloc";
	s->does = "Ask the module (/proc/ptwalk/alloc) for kmalloc(100), one order-2 block "
		  "from alloc_pages() and vmalloc(64K), and list where each landed: virtual "
		  "address, region, and the frames the page tables map it to (checked "
		  "against virt_to_phys()/vmalloc_to_pfn()). Closing the file frees them.";
	s->data = d;
	s->print_extra = print_allocs;
	s->json_extra = json_allocs;
	fd = alloc_open();
	alloc_list(fd, &d->before);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		alloc_request(fd, reqs[i]);
	alloc_list(fd, &d->held);
	demo_hold();
	close(fd);
	fd = alloc_open();
	{
		struct pt_alloc_file now;

		alloc_list(fd, &now);
		d->after_close = now.module_bytes;
	}
	close(fd);

	k = alloc_of(&d->held, "kmalloc");
	p = alloc_of(&d->held, "pages");
	v = alloc_of(&d->held, "vmalloc");
	ok = kmalloc_facts(s, k);
	ok &= pages_facts(s, p);
	ok &= vmalloc_facts(s, v);
	fact_uint(s, "module_bytes_before", d->before.module_bytes);
	fact_uint(s, "module_bytes_held", d->held.module_bytes);
	fact_uint(s, "module_bytes_after_close", d->after_close);
	s->expected = ok && d->after_close == d->before.module_bytes;
	snprintf(s->shows, sizeof(s->shows),
		 "kmalloc(%d) is served by the %lu-byte bucket, in the direct map (pa = va - "
		 "its base); the order-%u block is %u consecutive frames 0x%llx-0x%llx%s; "
		 "vmalloc(64K)'s %u pages are virtually contiguous but %s; closing the file "
		 "gave every byte back.",
		 KMALLOC_SIZE, k->bucket, p->order, p->pages, p->pfn_first, p->pfn_last,
		 p->pa & ((4096ULL << p->order) - 1) ? "" : " (16K-aligned, as the buddy allocator aligns a block to its size)",
		 v->pages, vmalloc_story(v, story, sizeof(story)));
}
