// SPDX-License-Identifier: GPL-2.0
/*
 * The parser of /proc/ptwalk/sharing, as docs/interface.md writes it:
 * slots and the exceptions under each (the demo's step 9 reads it;
 * /proc/ptwalk/kernel is read line by line, render_kernel.c).
 * Unknown keys are ignored; unknown lines, missing required fields and a
 * missing "end" line are errors (EXIT_FORMAT).
 */
#include <string.h>

#include "parse.h"
#include "ptwalk.h"
#include "ptwfmt.h"

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
