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
#include "render.h"

unsigned long long kregion_mapped(const struct pt_kregion *r)
{
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < r->nr_runs; i++)
		sum += r->runs[i].end - r->runs[i].start;
	return sum;
}

/* Entries of @r's runs of page size @size ("4K", "2M", "1G"). */
static unsigned long kregion_entries(const struct pt_kregion *r, const char *size)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < r->nr_runs; i++)
		if (!strcmp(r->runs[i].size, size))
			n += r->runs[i].pages;
	return n;
}

static void print_kcopy(FILE *out, const struct pt_kcopy *c)
{
	char sz[SIZE_BUF], mp[SIZE_BUF];
	size_t i, k;

	fprintf(out, "\n%s== %s copy: top-level table at 0x%llx ==%s\n", col(C_BOLD),
		c->name, c->top, col(C_RESET));
	fprintf(out, "%-15s %-33s %7s %8s %5s  %s\n", "REGION", "RANGE", "SIZE",
		"MAPPED", "RUNS", "ENTRIES 4K/2M/1G");
	for (i = 0; i < c->nr_regions; i++) {
		const struct pt_kregion *r = &c->regions[i];
		bool hole = !strcmp(r->name, "hole") || !strcmp(r->name, "guard-hole");

		fprintf(out, "%s%-15s%s %016lx-%016lx %7s %8s %5zu  %lu/%lu/%lu\n",
			col(hole ? C_DIM : C_CYAN), r->name, col(C_RESET), r->start,
			r->end, fmt_size(r->end - r->start, sz),
			fmt_size(kregion_mapped(r), mp), r->nr_runs,
			kregion_entries(r, "4K"), kregion_entries(r, "2M"),
			kregion_entries(r, "1G"));
		for (k = 0; k < r->nr_runs; k++)
			print_run(out, &r->runs[k], "");
		for (k = 0; k < r->nr_clones; k++) {
			const struct pt_kclone *cl = &r->clones[k];

			fprintf(out, "  %s0x%016lx-0x%016lx%s %lu %s entries repeat the table 0x%llx (listed once above)\n",
				col(C_DIM), cl->start, cl->end, col(C_RESET), cl->count,
				cl->level, cl->next);
		}
	}
}

void print_kernel(FILE *out, const struct pt_kernel *k)
{
	int i;

	fprintf(out, "The kernel half of ptwalk's own top-level table (every process maps the same):\n");
	fprintf(out, "%d-level paging, PTI %s%s; %zu runs, %zu clone ranges\n", k->levels,
		k->pti ? "on" : "off",
		k->pti ? " (the user copy maps only what entering the kernel needs)" : "",
		k->nr_runs, k->nr_clones);
	for (i = 0; i < k->nr_copies; i++)
		print_kcopy(out, &k->copy[i]);
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
