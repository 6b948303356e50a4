// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for /proc/ptwalk/alloc ("ptwalk-alloc 1", docs/interface.md): a
 * "file" line, then per allocation its "alloc" line followed by its
 * "object" (kmalloc) or "page" (vmalloc) lines and its "share" (kmalloc)
 * or "run" (vmalloc) lines, then "end". Every line after "file" names its
 * allocation's id, which must be the one of the "alloc" line above it.
 */
#include <string.h>

#include "parse.h"
#include "ptwalk.h"

#define MAX_WORDS	32

static unsigned long long num(char **w, int n, const char *key)
{
	return parse_num(word_value(w, n, key), "alloc");
}

/* pa=0x...|none */
static void pa_field(char **w, int n, bool *has, unsigned long long *pa)
{
	const char *v = word_value(w, n, "pa");

	if (!v)
		fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: a required field is missing");
	*has = strcmp(v, "none") != 0;
	*pa = *has ? parse_num(v, "alloc") : 0;
}

static bool has_word(char **w, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(w[i], word))
			return true;
	return false;
}

static void alloc_file_line(char **w, int n, struct pt_alloc_file *af)
{
	af->allocations = num(w, n, "allocations");
	af->bytes = num(w, n, "bytes");
	af->cap = num(w, n, "cap");
	af->max_allocations = num(w, n, "max_allocations");
	af->module_bytes = num(w, n, "module_bytes");
	af->module_cap = num(w, n, "module_cap");
}

/* alloc id=N kind=K ...: the fields each kind documents are required. */
static void alloc_line(char **w, int n, char *line, struct pt_alloc *a)
{
	const char *pfns;
	unsigned long first, last;

	a->id = num(w, n, "id");
	copy_field(a->kind, sizeof(a->kind), word_value(w, n, "kind"), "alloc");
	a->bytes = num(w, n, "bytes");
	if (!strcmp(a->kind, "kmalloc")) {
		a->size = num(w, n, "size");
		a->count = num(w, n, "count");
		a->bucket = num(w, n, "bucket");
		return;
	}
	if (strcmp(a->kind, "pages") && strcmp(a->kind, "vmalloc"))
		bad_line("alloc", line);
	a->pages = num(w, n, "pages");
	a->count = a->pages;
	a->has_va = true;
	a->va = num(w, n, "va");
	copy_field(a->region, sizeof(a->region), word_value(w, n, "region"), "alloc");
	a->runs = num(w, n, "runs");
	if (!strcmp(a->kind, "vmalloc")) {
		a->size = num(w, n, "size");
		return;
	}
	a->order = num(w, n, "order");
	pa_field(w, n, &a->has_pa, &a->pa);
	pfns = word_value(w, n, "pfns");
	parse_range(pfns ? pfns : "", &first, &last, "alloc");
	a->pfn_first = first;
	a->pfn_last = last;
	a->has_pfns = a->has_pa;
	if (has_word(w, n, "mismatch")) {
		a->mismatch = true;
		a->mismatch_index = num(w, n, "index");
		a->helper = num(w, n, "helper");
	}
}

/* object id= index= va= region= pa= ksize= | page id= index= va= pa= */
static void item_line(char **w, int n, struct pt_aitem *it, bool object)
{
	it->index = num(w, n, "index");
	it->va = num(w, n, "va");
	pa_field(w, n, &it->has_pa, &it->pa);
	if (object) {
		copy_field(it->region, sizeof(it->region), word_value(w, n, "region"),
			   "alloc");
		it->ksize = num(w, n, "ksize");
	}
	if (has_word(w, n, "mismatch")) {
		it->mismatch = true;
		it->helper = num(w, n, "helper");
	}
}

/* "a,b,c" into @out (at most PT_ALLOC_COUNT_MAX); returns how many. */
static unsigned int num_list(const char *csv, unsigned long long *out, char *line)
{
	char buf[1024], *p = buf, *item;
	unsigned int n = 0;

	if (!csv || strlen(csv) >= sizeof(buf))
		bad_line("alloc", line);
	strcpy(buf, csv);
	while ((item = strsep(&p, ","))) {
		if (n == PT_ALLOC_COUNT_MAX)
			bad_line("alloc", line);
		out[n++] = parse_num(item, "alloc");
	}
	return n;
}

/* share id= pfn= count= objects=I,J offsets=0x..,0x.. */
static void share_line(char **w, int n, char *line, struct pt_ashare *s)
{
	unsigned long long objs[PT_ALLOC_COUNT_MAX];
	unsigned int i, no;

	s->pfn = num(w, n, "pfn");
	s->count = num(w, n, "count");
	no = num_list(word_value(w, n, "objects"), objs, line);
	if (num_list(word_value(w, n, "offsets"), s->offsets, line) != no ||
	    no != s->count)
		bad_line("alloc", line);
	for (i = 0; i < no; i++)
		s->objects[i] = objs[i];
}

/* run id= index= pages= pfns=FIRST-LAST|none */
static void run_line(char **w, int n, struct pt_arun *r)
{
	const char *v = word_value(w, n, "pfns");
	unsigned long first, last;

	r->index = num(w, n, "index");
	r->pages = num(w, n, "pages");
	r->has_pfns = v && strcmp(v, "none");
	if (!r->has_pfns)
		return;
	parse_range(v, &first, &last, "alloc");
	r->first = first;
	r->last = last;
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
	char *rest = parse_version(text, "alloc", 1), *line, *w[MAX_WORDS];
	size_t nitems = 0, nshares = 0, nruns = 0;
	struct pt_aitem *items;
	struct pt_ashare *shares;
	struct pt_arun *runs;
	struct pt_alloc *a = NULL;
	bool ended = false, file = false;
	int n;

	memset(af, 0, sizeof(*af));
	af->allocs = xalloc((count_lines(rest, "alloc ") + 1) * sizeof(*af->allocs));
	items = xalloc((count_lines(rest, "object ") + count_lines(rest, "page ") + 1) *
		       sizeof(*items));
	shares = xalloc((count_lines(rest, "share ") + 1) * sizeof(*shares));
	runs = xalloc((count_lines(rest, "run ") + 1) * sizeof(*runs));
	while ((line = strsep(&rest, "\n"))) {
		if (!*line)
			continue;
		if (ended)
			bad_line("alloc", line);
		n = split_words(line, w, MAX_WORDS);
		if (!strcmp(w[0], "file")) {
			alloc_file_line(w, n, af);
			file = true;
		} else if (!strcmp(w[0], "alloc")) {
			a = &af->allocs[af->nr_allocs++];
			alloc_line(w, n, line, a);
		} else if (!strcmp(w[0], "end")) {
			if (num(w, n, "allocations") != af->nr_allocs)
				fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: 'end allocations=%s' but %zu alloc lines",
				      word_value(w, n, "allocations"), af->nr_allocs);
			ended = true;
		} else if (!a || num(w, n, "id") != a->id) {
			bad_line("alloc", line);
		} else if (!strcmp(w[0], "object") || !strcmp(w[0], "page")) {
			item_line(w, n, &items[nitems], w[0][0] == 'o');
			ATTACH(a, items, nr_items, &items[nitems]);
			nitems++;
		} else if (!strcmp(w[0], "share")) {
			share_line(w, n, line, &shares[nshares]);
			ATTACH(a, shares, nr_shares, &shares[nshares]);
			nshares++;
		} else if (!strcmp(w[0], "run")) {
			run_line(w, n, &runs[nruns]);
			ATTACH(a, run_list, nr_run_list, &runs[nruns]);
			nruns++;
		} else {
			bad_line("alloc", line);
		}
	}
	if (!file)
		fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: no 'file' line");
	if (!ended)
		fatal(EXIT_FORMAT, "/proc/ptwalk/alloc: output cut short (no 'end' line)");
}
