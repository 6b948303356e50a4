// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel half for people: the dump of /proc/ptwalk/kernel (regions
 * with their sizes, the bytes and entries mapped, their runs and clones,
 * per copy of the top-level table). Its JSON is the module's lines by the
 * line rule (json_lines()).
 */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "render.h"

/* What the run lines below the region line at @p map: bytes, runs, 4K/2M/1G entries. */
static void region_sums(const char *p, unsigned long long *bytes, size_t *runs,
			unsigned long long pages[3])
{
	static const char *const sizes[3] = { "4K", "2M", "1G" };
	char buf[LINE_BUF];
	struct ptw_line l;
	unsigned long long start, end, n;
	int i;

	*bytes = 0;
	*runs = 0;
	pages[0] = pages[1] = pages[2] = 0;
	for (p = line_after(p); *p && strncmp(p, "region ", 7) && strncmp(p, "copy ", 5);
	     p = line_after(p)) {
		split_line(p, buf, &l, "kernel");
		if (strcmp(l.tag, "run"))
			continue;
		start = field_num(&l, "start", "kernel");
		end = field_num(&l, "end", "kernel");
		n = field_num(&l, "pages", "kernel");
		*bytes += end - start;
		(*runs)++;
		for (i = 0; i < 3; i++)
			if (!strcmp(field(&l, "size", "kernel"), sizes[i]))
				pages[i] += n;
	}
}

static void print_region(FILE *out, const char *p, const struct ptw_line *l)
{
	const char *name = field(l, "name", "kernel");
	bool hole = !strcmp(name, "hole") || !strcmp(name, "guard-hole");
	unsigned long start = field_num(l, "start", "kernel");
	unsigned long end = field_num(l, "end", "kernel");
	char sz[SIZE_BUF], mp[SIZE_BUF];
	unsigned long long bytes, pages[3];
	size_t runs;

	region_sums(p, &bytes, &runs, pages);
	fprintf(out, "%s%-15s%s %016lx-%016lx %7s %8s %5zu  %llu/%llu/%llu\n",
		col(hole ? C_DIM : C_CYAN), name, col(C_RESET), start, end,
		fmt_size(end - start, sz), fmt_size(bytes, mp), runs, pages[0], pages[1],
		pages[2]);
}

void print_kernel(FILE *out, char *text)
{
	char buf[LINE_BUF], runs[24] = "?", clones[24] = "?";
	const char *p, *body = parse_version(text, "kernel"), *pti;
	struct ptw_line l;
	struct pt_run run;

	ptw_find(body, "end", "runs", runs, sizeof(runs));
	ptw_find(body, "end", "clones", clones, sizeof(clones));
	for (p = body; *p; p = line_after(p)) {
		split_line(p, buf, &l, "kernel");
		if (!strcmp(l.tag, "layout")) {
			pti = field(&l, "pti", "kernel");
			fprintf(out, "The kernel half of ptwalk's own top-level table (every process maps the same):\n");
			fprintf(out, "%s-level paging, PTI %s%s; %s runs, %s clone ranges\n",
				field(&l, "levels", "kernel"), pti,
				strcmp(pti, "on") ? "" :
				" (the user copy maps only what entering the kernel needs)",
				runs, clones);
		} else if (!strcmp(l.tag, "copy")) {
			fprintf(out, "\n%s== %s copy: top-level table at %s ==%s\n", col(C_BOLD),
				field(&l, "name", "kernel"), field(&l, "top", "kernel"),
				col(C_RESET));
			fprintf(out, "%-15s %-33s %7s %8s %5s  %s\n", "REGION", "RANGE", "SIZE",
				"MAPPED", "RUNS", "ENTRIES 4K/2M/1G");
		} else if (!strcmp(l.tag, "region")) {
			print_region(out, p, &l);
		} else if (!strcmp(l.tag, "run")) {
			parse_run_line(&l, &run, "kernel");
			print_run(out, &run, "");
		} else if (!strcmp(l.tag, "clone")) {
			fprintf(out, "  %s0x%016llx-0x%016llx%s %s %s entries repeat the table %s (listed once above)\n",
				col(C_DIM), field_num(&l, "start", "kernel"),
				field_num(&l, "end", "kernel"), col(C_RESET),
				field(&l, "count", "kernel"), field(&l, "level", "kernel"),
				field(&l, "next", "kernel"));
		}
	}
}
