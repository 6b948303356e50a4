// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel half for people: the dump of /proc/ptwalk/kernel (regions
 * with their sizes, the bytes and entries mapped, their runs and clones,
 * per copy of the top-level table) and the slot sharing of
 * /proc/ptwalk/sharing (slots shared alike in one line). Their JSON is
 * the module's lines by the line rule (json_lines()).
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

/* ---- sharing --------------------------------------------------------- */

static bool plain_slot(const struct pt_slot *s)
{
	return !s->differ && !s->nr_exc && s->same == s->mapped;
}

/* Can @b be shown in one line with @a, the slot before it? */
static bool same_line(const struct pt_slot *a, const struct pt_slot *b)
{
	return a->user == b->user && b->index == a->index + 1 && plain_slot(a) &&
	       plain_slot(b) && a->mapped == b->mapped &&
	       !strcmp(a->regions, b->regions) && !strcmp(a->kernel, b->kernel);
}

static const char *hex_or_none(bool has, unsigned long long v, char *buf, size_t sz)
{
	if (!has)
		return "none";
	snprintf(buf, sz, "0x%llx", v);
	return buf;
}

static void print_slot_header(FILE *out, bool user, const char *indent)
{
	fprintf(out, "%s%-9s %-33s %-12s %-10s %6s %6s  %s\n", indent, "SLOT",
		"RANGE", user ? "USER TABLE" : "NEXT TABLE", user ? "KERNEL'S" : "",
		"SAME", "DIFFER", user ? "REGIONS" : "TABLES REGIONS");
}

static void print_slot(FILE *out, const struct pt_slot *s, const struct pt_slot *last,
		       const char *indent)
{
	char idx[24], nx[24], tables[16] = "";
	size_t e;

	if (last != s)
		snprintf(idx, sizeof(idx), "%u-%u", s->index, last->index);
	else
		snprintf(idx, sizeof(idx), "%u", s->index);
	if (s->has_tables) {
		unsigned long t = 0;
		const struct pt_slot *p;

		for (p = s; p <= last; p++)
			t += p->tables;
		snprintf(tables, sizeof(tables), "%6lu ", t);
	}
	fprintf(out, "%s%-9s %016lx-%016lx %-12s %-10s %3u/%-2u %6u  %s%s%s%s\n", indent,
		idx, s->start, last->end, last != s ? "(one each)" : hex_or_none(s->has_next, s->next, nx, sizeof(nx)),
		s->kernel, s->same, s->mapped, s->differ, tables,
		col(plain_slot(s) ? C_GREEN : C_YELLOW),
		s->regions[0] ? s->regions : "-", col(C_RESET));
	for (e = 0; e < s->nr_exc; e++) {
		const struct pt_exception *x = &s->exc[e];

		fprintf(out, "%s%9s %sexception: PID %d points elsewhere (next %s)%s\n",
			indent, "", col(C_YELLOW), (int)x->pid,
			hex_or_none(x->has_next, x->next, nx, sizeof(nx)),
			col(C_RESET));
	}
}

static void print_slots(FILE *out, const struct pt_sharing *sh, bool user, bool brief,
			const char *indent)
{
	size_t i, k;

	print_slot_header(out, user, indent);
	for (i = 0; i < sh->nr_slots; i = k + 1) {
		if (sh->slots[i].user != user) {
			k = i;
			continue;
		}
		k = i;
		while (brief && k + 1 < sh->nr_slots && same_line(&sh->slots[k], &sh->slots[k + 1]))
			k++;
		print_slot(out, &sh->slots[i], &sh->slots[k], indent);
	}
}

void print_sharing(FILE *out, const struct pt_sharing *sh, bool brief, const char *indent)
{
	char saved[SIZE_BUF];

	fprintf(out, "%sreader PID %d: %d-level paging, PTI %s; each top-level slot covers %s\n",
		indent, (int)sh->reader, sh->levels, sh->pti ? "on" : "off", sh->slot_size);
	fprintf(out, "%s%lu processes compared (%lu skipped): %lu kernel slots in use, %s%lu shared by all%s\n",
		indent, sh->processes, sh->skipped, sh->in_use,
		col(sh->shared_by_all == sh->in_use ? C_GREEN : C_YELLOW),
		sh->shared_by_all, col(C_RESET));
	print_slots(out, sh, false, brief, indent);
	if (sh->user_copy && sh->pti) {
		fprintf(out, "%sPTI user copy (the table user mode runs on; KERNEL'S: is it the kernel copy's table?):\n",
			indent);
		print_slots(out, sh, true, brief, indent);
	} else {
		fprintf(out, "%sno PTI user copy\n", indent);
	}
	fprintf(out, "%sthe %lu table pages under the kernel slots exist once, not once per process: sharing saves %s of page tables\n",
		indent, sh->tables, fmt_size(sh->saved_bytes, saved));
	if (sh->unlisted)
		fprintf(out, "%s(%lu more exceptions not listed by the module)\n", indent,
			sh->unlisted);
}

void json_sharing_members(struct json *j, const struct pt_sharing *sh)
{
	json_lines(j, "sharing", sh->lines);
}
