// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the kernel half's files, as docs/interface.md writes them:
 * /proc/ptwalk/kernel (copies, regions, the runs and clones inside each
 * region) and /proc/ptwalk/sharing (slots and the exceptions under each).
 * Unknown keys are ignored; unknown lines, missing required fields and a
 * missing "end" line are errors (EXIT_FORMAT).
 */
#include <string.h>

#include "parse.h"
#include "ptwalk.h"
#include "ptwfmt.h"

/* copy name=kernel|user top=0x... */
static struct pt_kcopy *kernel_copy(const struct ptw_line *l, struct pt_kernel *k,
				    struct pt_kregion *next_region)
{
	struct pt_kcopy *c;

	if (k->nr_copies == 2)
		bad_line_here("kernel");
	c = &k->copy[k->nr_copies++];
	copy_field(c->name, sizeof(c->name), field(l, "name", "kernel"), "kernel");
	c->top = field_num(l, "top", "kernel");
	c->regions = next_region;
	return c;
}

/* region start= end= name= (end 0: the top of the space) */
static void kernel_region(const struct ptw_line *l, struct pt_kregion *r)
{
	r->start = field_num(l, "start", "kernel");
	r->end = field_num(l, "end", "kernel");
	if (r->end <= r->start && r->end)
		bad_line_here("kernel");
	copy_field(r->name, sizeof(r->name), field(l, "name", "kernel"), "kernel");
}

/* clone start= end= level= count= next=0x... */
static void kernel_clone(const struct ptw_line *l, struct pt_kclone *c)
{
	c->start = field_num(l, "start", "kernel");
	c->end = field_num(l, "end", "kernel");
	copy_field(c->level, sizeof(c->level), field(l, "level", "kernel"), "kernel");
	c->count = field_num(l, "count", "kernel");
	c->next = field_num(l, "next", "kernel");
}

void parse_kernel(char *text, struct pt_kernel *k)
{
	char *rest = parse_version(text, "kernel"), *line;
	struct pt_kregion *regions, *reg = NULL;
	struct pt_kcopy *copy = NULL;
	struct pt_kclone *clones;
	struct pt_run *runs;
	size_t nreg = 0, nrun = 0, ncl = 0, maxreg, maxrun, maxcl;
	bool ended = false;
	struct ptw_line l;

	memset(k, 0, sizeof(*k));
	maxreg = count_lines(rest, "region ");
	maxrun = count_lines(rest, "run ");
	maxcl = count_lines(rest, "clone ");
	regions = xalloc((maxreg + 1) * sizeof(*regions));
	runs = xalloc((maxrun + 1) * sizeof(*runs));
	clones = xalloc((maxcl + 1) * sizeof(*clones));
	while ((line = ptw_next_line(&rest))) {
		parse_line(line, &l, "kernel");
		if (ended)
			bad_line_here("kernel");
		if (!strcmp(l.tag, "run") && reg && nrun < maxrun) {
			if (!reg->nr_runs)
				reg->runs = &runs[nrun];
			parse_run_line(&l, &runs[nrun++], "kernel");
			reg->nr_runs++;
		} else if (!strcmp(l.tag, "layout")) {
			k->levels = field_num(&l, "levels", "kernel");
			k->pti = field_on(&l, "pti");
		} else if (!strcmp(l.tag, "copy")) {
			copy = kernel_copy(&l, k, &regions[nreg]);
			reg = NULL;
		} else if (!strcmp(l.tag, "region") && copy && nreg < maxreg) {
			reg = &regions[nreg++];
			copy->nr_regions++;
			kernel_region(&l, reg);
		} else if (!strcmp(l.tag, "clone") && reg && ncl < maxcl) {
			if (!reg->nr_clones)
				reg->clones = &clones[ncl];
			kernel_clone(&l, &clones[ncl++]);
			reg->nr_clones++;
		} else if (!strcmp(l.tag, "end")) {
			k->nr_runs = field_num(&l, "runs", "kernel");
			k->nr_clones = field_num(&l, "clones", "kernel");
			ended = true;
		} else {
			bad_line_here("kernel");
		}
	}
	if (!ended)
		fatal(EXIT_FORMAT, "/proc/ptwalk/kernel: output cut short (no 'end' line)");
	if (!k->levels || !k->nr_copies)
		fatal(EXIT_FORMAT, "/proc/ptwalk/kernel: no 'layout' or 'copy' line");
	if (k->nr_runs != nrun || k->nr_clones != ncl)
		fatal(EXIT_FORMAT, "/proc/ptwalk/kernel: 'end runs=%zu clones=%zu' but %zu run and %zu clone lines",
		      k->nr_runs, k->nr_clones, nrun, ncl);
}

/* next=0x...|none */
static void next_field(const struct ptw_line *l, bool *has, unsigned long long *next)
{
	const char *v = field(l, "next", "sharing");

	*has = strcmp(v, "none") != 0;
	*next = *has ? parse_num(v, "sharing") : 0;
}

/* [user-]slot index= start= end= next= [kernel=] mapped= same= differ= [tables=] regions= */
static void sharing_slot(const struct ptw_line *l, struct pt_slot *s)
{
	const char *v;

	s->user = !strcmp(l->tag, "user-slot");
	s->index = field_num(l, "index", "sharing");
	s->start = field_num(l, "start", "sharing");
	s->end = field_num(l, "end", "sharing");
	next_field(l, &s->has_next, &s->next);
	if (s->user)
		copy_field(s->kernel, sizeof(s->kernel), field(l, "kernel", "sharing"),
			   "sharing");
	s->mapped = field_num(l, "mapped", "sharing");
	s->same = field_num(l, "same", "sharing");
	s->differ = field_num(l, "differ", "sharing");
	v = ptw_get(l, "tables");
	if (v) {
		s->has_tables = true;
		s->tables = parse_num(v, "sharing");
	}
	copy_flags(s->regions, sizeof(s->regions), field(l, "regions", "sharing"),
		   "sharing");
}

/* [user-]exception slot=INDEX pid=PID next=...: under its slot's line. */
static void sharing_exception(const struct ptw_line *l, struct pt_slot *s,
			      struct pt_exception *e)
{
	bool user = !strcmp(l->tag, "user-exception");

	if (!s || s->user != user || field_num(l, "slot", "sharing") != s->index)
		bad_line_here("sharing");
	if (!s->nr_exc)
		s->exc = e;
	s->nr_exc++;
	e->pid = field_num(l, "pid", "sharing");
	next_field(l, &e->has_next, &e->next);
}

static void sharing_total(const struct ptw_line *l, struct pt_sharing *sh)
{
	sh->processes = field_num(l, "processes", "sharing");
	sh->skipped = field_num(l, "skipped", "sharing");
	sh->in_use = field_num(l, "slots", "sharing");
	sh->shared_by_all = field_num(l, "shared_by_all", "sharing");
	sh->tables = field_num(l, "tables", "sharing");
	sh->saved_bytes = field_num(l, "saved_bytes", "sharing");
}

void parse_sharing(char *text, struct pt_sharing *sh)
{
	char *rest = parse_version(text, "sharing"), *line;
	size_t nslots, nexc = 0, maxexc;
	struct pt_exception *exc;
	struct pt_slot *slot = NULL;
	bool ended = false;
	struct ptw_line l;

	memset(sh, 0, sizeof(*sh));
	sh->lines = xstrdup(rest);	/* for JSON by the line rule */
	sh->user_copy = true;
	nslots = count_lines(rest, "slot ") + count_lines(rest, "user-slot ");
	sh->slots = xalloc((nslots + 1) * sizeof(*sh->slots));
	maxexc = count_lines(rest, "exception ") + count_lines(rest, "user-exception ");
	exc = xalloc((maxexc + 1) * sizeof(*exc));
	while ((line = ptw_next_line(&rest))) {
		parse_line(line, &l, "sharing");
		if (ended)
			bad_line_here("sharing");
		if (!strcmp(l.tag, "reader")) {
			sh->reader = field_num(&l, "pid", "sharing");
			sh->levels = field_num(&l, "levels", "sharing");
			sh->pti = field_on(&l, "pti");
			copy_field(sh->slot_size, sizeof(sh->slot_size),
				   field(&l, "slot_size", "sharing"), "sharing");
		} else if ((!strcmp(l.tag, "slot") || !strcmp(l.tag, "user-slot")) &&
			   sh->nr_slots < nslots) {
			slot = &sh->slots[sh->nr_slots++];
			sharing_slot(&l, slot);
		} else if ((!strcmp(l.tag, "exception") || !strcmp(l.tag, "user-exception")) &&
			   nexc < maxexc) {
			sharing_exception(&l, slot, &exc[nexc++]);
		} else if (!strcmp(l.tag, "user-copy")) {
			sh->user_copy = field_on(&l, "present");
		} else if (!strcmp(l.tag, "total")) {
			sharing_total(&l, sh);
		} else if (!strcmp(l.tag, "end")) {
			sh->exceptions = field_num(&l, "exceptions", "sharing");
			sh->unlisted = field_num(&l, "unlisted", "sharing");
			ended = true;
		} else {
			bad_line_here("sharing");
		}
	}
	if (!ended)
		fatal(EXIT_FORMAT, "/proc/ptwalk/sharing: output cut short (no 'end' line)");
	if (!sh->levels)
		fatal(EXIT_FORMAT, "/proc/ptwalk/sharing: no 'reader' line");
	if (sh->exceptions != nexc)
		fatal(EXIT_FORMAT, "/proc/ptwalk/sharing: 'end exceptions=%lu' but %zu exception lines",
		      sh->exceptions, nexc);
}
