// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the kernel half's files, as docs/interface.md writes them:
 * /proc/ptwalk/kernel ("ptwalk-kernel 1": copies, regions, the runs and
 * clones inside each region) and /proc/ptwalk/sharing ("ptwalk-sharing 1":
 * slots and the exceptions under each). Lines of a word and "key=value"
 * fields; unknown keys are ignored, unknown lines, missing required fields
 * and a missing "end" line are errors (EXIT_FORMAT).
 */
#include <string.h>

#include "parse.h"
#include "ptwalk.h"

#define MAX_WORDS	32

static bool on(char **w, int n, const char *key)
{
	const char *v = word_value(w, n, key);

	return v && !strcmp(v, "on");
}

/* A field that must be there, as a number. */
static unsigned long long num(char **w, int n, const char *key, const char *file)
{
	return parse_num(word_value(w, n, key), file);
}

/* layout levels=L pti=on|off */
static void kernel_layout(char **w, int n, struct pt_kernel *k)
{
	k->levels = num(w, n, "levels", "kernel");
	k->pti = on(w, n, "pti");
}

/* copy kernel|user top=0x... */
static struct pt_kcopy *kernel_copy(char **w, int n, char *line,
				    struct pt_kernel *k,
				    struct pt_kregion *next_region)
{
	struct pt_kcopy *c;

	if (n < 3 || k->nr_copies == 2)
		bad_line("kernel", line);
	c = &k->copy[k->nr_copies++];
	copy_field(c->name, sizeof(c->name), w[1], "kernel");
	c->top = num(w, n, "top", "kernel");
	c->regions = next_region;
	return c;
}

/* clone START-END LEVEL COUNT next=0x... */
static void kernel_clone(char **w, int n, char *line, struct pt_kclone *c)
{
	if (n < 5)
		bad_line("kernel", line);
	parse_range(w[1], &c->start, &c->end, "kernel");
	copy_field(c->level, sizeof(c->level), w[2], "kernel");
	c->count = parse_num(w[3], "kernel");
	c->next = num(w, n, "next", "kernel");
}

void parse_kernel(char *text, struct pt_kernel *k)
{
	char *rest = parse_version(text, "kernel", 1), *line, *w[MAX_WORDS];
	struct pt_kregion *regions, *reg = NULL;
	struct pt_kcopy *copy = NULL;
	struct pt_kclone *clones;
	struct pt_run *runs;
	size_t nreg = 0, nrun = 0, ncl = 0;
	bool ended = false;
	int n;

	memset(k, 0, sizeof(*k));
	regions = xalloc((count_lines(rest, "region ") + 1) * sizeof(*regions));
	runs = xalloc((count_lines(rest, "run ") + 1) * sizeof(*runs));
	clones = xalloc((count_lines(rest, "clone ") + 1) * sizeof(*clones));
	while ((line = strsep(&rest, "\n"))) {
		if (!*line)
			continue;
		if (ended)
			bad_line("kernel", line);
		if (!strncmp(line, "run ", 4)) {
			if (!reg)
				bad_line("kernel", line);
			if (!reg->nr_runs)
				reg->runs = &runs[nrun];
			parse_run_line(line, &runs[nrun++], "kernel");
			reg->nr_runs++;
			continue;
		}
		n = split_words(line, w, MAX_WORDS);
		if (!strcmp(w[0], "layout")) {
			kernel_layout(w, n, k);
		} else if (!strcmp(w[0], "copy")) {
			copy = kernel_copy(w, n, line, k, &regions[nreg]);
			reg = NULL;
		} else if (!strcmp(w[0], "region") && copy && n == 3) {
			reg = &regions[nreg++];
			copy->nr_regions++;
			parse_range(w[1], &reg->start, &reg->end, "kernel");
			copy_field(reg->name, sizeof(reg->name), w[2], "kernel");
		} else if (!strcmp(w[0], "clone") && reg) {
			if (!reg->nr_clones)
				reg->clones = &clones[ncl];
			kernel_clone(w, n, line, &clones[ncl++]);
			reg->nr_clones++;
		} else if (!strcmp(w[0], "end")) {
			k->nr_runs = num(w, n, "runs", "kernel");
			k->nr_clones = num(w, n, "clones", "kernel");
			ended = true;
		} else {
			bad_line("kernel", line);
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

/* reader pid=N levels=L pti=on|off slot_size=S */
static void sharing_reader(char **w, int n, struct pt_sharing *sh)
{
	sh->reader = num(w, n, "pid", "sharing");
	sh->levels = num(w, n, "levels", "sharing");
	sh->pti = on(w, n, "pti");
	copy_field(sh->slot_size, sizeof(sh->slot_size),
		   word_value(w, n, "slot_size"), "sharing");
}

/* next=0x...|none */
static void next_field(char **w, int n, bool *has, unsigned long long *next)
{
	const char *v = word_value(w, n, "next");

	*has = v && strcmp(v, "none");
	*next = *has ? parse_num(v, "sharing") : 0;
}

/* [user-]slot INDEX START-END next= [kernel=] mapped= same= differ= [tables=] regions= */
static void sharing_slot(char **w, int n, char *line, struct pt_slot *s)
{
	const char *v;

	if (n < 4)
		bad_line("sharing", line);
	s->user = !strcmp(w[0], "user-slot");
	s->index = parse_num(w[1], "sharing");
	parse_range(w[2], &s->start, &s->end, "sharing");
	next_field(w, n, &s->has_next, &s->next);
	if (s->user)
		copy_field(s->kernel, sizeof(s->kernel), word_value(w, n, "kernel"),
			   "sharing");
	s->mapped = num(w, n, "mapped", "sharing");
	s->same = num(w, n, "same", "sharing");
	s->differ = num(w, n, "differ", "sharing");
	v = word_value(w, n, "tables");
	if (v) {
		s->has_tables = true;
		s->tables = parse_num(v, "sharing");
	}
	copy_flags(s->regions, sizeof(s->regions), word_value(w, n, "regions"),
		   "sharing");
}

/* [user-]exception slot=INDEX pid=PID next=...: under its slot's line. */
static void sharing_exception(char **w, int n, char *line, struct pt_slot *s,
			      struct pt_exception *e)
{
	bool user = !strcmp(w[0], "user-exception");

	if (!s || s->user != user || num(w, n, "slot", "sharing") != s->index)
		bad_line("sharing", line);
	if (!s->nr_exc)
		s->exc = e;
	s->nr_exc++;
	e->pid = num(w, n, "pid", "sharing");
	next_field(w, n, &e->has_next, &e->next);
}

static void sharing_total(char **w, int n, struct pt_sharing *sh)
{
	sh->processes = num(w, n, "processes", "sharing");
	sh->skipped = num(w, n, "skipped", "sharing");
	sh->in_use = num(w, n, "slots", "sharing");
	sh->shared_by_all = num(w, n, "shared_by_all", "sharing");
	sh->tables = num(w, n, "tables", "sharing");
	sh->saved_bytes = num(w, n, "saved_bytes", "sharing");
}

void parse_sharing(char *text, struct pt_sharing *sh)
{
	char *rest = parse_version(text, "sharing", 1), *line, *w[MAX_WORDS];
	size_t nslots, nexc = 0;
	struct pt_exception *exc;
	struct pt_slot *slot = NULL;
	bool ended = false;
	int n;

	memset(sh, 0, sizeof(*sh));
	sh->user_copy = true;
	nslots = count_lines(rest, "slot ") + count_lines(rest, "user-slot ");
	sh->slots = xalloc((nslots + 1) * sizeof(*sh->slots));
	exc = xalloc((count_lines(rest, "exception ") +
		      count_lines(rest, "user-exception ") + 1) * sizeof(*exc));
	while ((line = strsep(&rest, "\n"))) {
		if (!*line)
			continue;
		if (ended)
			bad_line("sharing", line);
		n = split_words(line, w, MAX_WORDS);
		if (!strcmp(w[0], "reader")) {
			sharing_reader(w, n, sh);
		} else if (!strcmp(w[0], "slot") || !strcmp(w[0], "user-slot")) {
			slot = &sh->slots[sh->nr_slots++];
			sharing_slot(w, n, line, slot);
		} else if (!strcmp(w[0], "exception") ||
			   !strcmp(w[0], "user-exception")) {
			sharing_exception(w, n, line, slot, &exc[nexc++]);
		} else if (!strcmp(w[0], "user-copy") && n == 2 && !strcmp(w[1], "none")) {
			sh->user_copy = false;
		} else if (!strcmp(w[0], "total")) {
			sharing_total(w, n, sh);
		} else if (!strcmp(w[0], "end")) {
			sh->exceptions = num(w, n, "exceptions", "sharing");
			sh->unlisted = num(w, n, "unlisted", "sharing");
			ended = true;
		} else {
			bad_line("sharing", line);
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
