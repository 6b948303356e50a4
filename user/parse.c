// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the module's formats, exactly as docs/interface.md writes
 * them: a version line, then "key: value" lines (info) or lines of a word
 * and "key=value" fields (maps, walk). Unknown keys are ignored so that a
 * module may add fields within a version; missing required ones and
 * unknown versions are errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "ptwfmt.h"
#include "ptwalk.h"

#define MAX_WORDS	32

void bad_line(const char *file, const char *line)
{
	fatal(EXIT_FORMAT, "unexpected line in /proc/ptwalk/%s: '%.80s'", file, line);
}

/*
 * What the loaded module says of its release, for the message about a
 * version this tool does not read: "module version=" in info format 3,
 * "version: " before it.
 */
static const char *module_version(char *buf, size_t size)
{
	FILE *f = fopen("/proc/ptwalk/info", "r");
	char line[256];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		found = ptw_find(line, "module", "version", buf, size) ||
			(!strncmp(line, "version: ", 9) &&
			 snprintf(buf, size, "%s", line + 9) >= 0);
	}
	if (f)
		fclose(f);
	return found ? buf : NULL;
}

char *parse_version(char *text, const char *name)
{
	enum ptw_header h;
	const char *body;
	char msg[512], mv[64];
	int got;

	h = ptw_header(text, name, &got, &body);
	if (h == PTW_HEADER_OK)
		return (char *)body;
	ptw_header_message(msg, sizeof(msg), name, h, got,
			   h == PTW_HEADER_VERSION ? module_version(mv, sizeof(mv)) : NULL);
	fatal(EXIT_FORMAT, "%s", msg);
}

static bool has_end(const char *p)
{
	for (; *p; p = line_after(p))
		if (!strncmp(p, "end", 3) && (p[3] == ' ' || p[3] == '\n' || !p[3]))
			return true;
	return false;
}

char *lines_body(char *text, const char *name)
{
	char *body = parse_version(text, name);

	/* A file that ends with an "end" line was cut short without it. */
	if (ptw_tag_find(name, "end") && !has_end(body))
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: output cut short (no 'end' line)", name);
	return body;
}

/* The line being parsed, as the module wrote it, for error messages. */
static char current[96];

void bad_line_here(const char *file)
{
	bad_line(file, current);
}

void parse_line(char *line, struct ptw_line *l, const char *file)
{
	snprintf(current, sizeof(current), "%s", line);
	if (ptw_tokenize(line, l))
		bad_line(file, current);
}

const char *line_after(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

void split_line(const char *p, char *buf, struct ptw_line *l, const char *file)
{
	size_t n = strcspn(p, "\n");
	int i;

	if (n >= LINE_BUF)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: a line longer than %d bytes", file,
		      LINE_BUF - 1);
	memcpy(buf, p, n);
	buf[n] = '\0';
	parse_line(buf, l, file);
	for (i = 0; i < l->n; i++)
		ptw_unescape(l->val[i]);
}

const char *field(const struct ptw_line *l, const char *key, const char *file)
{
	const char *v = ptw_get(l, key);

	if (!v)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: no '%s=' in '%.80s'", file, key, current);
	return v;
}

unsigned long long field_num(const struct ptw_line *l, const char *key, const char *file)
{
	return parse_num(field(l, key, file), file);
}

bool field_on(const struct ptw_line *l, const char *key)
{
	const char *v = ptw_get(l, key);

	return v && (!strcmp(v, "on") || !strcmp(v, "yes"));
}

unsigned long long parse_num(const char *s, const char *file)
{
	unsigned long long v;

	if (!s || !*s)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: a required field is missing", file);
	if (ptw_num(s, &v))
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: bad number '%.40s'", file, s);
	return v;
}

unsigned long size_bytes(const char *name)
{
	static const char units[] = "KMGTPE";
	const char *u;
	unsigned long v;
	char *end;

	if (name[0] < '0' || name[0] > '9')
		return 0;
	v = strtoul(name, &end, 10);
	u = *end ? strchr(units, *end) : NULL;
	if (!u || end[1] || v >= 1024)
		return 0;
	return v << (10 * (u - units + 1));
}

bool has_flag(const char *flags, const char *flag)
{
	return ptw_has_flag(flags, flag);
}

size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, pl);
	return n;
}

void copy_field(char *dst, size_t sz, const char *src, const char *file)
{
	if (!src)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: a required field is missing", file);
	if (strlen(src) >= sz)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: field too long: '%.40s'", file, src);
	strcpy(dst, src);
}

/* "-" means no flags; the tool keeps the empty string instead. */
void copy_flags(char *dst, size_t sz, const char *src, const char *file)
{
	copy_field(dst, sz, src, file);
	if (!strcmp(dst, "-"))
		dst[0] = '\0';
}

void parse_info(char *text, struct pt_info *info)
{
	char *rest = parse_version(text, "info"), *line;
	struct ptw_line l;

	memset(info, 0, sizeof(*info));
	info->lines = xstrdup(rest);
	while ((line = ptw_next_line(&rest))) {
		parse_line(line, &l, "info");
		if (!strcmp(l.tag, "kernel"))
			info->user_top = field_num(&l, "user_top", "info");
	}
	if (!info->user_top)
		fatal(EXIT_FORMAT, "/proc/ptwalk/info: no user_top");
}

/* A string value, unescaped, in memory of its own. */
static char *string_value(const char *v)
{
	char *out = xalloc(strlen(v) + 1);

	strcpy(out, v);
	ptw_unescape(out);
	return out;
}

/* vma start= end= perms= offset= dev= inode= [name=] */
static void parse_vma_line(const struct ptw_line *l, struct pt_vma *vma)
{
	const char *name = ptw_get(l, "name");

	vma->start = field_num(l, "start", "maps");
	vma->end = field_num(l, "end", "maps");
	if (vma->end <= vma->start)
		bad_line_here("maps");
	copy_field(vma->perms, sizeof(vma->perms), field(l, "perms", "maps"), "maps");
	vma->offset = field_num(l, "offset", "maps");
	copy_field(vma->dev, sizeof(vma->dev), field(l, "dev", "maps"), "maps");
	vma->inode = field_num(l, "inode", "maps");
	vma->name = string_value(name ? name : "");
}

void parse_run_line(const struct ptw_line *l, struct pt_run *run, const char *file)
{
	const char *v;

	run->start = field_num(l, "start", file);
	run->end = field_num(l, "end", file);
	/* An end of 0 is the top of the address space (kernel). */
	if (run->end <= run->start && run->end)
		bad_line_here(file);
	copy_field(run->size, sizeof(run->size), field(l, "size", file), file);
	run->page_size = size_bytes(run->size);
	run->pages = field_num(l, "pages", file);
	copy_field(run->kind, sizeof(run->kind), field(l, "kind", file), file);
	if ((v = ptw_get(l, "pa"))) {
		run->has_pa = true;
		run->pa = parse_num(v, file);
	}
	if ((v = ptw_get(l, "offset"))) {
		run->has_swap = true;
		run->offset = parse_num(v, file);
		run->type = field_num(l, "type", file);
	}
	if ((v = ptw_get(l, "bits"))) {
		run->has_bits = true;
		run->bits = parse_num(v, file);
	}
	copy_flags(run->flags, sizeof(run->flags), field(l, "flags", file), file);
	copy_field(run->cache, sizeof(run->cache), field(l, "cache", file), file);
}

void parse_maps(char *text, struct pt_maps *maps)
{
	char *rest = parse_version(text, "maps"), *line;
	size_t nvma, nrun, vi = 0, ri = 0;
	bool ended = false;
	struct ptw_line l;

	memset(maps, 0, sizeof(*maps));
	maps->lines = xstrdup(rest);
	/* Count first, so the arrays are allocated once. */
	nvma = count_lines(rest, "vma ");
	nrun = count_lines(rest, "run ");
	maps->vmas = xalloc((nvma + 1) * sizeof(*maps->vmas));
	while ((line = ptw_next_line(&rest))) {
		parse_line(line, &l, "maps");
		if (ended)
			bad_line_here("maps");
		if (!strcmp(l.tag, "vma") && vi < nvma) {
			struct pt_vma *vma = &maps->vmas[vi++];

			parse_vma_line(&l, vma);
			vma->runs = xalloc((nrun - ri + 1) * sizeof(*vma->runs));
		} else if (!strcmp(l.tag, "run") && vi && ri < nrun) {
			struct pt_vma *vma = &maps->vmas[vi - 1];

			parse_run_line(&l, &vma->runs[vma->nr_runs++], "maps");
			ri++;
		} else if (!strcmp(l.tag, "target")) {
			maps->pid = field_num(&l, "pid", "maps");
			maps->levels = field_num(&l, "levels", "maps");
			maps->pfn_shown = !strcmp(field(&l, "pfn", "maps"), "shown");
		} else if (!strcmp(l.tag, "end")) {
			maps->nr_runs = field_num(&l, "runs", "maps");
			ended = true;
		} else {
			bad_line_here("maps");
		}
	}
	maps->nr_vmas = vi;
	if (!ended)
		fatal(EXIT_FORMAT, "/proc/ptwalk/maps: output cut short (no 'end' line)");
	if (maps->nr_runs != ri)
		fatal(EXIT_FORMAT, "/proc/ptwalk/maps: 'end runs=%zu' but %zu run lines",
		      maps->nr_runs, ri);
}

/* level name= [copy=user] index= entry= raw= flags= and what the entry is. */
static void parse_level_line(const struct ptw_line *l, struct pt_level *lv)
{
	const char *v, *copy = ptw_get(l, "copy");

	snprintf(lv->name, sizeof(lv->name), "%.3s%s", field(l, "name", "walk"),
		 copy && !strcmp(copy, "user") ? "-user" : "");
	lv->index = field_num(l, "index", "walk");
	lv->entry = field_num(l, "entry", "walk");
	lv->raw = field_num(l, "raw", "walk");
	copy_flags(lv->flags, sizeof(lv->flags), field(l, "flags", "walk"), "walk");
	if ((v = ptw_get(l, "next"))) {
		lv->kind = PTE_KIND_TABLE;
		lv->next = parse_num(v, "walk");
	} else if ((v = ptw_get(l, "leaf"))) {
		lv->kind = PTE_KIND_LEAF;
		copy_field(lv->leaf, sizeof(lv->leaf), v, "walk");
		copy_field(lv->cache, sizeof(lv->cache), field(l, "cache", "walk"), "walk");
		lv->frame = field_num(l, "frame", "walk");
	} else if ((v = ptw_get(l, "kind"))) {
		lv->kind = PTE_KIND_NONPRESENT;
		copy_field(lv->np_kind, sizeof(lv->np_kind), v, "walk");
	} else {
		lv->kind = PTE_KIND_NONE;
	}
}

void parse_walk(char *text, struct pt_walk *walk)
{
	char *rest, *line;
	const char *v;
	bool done = false;
	struct ptw_line l;

	memset(walk, 0, sizeof(*walk));
	if (!*text)
		fatal(EXIT_FORMAT, "/proc/ptwalk/walk: empty answer");
	rest = parse_version(text, "walk");
	walk->lines = xstrdup(rest);
	while ((line = ptw_next_line(&rest))) {
		parse_line(line, &l, "walk");
		if (done)
			bad_line_here("walk");
		if (!strcmp(l.tag, "target")) {
			walk->kernel = !strcmp(field(&l, "space", "walk"), "kernel");
			if (!walk->kernel)
				walk->pid = field_num(&l, "pid", "walk");
			walk->va = field_num(&l, "va", "walk");
			walk->levels = field_num(&l, "levels", "walk");
			walk->pti = field_on(&l, "pti");
			walk->pfn_shown = !strcmp(field(&l, "pfn", "walk"), "shown");
		} else if (!strcmp(l.tag, "top")) {
			walk->has_top = true;
			walk->top = field_num(&l, "pa", "walk");
		} else if (!strcmp(l.tag, "result")) {
			walk->translated = true;
			walk->pa = field_num(&l, "pa", "walk");
			done = true;
		} else if (!strcmp(l.tag, "stop")) {
			copy_field(walk->stop, sizeof(walk->stop), field(&l, "reason", "walk"), "walk");
			if ((v = ptw_get(&l, "level")))
				copy_field(walk->stop_level, sizeof(walk->stop_level), v, "walk");
			if ((v = ptw_get(&l, "kind")))
				copy_field(walk->stop_kind, sizeof(walk->stop_kind), v, "walk");
			done = true;
		} else if (!strcmp(l.tag, "level") && walk->nr_levels < PT_MAX_LEVELS) {
			parse_level_line(&l, &walk->level[walk->nr_levels++]);
		} else {
			bad_line_here("walk");
		}
	}
	if (!done)
		fatal(EXIT_FORMAT, "/proc/ptwalk/walk: output cut short (no 'result' or 'stop' line)");
}
