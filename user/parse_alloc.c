// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for /proc/ptwalk/alloc (docs/interface.md): a
 * "file" line, then per allocation its "alloc" line followed by its
 * "object" (kmalloc) or "page" (vmalloc) lines and its "share" (kmalloc)
 * or "run" (vmalloc) lines, then "end". Every line after "file" names its
 * allocation's id, which must be the one of the "alloc" line above it.
 */
#include <string.h>

#include "parse.h"
#include "ptwalk.h"
#include "ptwfmt.h"

static unsigned long long num(const struct ptw_line *l, const char *key)
{
	return field_num(l, key, "alloc");
}

/* "FIRST-LAST", both numbers. */
static void pfn_range(const char *v, unsigned long long *first, unsigned long long *last)
{
	if (ptw_range(v, first, last) || *last < *first)
		bad_line_here("alloc");
}

/* pa=0x...|none */
static void pa_field(const struct ptw_line *l, bool *has, unsigned long long *pa)
{
	const char *v = field(l, "pa", "alloc");

	*has = strcmp(v, "none") != 0;
	*pa = *has ? parse_num(v, "alloc") : 0;
}

static void alloc_file_line(const struct ptw_line *l, struct pt_alloc_file *af)
{
	af->allocations = num(l, "allocations");
	af->bytes = num(l, "bytes");
	af->cap = num(l, "cap");
	af->max_allocations = num(l, "max_allocations");
	af->module_bytes = num(l, "module_bytes");
	af->module_cap = num(l, "module_cap");
}

/* alloc id=N kind=K ...: the fields each kind documents are required. */
static void alloc_line(const struct ptw_line *l, struct pt_alloc *a)
{
	const char *pfns;

	a->id = num(l, "id");
	copy_field(a->kind, sizeof(a->kind), field(l, "kind", "alloc"), "alloc");
	a->bytes = num(l, "bytes");
	if (!strcmp(a->kind, "kmalloc")) {
		a->size = num(l, "size");
		a->count = num(l, "count");
		a->bucket = num(l, "bucket");
		return;
	}
	if (strcmp(a->kind, "pages") && strcmp(a->kind, "vmalloc"))
		bad_line_here("alloc");
	a->pages = num(l, "pages");
	a->count = a->pages;
	a->has_va = true;
	a->va = num(l, "va");
	copy_field(a->region, sizeof(a->region), field(l, "region", "alloc"), "alloc");
	a->runs = num(l, "runs");
	if (!strcmp(a->kind, "vmalloc")) {
		a->size = num(l, "size");
		return;
	}
	a->order = num(l, "order");
	pa_field(l, &a->has_pa, &a->pa);
	pfns = field(l, "pfns", "alloc");
	pfn_range(pfns, &a->pfn_first, &a->pfn_last);
	a->has_pfns = a->has_pa;
	if (field_on(l, "mismatch")) {
		a->mismatch = true;
		a->mismatch_index = num(l, "index");
		a->helper = num(l, "helper");
	}
}

/* object id= index= va= region= pa= ksize= | page id= index= va= pa= */
static void item_line(const struct ptw_line *l, struct pt_aitem *it, bool object)
{
	it->index = num(l, "index");
	it->va = num(l, "va");
	pa_field(l, &it->has_pa, &it->pa);
	if (object) {
		copy_field(it->region, sizeof(it->region), field(l, "region", "alloc"),
			   "alloc");
		it->ksize = num(l, "ksize");
	}
	if (field_on(l, "mismatch")) {
		it->mismatch = true;
		it->helper = num(l, "helper");
	}
}

/* "a,b,c" into @out (at most PT_ALLOC_COUNT_MAX); returns how many. */
static unsigned int num_list(const char *csv, unsigned long long *out)
{
	char buf[1024], *p = buf, *item;
	unsigned int n = 0;

	if (!csv || strlen(csv) >= sizeof(buf))
		bad_line_here("alloc");
	strcpy(buf, csv);
	while ((item = strsep(&p, ","))) {
		if (n == PT_ALLOC_COUNT_MAX)
			bad_line_here("alloc");
		out[n++] = parse_num(item, "alloc");
	}
	return n;
}

/* share id= pfn= count= objects=I,J offsets=0x..,0x.. */
static void share_line(const struct ptw_line *l, struct pt_ashare *s)
{
	unsigned long long objs[PT_ALLOC_COUNT_MAX];
	unsigned int i, no;

	s->pfn = num(l, "pfn");
	s->count = num(l, "count");
	no = num_list(field(l, "objects", "alloc"), objs);
	if (num_list(field(l, "offsets", "alloc"), s->offsets) != no ||
	    no != s->count)
		bad_line_here("alloc");
	for (i = 0; i < no; i++)
		s->objects[i] = objs[i];
}

/*
 * run start= end= size= pages= kind=mapped pa= ... (the merger's run line)
 * of vmalloc area @a: which of its pages, and their frames.
 */
static void run_line(const struct ptw_line *l, const struct pt_alloc *a,
		     struct pt_arun *r)
{
	unsigned long long start = num(l, "start"), pa = num(l, "pa");

	if (start < a->va || (start - a->va) % 4096)
		bad_line_here("alloc");
	r->index = (start - a->va) / 4096;
	r->pages = num(l, "pages");
	r->has_pfns = true;
	r->first = pa / 4096;
	r->last = r->first + r->pages - 1;
}

/* @a's lines of one kind are consecutive: point at the first one. */
#define ATTACH(a, field, nr, elem)					\
	do {								\
		if (!(a)->nr)						\
			(a)->field = (elem);				\
		(a)->nr++;						\
	} while (0)

void parse_alloc(char *text, struct pt_alloc_file *af)
{
	char *rest = parse_version(text, "alloc"), *line;
	size_t nitems = 0, nshares = 0, nruns = 0, maxallocs, maxitems, maxshares, maxruns;
	struct pt_aitem *items;
	struct pt_ashare *shares;
	struct pt_arun *runs;
	struct pt_alloc *a = NULL;
	bool ended = false, file = false;
	struct ptw_line l;

	memset(af, 0, sizeof(*af));
	af->lines = xstrdup(rest);	/* for JSON by the line rule */
	maxallocs = count_lines(rest, "alloc ");
	maxitems = count_lines(rest, "object ") + count_lines(rest, "page ");
	maxshares = count_lines(rest, "share ");
	maxruns = count_lines(rest, "run ");
	af->allocs = xalloc((maxallocs + 1) * sizeof(*af->allocs));
	items = xalloc((maxitems + 1) * sizeof(*items));
	shares = xalloc((maxshares + 1) * sizeof(*shares));
	runs = xalloc((maxruns + 1) * sizeof(*runs));
	while ((line = ptw_next_line(&rest))) {
		parse_line(line, &l, "alloc");
		if (ended)
			bad_line_here("alloc");
		if (!strcmp(l.tag, "file")) {
			alloc_file_line(&l, af);
			file = true;
		} else if (!strcmp(l.tag, "alloc") && af->nr_allocs < maxallocs) {
			a = &af->allocs[af->nr_allocs++];
			alloc_line(&l, a);
		} else if (!strcmp(l.tag, "end")) {
			if (num(&l, "allocations") != af->nr_allocs)
				fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: 'end allocations=%s' but %zu alloc lines",
				      ptw_get(&l, "allocations"), af->nr_allocs);
			ended = true;
		} else if (!strcmp(l.tag, "run") && a && !strcmp(a->kind, "vmalloc") && nruns < maxruns) {
			/* The merger's line: its area is the alloc line's before it. */
			run_line(&l, a, &runs[nruns]);
			ATTACH(a, run_list, nr_run_list, &runs[nruns]);
			nruns++;
		} else if (!a || num(&l, "id") != a->id) {
			bad_line_here("alloc");
		} else if ((!strcmp(l.tag, "object") || !strcmp(l.tag, "page")) && nitems < maxitems) {
			item_line(&l, &items[nitems], l.tag[0] == 'o');
			ATTACH(a, items, nr_items, &items[nitems]);
			nitems++;
		} else if (!strcmp(l.tag, "share") && nshares < maxshares) {
			share_line(&l, &shares[nshares]);
			ATTACH(a, shares, nr_shares, &shares[nshares]);
			nshares++;
		} else {
			bad_line_here("alloc");
		}
	}
	if (!file)
		fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: no 'file' line");
	if (!ended)
		fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: output cut short (no 'end' line)");
}
