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
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "fmt.h"
#include "procfile.h"
#include "ptwalk.h"
#include "json.h"
#include "parse.h"
#include "ptwfmt.h"
#include "render.h"
#include "source.h"
#include "table.h"

/* ---- step 9 ---------------------------------------------------------- */

/* The lines of /proc/ptwalk/sharing before and after the fork. */
struct half_data {
	char *before, *after;
};

/* A run of consecutive slots in which no process differs, folded into one row. */
struct fold {
	char tag[16], first[LINE_BUF], start[24], end[24], mapped[16], same[16];
	char kernel[16], regions[192];
	unsigned long long index, last, tables;
	bool has_tables;
	int n;
};

static bool foldable(const struct ptw_line *l)
{
	return (!strcmp(l->tag, "slot") || !strcmp(l->tag, "user-slot")) &&
	       !field_num(l, "differ", "sharing");
}

/* Does slot @l continue the fold @f? */
static bool folds_into(const struct fold *f, const struct ptw_line *l)
{
	const char *k = ptw_get(l, "kernel");

	return f->n && !strcmp(f->tag, l->tag) &&
	       field_num(l, "index", "sharing") == f->last + 1 &&
	       !strcmp(field(l, "mapped", "sharing"), f->mapped) &&
	       !strcmp(field(l, "same", "sharing"), f->same) &&
	       !strcmp(field(l, "regions", "sharing"), f->regions) &&
	       !strcmp(k ? k : "", f->kernel) && !ptw_get(l, "tables") == !f->has_tables;
}

static char *flush(struct fold *f, char *o)
{
	if (f->n == 1)
		o += sprintf(o, "%s", f->first);
	else if (f->n)
		o += sprintf(o, "%s index=%llu-%llu start=%s end=%s next=one-each%s%s mapped=%s same=%s differ=0",
			     f->tag, f->index, f->last, f->start, f->end, f->kernel[0] ? " kernel=" : "",
			     f->kernel, f->mapped, f->same);
	if (f->n > 1 && f->has_tables)
		o += sprintf(o, " tables=%llu", f->tables);
	if (f->n > 1)
		o += sprintf(o, " regions=%s\n", f->regions);
	f->n = 0;
	return o;
}

/*
 * @body with each run of consecutive slots alike in which no process
 * differs in one row, as "INDEX-INDEX" (next=one-each: each slot has its
 * own next-level table, shared by all): on 5-level paging they are dozens.
 */
static void print_folded(const char *body)
{
	char *out = xalloc(2 * strlen(body) + 1), *o = out, buf[LINE_BUF];
	struct fold *f = xalloc(sizeof(*f));
	struct ptw_line l;
	const char *p, *e, *k, *t;

	f->n = 0;
	for (p = body; *p; p = e) {
		e = line_after(p);
		split_line(p, buf, &l, "sharing");
		if (foldable(&l) && folds_into(f, &l)) {
			f->last = field_num(&l, "index", "sharing");
			snprintf(f->end, sizeof(f->end), "%s", field(&l, "end", "sharing"));
			t = ptw_get(&l, "tables");
			f->tables += t ? strtoull(t, NULL, 0) : 0;
			f->n++;
			continue;
		}
		o = flush(f, o);
		if (!foldable(&l)) {
			memcpy(o, p, e - p);
			o += e - p;
			continue;
		}
		snprintf(f->first, sizeof(f->first), "%.*s", (int)(e - p), p);
		snprintf(f->tag, sizeof(f->tag), "%s", l.tag);
		f->index = f->last = field_num(&l, "index", "sharing");
		snprintf(f->start, sizeof(f->start), "%s", field(&l, "start", "sharing"));
		snprintf(f->end, sizeof(f->end), "%s", field(&l, "end", "sharing"));
		snprintf(f->mapped, sizeof(f->mapped), "%s", field(&l, "mapped", "sharing"));
		snprintf(f->same, sizeof(f->same), "%s", field(&l, "same", "sharing"));
		snprintf(f->regions, sizeof(f->regions), "%s", field(&l, "regions", "sharing"));
		k = ptw_get(&l, "kernel");
		snprintf(f->kernel, sizeof(f->kernel), "%s", k ? k : "");
		t = ptw_get(&l, "tables");
		f->has_tables = t;
		f->tables = t ? strtoull(t, NULL, 0) : 0;
		f->n = 1;
	}
	flush(f, o);
	print_lines(stdout, "sharing", out, sharing_view.notes);
}

static bool print_half(const struct step *s)
{
	const struct half_data *d = s->data;

	printf("%s-- before fork%s\n", col(C_CYAN), col(C_RESET));
	print_folded(d->before);
	printf("%s-- after fork%s (the child is waiting)\n", col(C_CYAN), col(C_RESET));
	print_folded(d->after);
	return true;
}

static void json_half(struct json *j, const struct step *s)
{
	const struct half_data *d = s->data;

	json_arr(j, "sharing");
	json_obj(j, NULL);
	json_str(j, "label", "before fork");
	json_lines(j, "sharing", d->before);
	json_end(j);
	json_obj(j, NULL);
	json_str(j, "label", "after fork");
	json_lines(j, "sharing", d->after);
	json_end(j);
	json_end(j);
}

/* Exceptions of @pid, and those of others outside ldt-remap slots. */
static void count_exceptions(const char *body, pid_t pid, unsigned long *of_pid,
			     unsigned long *unexplained)
{
	char buf[LINE_BUF];
	bool ldt = false;
	struct ptw_line l;
	const char *p;

	*of_pid = *unexplained = 0;
	for (p = body; *p; p = line_after(p)) {
		split_line(p, buf, &l, "sharing");
		if (!strcmp(l.tag, "slot") || !strcmp(l.tag, "user-slot"))
			ldt = !strcmp(field(&l, "regions", "sharing"), "ldt-remap");
		else if (strcmp(l.tag, "exception") && strcmp(l.tag, "user-exception"))
			continue;
		else if (field_num(&l, "pid", "sharing") == (unsigned long long)pid)
			(*of_pid)++;
		else if (!ldt)
			(*unexplained)++;
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
	unsigned long long parent_top, child_top, procs, in_use, by_all, tables, saved;
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
	d->before = read_sharing();
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
	d->after = read_sharing();
	parent_top = top_table(getpid());
	child_top = top_table(child);
	demo_hold();
	close(hold[1]);
	waitpid(child, NULL, 0);

	count_exceptions(d->after, child, &child_exc, &other_exc);
	procs = body_num(d->after, "sharing", "total", "processes");
	in_use = body_num(d->after, "sharing", "total", "slots");
	by_all = body_num(d->after, "sharing", "total", "shared_by_all");
	tables = body_num(d->after, "sharing", "total", "tables");
	saved = body_num(d->after, "sharing", "total", "saved_bytes");
	fact_uint(s, "child_pid", child);
	fact_hex(s, "parent_top", parent_top);
	fact_hex(s, "child_top", child_top);
	fact_uint(s, "processes_before", body_num(d->before, "sharing", "total", "processes"));
	fact_uint(s, "processes_after", procs);
	fact_uint(s, "slots_in_use", in_use);
	fact_uint(s, "slots_shared_by_all", by_all);
	fact_uint(s, "child_exceptions", child_exc);
	fact_uint(s, "exceptions_outside_ldt_remap", other_exc);
	fact_uint(s, "kernel_tables", tables);
	fact_uint(s, "saved_bytes", saved);
	s->expected = !child_exc && !other_exc && parent_top != child_top && procs >= 2;
	snprintf(s->shows, sizeof(s->shows),
		 "the child got a top-level table of its own (0x%llx, ptwalk's is 0x%llx), "
		 "but all %llu kernel slots in use point to the same %llu table pages in "
		 "every one of the %llu processes%s: the kernel half is built once and "
		 "shared, which saves %llu KiB of page tables here.",
		 child_top, parent_top, in_use, tables, procs,
		 by_all == in_use ? "" : " (except the documented per-process LDT remap slot)",
		 saved >> 10);
}

/* ---- step 10 --------------------------------------------------------- */

#define KMALLOC_SIZE	100
#define PAGES_ORDER	2
#define VMALLOC_SIZE	(64 * 1024)
#define VMALLOC_PAGES	(VMALLOC_SIZE / 4096)

/* The listings of /proc/ptwalk/alloc: before the requests and holding them. */
struct alloc_data {
	char *before, *held;
	unsigned long long after_close;
};

static bool print_allocs(const struct step *s)
{
	const struct alloc_data *d = s->data;

	printf("%s-- before%s: all alloc files hold %llu bytes\n", col(C_CYAN), col(C_RESET),
	       body_num(d->before, "alloc", "file", "module_bytes"));
	printf("%s-- after the requests%s\n", col(C_CYAN), col(C_RESET));
	print_lines(stdout, "alloc", d->held, alloc_notes);
	printf("%s-- after closing the file%s: all alloc files hold %llu bytes\n",
	       col(C_CYAN), col(C_RESET), d->after_close);
	return true;
}

static void json_allocs(struct json *j, const struct step *s)
{
	const struct alloc_data *d = s->data;

	json_obj(j, "alloc");
	json_lines(j, "alloc", d->held);
	json_end(j);
	json_uint(j, "module_bytes_before", body_num(d->before, "alloc", "file", "module_bytes"));
	json_uint(j, "module_bytes_after_close", d->after_close);
}

/* An allocation's line (and its id) in @l, split into @buf (LINE_BUF). */
static void alloc_of(const char *body, const char *kind, char *buf, struct ptw_line *l)
{
	const char *p;

	for (p = body; *p; p = line_after(p)) {
		split_line(p, buf, l, "alloc");
		if (!strcmp(l->tag, "alloc") && !strcmp(field(l, "kind", "alloc"), kind))
			return;
	}
	fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: no %s allocation listed", kind);
}

/* "pa=0x..." of @l, or none: has is false. */
static unsigned long long pa_of(const struct ptw_line *l, bool *has)
{
	unsigned long long pa = 0;

	*has = ptw_get(l, "pa") && !ptw_num(ptw_get(l, "pa"), &pa);
	return pa;
}

/*
 * The @tag lines under allocation @id: how many, the first in @first
 * (split into @buf), the lowest and highest frame addresses.
 */
static size_t items_of(const char *body, const char *tag, unsigned long long id,
		       char *buf, struct ptw_line *first, unsigned long long *lo,
		       unsigned long long *hi)
{
	char lbuf[LINE_BUF];
	unsigned long long pa;
	struct ptw_line l;
	const char *p;
	size_t n = 0;
	bool has;

	*lo = ~0ULL;
	*hi = 0;
	for (p = body; *p; p = line_after(p)) {
		split_line(p, lbuf, &l, "alloc");
		if (strcmp(l.tag, tag) || field_num(&l, "id", "alloc") != id)
			continue;
		if (!n++)
			split_line(p, buf, first, "alloc");
		pa = pa_of(&l, &has);
		if (has) {
			*lo = pa < *lo ? pa : *lo;
			*hi = pa > *hi ? pa : *hi;
		}
	}
	return n;
}

static bool kmalloc_facts(struct step *s, const char *body, unsigned long long *bucket)
{
	char buf[LINE_BUF], obuf[LINE_BUF];
	unsigned long long lo, hi, pa;
	struct ptw_line k, o;
	const char *region;
	bool has;

	alloc_of(body, "kmalloc", buf, &k);
	*bucket = field_num(&k, "bucket", "alloc");
	fact_uint(s, "kmalloc_size", field_num(&k, "size", "alloc"));
	fact_uint(s, "kmalloc_bucket", *bucket);
	if (!items_of(body, "object", field_num(&k, "id", "alloc"), obuf, &o, &lo, &hi))
		return false;
	region = field(&o, "region", "alloc");
	pa = pa_of(&o, &has);
	fact_hex(s, "kmalloc_va", field_num(&o, "va", "alloc"));
	fact_str(s, "kmalloc_region", region);
	fact_hex(s, "kmalloc_pa", pa);
	fact_uint(s, "kmalloc_ksize", field_num(&o, "ksize", "alloc"));
	return *bucket == 128 && !strcmp(region, "direct-map") && has;
}

/* The order-2 block: its facts, and its part of the story in @story. */
static bool pages_facts(struct step *s, const char *body, char *story, size_t sz)
{
	unsigned long long order, pa, first = 0, last = 0, runs, pages;
	char buf[LINE_BUF];
	struct ptw_line p;
	bool has, aligned;

	alloc_of(body, "pages", buf, &p);
	order = field_num(&p, "order", "alloc");
	pages = field_num(&p, "pages", "alloc");
	runs = field_num(&p, "runs", "alloc");
	pa = pa_of(&p, &has);
	aligned = has && !(pa & ((4096ULL << order) - 1));
	ptw_range(field(&p, "pfns", "alloc"), &first, &last);
	fact_uint(s, "pages_order", order);
	fact_hex(s, "pages_va", field_num(&p, "va", "alloc"));
	fact_hex(s, "pages_pa", pa);
	fact_hex(s, "pages_pfn_first", first);
	fact_hex(s, "pages_pfn_last", last);
	fact_uint(s, "pages_runs", runs);
	fact_bool(s, "pages_pa_aligned", aligned);
	snprintf(story, sz, "the order-%llu block is %llu consecutive frames 0x%llx-0x%llx%s",
		 order, pages, first, last,
		 aligned ? " (16K-aligned, as the buddy allocator aligns a block to its size)" : "");
	return pages == 4 && runs == 1 && aligned && last - first == 3 &&
	       !ptw_get(&p, "mismatch");
}

/* vmalloc(64K): its facts, and how its frames lie, in words, honestly. */
static bool vmalloc_facts(struct step *s, const char *body, char *story, size_t sz)
{
	unsigned long long pages, runs, lo, hi;
	char buf[LINE_BUF], pbuf[LINE_BUF];
	struct ptw_line v, pg;
	size_t items;
	bool ok;

	alloc_of(body, "vmalloc", buf, &v);
	pages = field_num(&v, "pages", "alloc");
	runs = field_num(&v, "runs", "alloc");
	items = items_of(body, "page", field_num(&v, "id", "alloc"), pbuf, &pg, &lo, &hi);
	fact_uint(s, "vmalloc_size", field_num(&v, "size", "alloc"));
	fact_hex(s, "vmalloc_va", field_num(&v, "va", "alloc"));
	fact_uint(s, "vmalloc_pages", pages);
	fact_uint(s, "vmalloc_runs", runs);
	fact_bool(s, "vmalloc_contiguous", runs == 1);
	ok = pages == VMALLOC_PAGES && items == VMALLOC_PAGES &&
	     !strcmp(field(&v, "region", "alloc"), "vmalloc");
	if (runs == 1)
		snprintf(story, sz, "this time their frames happened to be contiguous too (vmalloc does not promise it)");
	else if (hi - lo == (pages - 1) * 4096ULL)
		snprintf(story, sz, "their frames, though they happen to fill one block of %llu frames, "
			 "are not in virtual order (%llu runs): the page allocator hands single "
			 "pages out of its free lists, and vmalloc maps whatever it gets",
			 pages, runs);
	else
		snprintf(story, sz, "their frames are scattered in %llu separate runs of consecutive "
			 "frames: vmalloc maps whatever single pages the allocator gives it", runs);
	return ok;
}

void step_kernel_alloc(struct step *s)
{
	char pstory[160], vstory[256];
	static const char *const reqs[] = { "kmalloc 100", "pages 2", "vmalloc 64K" };
	struct alloc_data *d = xalloc(sizeof(*d));
	unsigned long long bucket, before, held;
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
	d->before = alloc_list(fd);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		alloc_request(fd, reqs[i]);
	d->held = alloc_list(fd);
	demo_hold();
	close(fd);
	fd = alloc_open();
	d->after_close = body_num(alloc_list(fd), "alloc", "file", "module_bytes");
	close(fd);

	before = body_num(d->before, "alloc", "file", "module_bytes");
	held = body_num(d->held, "alloc", "file", "module_bytes");
	ok = kmalloc_facts(s, d->held, &bucket);
	ok &= pages_facts(s, d->held, pstory, sizeof(pstory));
	ok &= vmalloc_facts(s, d->held, vstory, sizeof(vstory));
	fact_uint(s, "module_bytes_before", before);
	fact_uint(s, "module_bytes_held", held);
	fact_uint(s, "module_bytes_after_close", d->after_close);
	s->expected = ok && d->after_close == before;
	snprintf(s->shows, sizeof(s->shows),
		 "kmalloc(%d) is served by the %llu-byte bucket, in the direct map (pa = va - "
		 "its base); %s; vmalloc(64K)'s %d pages are virtually contiguous but %s; "
		 "closing the file gave every byte back.",
		 KMALLOC_SIZE, bucket, pstory, VMALLOC_PAGES, vstory);
}
