// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_oracle.h"
#include "ptwalk.h"
#include "util.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Linux's PAT layout (pat_cpu_init()) and the power-on one. */
static const char *const pat_linux[8] = {
	"WB", "WC", "UC-", "UC", "WB", "WP", "UC-", "WT",
};
static const char *const pat_off[8] = {
	"WB", "WT", "UC-", "UC", "WB", "WT", "UC-", "UC",
};

/* A range end as a last address: 0 (the top) becomes ~0UL. */
static unsigned long last_of(unsigned long end)
{
	return end - 1;
}

static void *grow(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap * size);
	if (!p) {
		perror("realloc");
		exit(1);
	}
	return p;
}

static unsigned long page_bytes(const char *s)
{
	if (!strcmp(s, "4K") || !strcmp(s, "pte"))
		return 4096;
	if (!strcmp(s, "2M") || !strcmp(s, "pmd"))
		return 2UL << 20;
	if (!strcmp(s, "1G") || !strcmp(s, "pud"))
		return 1UL << 30;
	return 0;
}

/* A number field into an unsigned long; -1 if absent or not a number. */
static int unum(const struct ptw_line *l, const char *key, unsigned long *v)
{
	unsigned long long n;

	if (ptw_get_num(l, key, &n))
		return -1;
	*v = n;
	return 0;
}

/* The kernel's runs are leaves: "mapped" runs of maps' grammar. */
static int parse_run(const struct ptw_line *l, struct ko_range *r)
{
	struct pw_run run;

	memset(r, 0, sizeof(*r));
	if (pw_run_parse(l, &run) || strcmp(run.kind, "mapped"))
		return -1;
	r->start = run.start;
	r->end = run.end;
	r->page = run.page;
	r->pa = run.pa;
	snprintf(r->cache, sizeof(r->cache), "%s", run.cache);
	if (ptw_has_flag(run.flags, "user"))
		r->attrs |= KO_USER;
	if (ptw_has_flag(run.flags, "write"))
		r->attrs |= KO_RW;
	if (ptw_has_flag(run.flags, "nx"))
		r->attrs |= KO_NX;
	if (ptw_has_flag(run.flags, "global"))
		r->attrs |= KO_GLOBAL;
	return 0;
}

static bool in_region(const struct ko_region *g, const struct ko_range *r)
{
	return r->start >= g->start && last_of(r->end) <= last_of(g->end);
}

int ko_parse_dump(const char *text, struct ko_dump *d)
{
	size_t rcap[2] = { 0, 0 }, ccap[2] = { 0, 0 };
	char *copy, *rest, *line;
	struct ko_copy *c = NULL;
	struct ptw_line l;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	if (strncmp(text, PTW_HEADER(kernel), strlen(PTW_HEADER(kernel)))) {
		fprintf(stderr, "# kernel: bad format line\n");
		return -1;
	}
	copy = strdup(text);
	rest = copy + strlen(PTW_HEADER(kernel));
	while ((line = ptw_next_line(&rest))) {
		unsigned long long v;
		const char *p;

		if (ptw_tokenize(line, &l))
			goto bad;
		if (!strcmp(l.tag, "layout")) {
			if (ptw_get_num(&l, "levels", &v) || !(p = ptw_get(&l, "pti")))
				goto bad;
			d->levels = v;
			d->pti = !strcmp(p, "on");
		} else if (!strcmp(l.tag, "copy")) {
			if (d->ncopies == 2)
				goto bad;
			c = &d->copy[d->ncopies++];
			c->runs_in_regions = true;
			if (ptw_get_str(&l, "name", c->name, sizeof(c->name)) || ptw_get_num(&l, "top", &c->top))
				goto bad;
		} else if (!strcmp(l.tag, "region") && c) {
			struct ko_region *g = &c->regions[c->nregions];

			if (c->nregions == ARRAY_LEN(c->regions) || unum(&l, "start", &g->start) ||
			    unum(&l, "end", &g->end) || ptw_get_str(&l, "name", g->name, sizeof(g->name)))
				goto bad;
			c->nregions++;
		} else if (!strcmp(l.tag, "run") && c) {
			int i = c - d->copy;

			c->runs = grow(c->runs, c->nruns, &rcap[i], sizeof(*c->runs));
			if (parse_run(&l, &c->runs[c->nruns]))
				goto bad;
			if (!c->nregions ||
			    !in_region(&c->regions[c->nregions - 1], &c->runs[c->nruns]))
				c->runs_in_regions = false;
			c->nruns++;
		} else if (!strcmp(l.tag, "clone") && c) {
			int i = c - d->copy;
			struct ko_span *s;
			char level[8];

			c->clones = grow(c->clones, c->nclones, &ccap[i], sizeof(*c->clones));
			s = &c->clones[c->nclones++];
			if (unum(&l, "start", &s->start) || unum(&l, "end", &s->end) ||
			    ptw_get_str(&l, "level", level, sizeof(level)) || ptw_get_num(&l, "count", &v) ||
			    ptw_get_num(&l, "next", &v))
				goto bad;
		} else if (!strcmp(l.tag, "end")) {
			if (unum(&l, "runs", &d->end_runs) || unum(&l, "clones", &d->end_clones))
				goto bad;
			d->complete = true;
		} else {
			goto bad;	/* an unknown line, or one before the first copy */
		}
	}
	ret = 0;
	goto out;
bad:
	line = (char *)text + (line - copy);
	fprintf(stderr, "# kernel: bad line: %.*s\n", (int)strcspn(line, "\n"), line);
out:
	free(copy);
	return ret;
}

void ko_dump_free(struct ko_dump *d)
{
	int i;

	for (i = 0; i < 2; i++) {
		free(d->copy[i].runs);
		free(d->copy[i].clones);
	}
	memset(d, 0, sizeof(*d));
}

const struct ko_copy *ko_copy_get(const struct ko_dump *d, const char *name)
{
	int i;

	for (i = 0; i < d->ncopies; i++)
		if (!strcmp(d->copy[i].name, name))
			return &d->copy[i];
	return NULL;
}

const struct ko_region *ko_region_get(const struct ko_copy *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nregions; i++)
		if (!strcmp(c->regions[i].name, name))
			return &c->regions[i];
	return NULL;
}

const struct ko_range *ko_run_find(const struct ko_copy *c, unsigned long va)
{
	size_t i;

	for (i = 0; i < c->nruns; i++)
		if (va >= c->runs[i].start && va <= last_of(c->runs[i].end))
			return &c->runs[i];
	return NULL;
}

/*
 * One ptdump line: "0x%016lx-0x%016lx   %9lu%c " then, for a present
 * entry, "USR|    RW|ro PWT PCD PSE PAT GLB NX|x " and the level name.
 */
static int parse_ptdump_line(const char *line, bool pat, struct ko_range *r,
			     bool *present)
{
	char buf[256], *tok, *save = NULL, *level = NULL;
	unsigned int idx = 0;
	int n = 0;

	memset(r, 0, sizeof(*r));
	*present = false;
	if (sscanf(line, "0x%lx-0x%lx %n", &r->start, &r->end, &n) != 2 || !n)
		return -1;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(line + n, "\n"), line + n);
	strtok_r(buf, " ", &save);	/* the size */
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (!strcmp(tok, "USR"))
			r->attrs |= KO_USER;
		else if (!strcmp(tok, "RW"))
			r->attrs |= KO_RW, *present = true;
		else if (!strcmp(tok, "ro"))
			*present = true;
		else if (!strcmp(tok, "NX"))
			r->attrs |= KO_NX;
		else if (!strcmp(tok, "GLB"))
			r->attrs |= KO_GLOBAL;
		else if (!strcmp(tok, "PWT"))
			idx |= 1;
		else if (!strcmp(tok, "PCD"))
			idx |= 2;
		else if (!strcmp(tok, "PAT"))
			idx |= 4;
		level = tok;	/* the last token */
	}
	if (!level)
		return -1;
	r->page = page_bytes(level);
	snprintf(r->cache, sizeof(r->cache), "%s", pat ? pat_linux[idx] : pat_off[idx]);
	return 0;
}

int ko_parse_ptdump(const char *text, unsigned long kernel_start, bool pat,
		    struct ko_ptdump *p)
{
	size_t cap = 0, scap = 0;
	const char *line;
	bool skipping = false;
	unsigned long last_end = 0;

	memset(p, 0, sizeof(*p));
	p->covered_from = 0;
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		struct ko_range r;
		bool present;

		if (!strncmp(line, "---[", 4))
			continue;
		if (!strncmp(line, "...", 3)) {
			/* The region's lines past its limit (ESPfix: 16). */
			p->skipped = grow(p->skipped, p->nskipped, &scap, sizeof(*p->skipped));
			p->skipped[p->nskipped].start = last_end;
			skipping = true;
			continue;
		}
		if (parse_ptdump_line(line, pat, &r, &present))
			continue;
		if (skipping) {
			p->skipped[p->nskipped++].end = r.start;
			skipping = false;
		}
		last_end = r.end;
		if (r.start < kernel_start)
			continue;	/* the user half */
		if (!p->covered_from)
			p->covered_from = r.start;
		if (!present)
			continue;
		if (!r.page) {
			fprintf(stderr, "# ptdump: leaf at an odd level: %.100s\n", line);
			return -1;
		}
		p->ranges = grow(p->ranges, p->n, &cap, sizeof(*p->ranges));
		p->ranges[p->n++] = r;
	}
	if (skipping)
		p->skipped[p->nskipped++].end = 0;
	return p->covered_from ? 0 : -1;
}

void ko_ptdump_free(struct ko_ptdump *p)
{
	free(p->ranges);
	free(p->skipped);
	memset(p, 0, sizeof(*p));
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The range of a sorted list that holds [a, ...), advancing *i. */
static const struct ko_range *lookup(const struct ko_range *r, size_t n,
				     size_t *i, unsigned long a)
{
	while (*i < n && last_of(r[*i].end) < a)
		(*i)++;
	if (*i < n && r[*i].start <= a)
		return &r[*i];
	return NULL;
}

static bool in_spans(const struct ko_span *s, size_t n, unsigned long a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a >= s[i].start && a <= last_of(s[i].end))
			return true;
	return false;
}

static bool same_leaf(const struct ko_range *a, const struct ko_range *b)
{
	if (!a || !b)
		return !a && !b;
	return a->page == b->page && a->attrs == b->attrs &&
	       !strcmp(a->cache, b->cache);
}

static void describe(char *buf, size_t sz, const struct ko_range *r)
{
	if (!r) {
		snprintf(buf, sz, "not-mapped");
		return;
	}
	snprintf(buf, sz, "%luK%s%s%s%s %s", r->page >> 10,
		 r->attrs & KO_USER ? " user" : "", r->attrs & KO_RW ? " rw" : " ro",
		 r->attrs & KO_NX ? " nx" : " x", r->attrs & KO_GLOBAL ? " global" : "",
		 r->cache);
}

static void add_bounds(unsigned long **b, size_t *n, size_t *cap,
		       unsigned long start, unsigned long end)
{
	*b = grow(*b, *n + 1, cap, sizeof(**b));
	(*b)[(*n)++] = start;
	(*b)[(*n)++] = end ? end : ~0UL;
}

long ko_compare(const struct ko_copy *ours, const struct ko_ptdump *pt,
		const struct ko_span *skip, size_t nskip, FILE *log,
		int max_print)
{
	unsigned long *b = NULL;
	size_t nb = 0, cap = 0, i, io = 0, ip = 0, k = 0;
	long bad = 0;
	bool in_bad = false;

	for (i = 0; i < ours->nruns; i++)
		add_bounds(&b, &nb, &cap, ours->runs[i].start, ours->runs[i].end);
	for (i = 0; i < pt->n; i++)
		add_bounds(&b, &nb, &cap, pt->ranges[i].start, pt->ranges[i].end);
	qsort(b, nb, sizeof(*b), cmp_ulong);
	for (i = 0; i < nb; i++)
		if (!k || b[k - 1] != b[i])
			b[k++] = b[i];
	nb = k;
	for (i = 0; i + 1 < nb; i++) {
		unsigned long a = b[i];
		const struct ko_range *o = lookup(ours->runs, ours->nruns, &io, a);
		const struct ko_range *p = lookup(pt->ranges, pt->n, &ip, a);
		char d1[64], d2[64];

		if (a < pt->covered_from || in_spans(skip, nskip, a) ||
		    in_spans(pt->skipped, pt->nskipped, a) ||
		    in_spans(ours->clones, ours->nclones, a) || same_leaf(o, p)) {
			in_bad = false;
			continue;
		}
		if (in_bad)
			continue;	/* the same disagreement goes on */
		in_bad = true;
		if (bad++ < max_print) {
			describe(d1, sizeof(d1), o);
			describe(d2, sizeof(d2), p);
			fprintf(log, "# %s copy: 0x%lx (in 0x%lx-0x%lx): ptwalk %s, ptdump %s\n",
				ours->name, a, a, b[i + 1], d1, d2);
		}
	}
	free(b);
	return bad;
}

bool ko_oracle_value(const char *file, const char *key, unsigned long *v)
{
	char path[256], val[64];
	char *text;
	bool ok;

	snprintf(path, sizeof(path), KO_DIR "/%s", file);
	text = read_whole(path, NULL);
	if (!text)
		return false;
	ok = kv_get(text, key, val, sizeof(val));
	free(text);
	if (ok)
		*v = strtoul(val, NULL, 0);
	return ok;
}

unsigned long ko_kernel_start(int levels)
{
	return levels == 5 ? 0xff00000000000000UL : 0xffff800000000000UL;
}

/* "next=0x..." or "next=none" (0). */
static int next_field(const struct ptw_line *l, unsigned long long *next)
{
	const char *v = ptw_get(l, "next");

	*next = 0;
	return v && !strcmp(v, "none") ? 0 : ptw_get_num(l, "next", next);
}

static int parse_slot(const struct ptw_line *l, struct ko_slot *s)
{
	unsigned long long v;

	memset(s, 0, sizeof(*s));
	s->user = !strcmp(l->tag, "user-slot");
	if (ptw_get_num(l, "index", &v) || unum(l, "start", &s->start) || unum(l, "end", &s->end) ||
	    next_field(l, &s->next))
		return -1;
	s->index = v;
	/* kernel= on user-slot lines, tables= on slot lines only. */
	if (s->user ? ptw_get_str(l, "kernel", s->kernel, sizeof(s->kernel)) :
	    unum(l, "tables", &s->tables))
		return -1;
	if (ptw_get_num(l, "mapped", &v))
		return -1;
	s->mapped = v;
	if (ptw_get_num(l, "same", &v))
		return -1;
	s->same = v;
	if (ptw_get_num(l, "differ", &v))
		return -1;
	s->differ = v;
	return ptw_get_str(l, "regions", s->regions, sizeof(s->regions));
}

int ko_parse_sharing(const char *text, struct ko_sharing *s)
{
	size_t scap = 0, ecap = 0;
	char *copy, *rest, *line;
	struct ptw_line l;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	if (strncmp(text, PTW_HEADER(sharing), strlen(PTW_HEADER(sharing))))
		return -1;
	copy = strdup(text);
	rest = copy + strlen(PTW_HEADER(sharing));
	while ((line = ptw_next_line(&rest))) {
		unsigned long long v;
		const char *p;

		if (ptw_tokenize(line, &l))
			goto bad;
		if (!strcmp(l.tag, "reader")) {
			if (ptw_get_num(&l, "pid", &v))
				goto bad;
			s->reader = v;
			if (ptw_get_num(&l, "levels", &v) || !(p = ptw_get(&l, "pti")))
				goto bad;
			s->levels = v;
			s->pti = !strcmp(p, "on");
		} else if (!strcmp(l.tag, "slot") || !strcmp(l.tag, "user-slot")) {
			s->slots = grow(s->slots, s->nslots, &scap, sizeof(*s->slots));
			if (parse_slot(&l, &s->slots[s->nslots]))
				goto bad;
			s->nslots++;
		} else if (!strcmp(l.tag, "exception") || !strcmp(l.tag, "user-exception")) {
			struct ko_exception *x;

			s->exc = grow(s->exc, s->nexc, &ecap, sizeof(*s->exc));
			x = &s->exc[s->nexc++];
			x->user = l.tag[0] == 'u';
			if (ptw_get_num(&l, "slot", &v))
				goto bad;
			x->slot = v;
			if (ptw_get_num(&l, "pid", &v) || next_field(&l, &x->next))
				goto bad;
			x->pid = v;
		} else if (!strcmp(l.tag, "user-copy")) {
			if (!(p = ptw_get(&l, "present")))
				goto bad;
			s->user_copy_none = !strcmp(p, "no");
		} else if (!strcmp(l.tag, "total")) {
			if (unum(&l, "processes", &s->processes) ||
			    unum(&l, "skipped", &s->skipped) || unum(&l, "slots", &s->in_use) ||
			    unum(&l, "shared_by_all", &s->by_all) ||
			    unum(&l, "tables", &s->tables) || unum(&l, "saved_bytes", &s->saved))
				goto bad;
		} else if (!strcmp(l.tag, "end")) {
			if (unum(&l, "exceptions", &s->end_exceptions) ||
			    unum(&l, "unlisted", &s->unlisted))
				goto bad;
			s->complete = true;
		}
	}
	ret = 0;
	goto out;
bad:
	line = (char *)text + (line - copy);
	fprintf(stderr, "# sharing: bad line: %.*s\n", (int)strcspn(line, "\n"), line);
out:
	free(copy);
	return ret;
}

void ko_sharing_free(struct ko_sharing *s)
{
	free(s->slots);
	free(s->exc);
	memset(s, 0, sizeof(*s));
}
