// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering maps and walks. Their JSON is the module's lines by the line
 * rule (json_lines()), to which maps adds what the tool derives: each
 * VMA's region kind and present pages.
 */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "render.h"

static bool overlaps(unsigned long s, unsigned long e, unsigned long lo,
		     unsigned long hi)
{
	return s < hi && e > lo;
}

/* @r clipped to [lo, hi) at its page-size granularity. */
static struct pt_run clip_run(const struct pt_run *r, unsigned long lo,
			      unsigned long hi)
{
	struct pt_run c = *r;
	unsigned long ps = r->page_size ? r->page_size : 4096;
	unsigned long s = lo & ~(ps - 1), e = (hi + ps - 1) & ~(ps - 1);

	if (hi > ~0UL - ps)
		e = ~0UL;
	if (s > c.start) {
		if (c.has_pa && c.pa)
			c.pa += s - c.start;
		if (c.has_swap && !strcmp(c.kind, "swap"))
			c.offset += (s - c.start) / ps;
		c.start = s;
	}
	if (e < c.end)
		c.end = e;
	c.pages = (c.end - c.start) / ps;
	return c;
}

/* A run's flags for people: "rw- user" style short form. */
static const char *run_perm_summary(const char *flags, char *buf, size_t sz)
{
	snprintf(buf, sz, "%c%c%c%s%s", has_flag(flags, "user") ? 'u' : 'k',
		 has_flag(flags, "write") ? 'w' : '-',
		 has_flag(flags, "nx") ? '-' : 'x',
		 has_flag(flags, "dirty") ? " dirty" : "",
		 has_flag(flags, "global") ? " global" : "");
	return buf;
}

unsigned long present_pages(const struct pt_maps *maps, unsigned long lo,
			    unsigned long hi)
{
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < maps->nr_vmas; i++)
		sum += vma_present_bytes(&maps->vmas[i], lo, hi);
	return sum / 4096;
}

const struct pt_run *run_at(const struct pt_maps *maps, unsigned long va,
			    unsigned long long *pa)
{
	size_t i, k;

	for (i = 0; i < maps->nr_vmas; i++) {
		const struct pt_vma *v = &maps->vmas[i];

		if (va < v->start || va >= v->end)
			continue;
		for (k = 0; k < v->nr_runs; k++) {
			const struct pt_run *r = &v->runs[k];

			if (va >= r->start && va < r->end &&
			    !strcmp(r->kind, "mapped")) {
				if (pa)
					*pa = r->pa + (va - r->start);
				return r;
			}
		}
	}
	return NULL;
}

void print_run(FILE *out, const struct pt_run *r, const char *indent)
{
	char sz[SIZE_BUF], perm[32], where[64];

	if (r->has_pa && !strcmp(r->kind, "mapped"))
		snprintf(where, sizeof(where), "pa=0x%llx", r->pa);
	else if (r->has_pa)
		snprintf(where, sizeof(where), "%s pa=0x%llx", r->kind, r->pa);
	else if (r->has_swap)
		snprintf(where, sizeof(where), "%s type=%u offset=0x%llx", r->kind,
			 r->type, r->offset);
	else
		snprintf(where, sizeof(where), "%s bits=0x%llx", r->kind, r->bits);
	fprintf(out, "%s  %s0x%012lx-0x%012lx%s %6s %s x%-5lu %-24s %-10s %-3s %s\n",
		indent, col(C_DIM), r->start, r->end, col(C_RESET),
		fmt_size(r->end - r->start, sz), r->size, r->pages, where,
		run_perm_summary(r->flags, perm, sizeof(perm)), r->cache,
		r->flags);
}

void print_maps(FILE *out, const struct pt_maps *maps, bool self,
		unsigned long lo, unsigned long hi, const char *indent)
{
	print_maps_brief(out, maps, self, lo, hi, indent, ~(size_t)0);
}

void print_maps_brief(FILE *out, const struct pt_maps *maps, bool self,
		      unsigned long lo, unsigned long hi, const char *indent,
		      size_t max_runs)
{
	char sz[SIZE_BUF], pr[SIZE_BUF];
	size_t i, k, shown, vmas = 0;

	fprintf(out, "%s%-33s %7s %-4s %8s  %-12s %s\n", indent, "RANGE", "SIZE",
		"PERM", "PRESENT", "REGION", "NAME");
	for (i = 0; i < maps->nr_vmas; i++) {
		const struct pt_vma *v = &maps->vmas[i];
		const struct region_style *rs = &region_styles[classify_vma(maps, i, self)];

		if (!overlaps(v->start, v->end, lo, hi))
			continue;
		vmas++;
		fprintf(out, "%s%s%016lx-%016lx%s %7s %-4s %8s  %s%-12s%s %s\n",
			indent, col(C_BOLD), v->start, v->end, col(C_RESET),
			fmt_size(v->end - v->start, sz), v->perms,
			fmt_size(vma_present_bytes(v, lo, hi), pr),
			col(rs->colour), rs->name, col(C_RESET), v->name);
		for (k = shown = 0; k < v->nr_runs; k++) {
			struct pt_run c;

			if (!overlaps(v->runs[k].start, v->runs[k].end, lo, hi))
				continue;
			if (shown++ == max_runs) {
				fprintf(out, "%s  ... more runs (--json or ptwalk maps lists all)\n",
					indent);
				break;
			}
			c = clip_run(&v->runs[k], lo, hi);
			print_run(out, &c, indent);
		}
	}
	if (!vmas)
		fprintf(out, "%s(nothing mapped here)\n", indent);
}

/* What maps' JSON adds to the line rule, and which lines a range keeps. */
struct maps_json {
	const struct pt_maps *maps;
	bool self;
	unsigned long lo, hi;
	size_t next_vma;		/* vma lines are pt_maps' vmas, in order */
};

static bool maps_skip(const struct ptw_line *l, void *ctx)
{
	struct maps_json *m = ctx;

	if (!strcmp(l->tag, "vma")) {
		const struct pt_vma *v = &m->maps->vmas[m->next_vma++];

		return !overlaps(v->start, v->end, m->lo, m->hi);
	}
	if (!strcmp(l->tag, "run")) {
		unsigned long long s = 0, e = 0;

		ptw_get_num(l, "start", &s);	/* parse_maps() checked both */
		ptw_get_num(l, "end", &e);
		return !overlaps(s, e, m->lo, m->hi);
	}
	/* The end line counts the whole space's runs, not a range's. */
	return !strcmp(l->tag, "end") && (m->lo != ALL_LO || m->hi != ALL_HI);
}

static void maps_extra(struct json *j, const struct ptw_line *l, void *ctx)
{
	struct maps_json *m = ctx;
	size_t i = m->next_vma - 1;

	if (strcmp(l->tag, "vma"))
		return;
	json_str(j, "region", region_styles[classify_vma(m->maps, i, m->self)].name);
	json_uint(j, "present_pages",
		  vma_present_bytes(&m->maps->vmas[i], m->lo, m->hi) / 4096);
}

void json_maps_members(struct json *j, const struct pt_maps *maps, bool self,
		       unsigned long lo, unsigned long hi)
{
	struct maps_json m = { .maps = maps, .self = self, .lo = lo, .hi = hi };
	const struct line_hooks h = { .skip = maps_skip, .extra = maps_extra, .ctx = &m };

	json_lines_with(j, "maps", maps->lines, &h);
	json_uint(j, "present_pages", present_pages(maps, lo, hi));
}

static const char *const kind_names[] = {
	[PTE_KIND_TABLE] = "table", [PTE_KIND_LEAF] = "leaf",
	[PTE_KIND_NONPRESENT] = "nonpresent", [PTE_KIND_NONE] = "none",
};

void print_walk(FILE *out, const struct pt_walk *w)
{
	int i;

	if (w->kernel)
		fprintf(out, "kernel va 0x%lx", w->va);
	else
		fprintf(out, "pid %d va 0x%lx", w->pid, w->va);
	fprintf(out, "  %d-level paging  PTI %s  physical addresses %s\n",
		w->levels, w->pti ? "on" : "off", w->pfn_shown ? "shown" : "hidden");
	if (w->has_top)
		fprintf(out, "top-level table (CR3) at 0x%llx\n", w->top);
	if (w->nr_levels)
		fprintf(out, "%-9s %5s %-14s %-18s %-10s %s\n", "LEVEL", "INDEX",
			"ENTRY AT", "RAW", "KIND", "NEXT / FLAGS");
	for (i = 0; i < w->nr_levels; i++) {
		const struct pt_level *l = &w->level[i];
		char tail[96];

		switch (l->kind) {
		case PTE_KIND_TABLE:
			snprintf(tail, sizeof(tail), "next table 0x%llx", l->next);
			break;
		case PTE_KIND_LEAF:
			snprintf(tail, sizeof(tail), "%s%s page%s at 0x%llx %s",
				 col(C_GREEN), l->leaf, col(C_RESET), l->frame, l->cache);
			break;
		case PTE_KIND_NONPRESENT:
			snprintf(tail, sizeof(tail), "%s%s%s", col(C_YELLOW), l->np_kind,
				 col(C_RESET));
			break;
		default:
			snprintf(tail, sizeof(tail), "%sempty%s", col(C_DIM), col(C_RESET));
		}
		fprintf(out, "%-9s %5u 0x%-12llx 0x%016llx %-10s %s\n", l->name,
			l->index, l->entry, l->raw, kind_names[l->kind], tail);
		if (l->flags[0])
			fprintf(out, "%-9s %5s %-14s %-18s %-10s %sflags %s%s\n", "", "",
				"", "", "", col(C_DIM), l->flags, col(C_RESET));
	}
	if (w->translated)
		fprintf(out, "%s0x%lx -> 0x%llx%s\n", col(C_BOLD), w->va, w->pa,
			col(C_RESET));
	else
		fprintf(out, "%sno translation: %s%s%s%s%s%s\n", col(C_RED), w->stop,
			w->stop_level[0] ? " at " : "", w->stop_level,
			w->stop_kind[0] ? " (" : "", w->stop_kind,
			w->stop_kind[0] ? ")" : "");
	if (!w->translated && opt_color)
		fputs(col(C_RESET), out);
}

void json_walk_members(struct json *j, const struct pt_walk *w)
{
	json_lines(j, "walk", w->lines);
}
