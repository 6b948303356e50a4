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
#include "ptwalk.h"

#define MAX_WORDS	32

void bad_line(const char *file, const char *line)
{
	fatal(EXIT_FORMAT, "unexpected line in /proc/ptwalk/%s: '%.80s'", file, line);
}

char *parse_version(char *text, const char *name, int version)
{
	char want[64], *nl = strchr(text, '\n');
	size_t n;
	int got;

	if (!nl)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: empty or cut short", name);
	n = snprintf(want, sizeof(want), "ptwalk-%s ", name);
	if (strncmp(text, want, n))
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: not a ptwalk-%s file", name, name);
	got = atoi(text + n);
	if (got != version)
		fatal(EXIT_FORMAT,
		      "/proc/ptwalk/%s has format version %d; this ptwalk knows only %d (update the tool)",
		      name, got, version);
	return nl + 1;
}

int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *w;

	while ((w = strsep(&line, " \t")) && n < max) {
		if (*w)
			words[n++] = w;
	}
	return n;
}

const char *word_value(char **words, int n, const char *key)
{
	size_t kl = strlen(key);
	int i;

	for (i = 0; i < n; i++) {
		if (!strncmp(words[i], key, kl) && words[i][kl] == '=')
			return words[i] + kl + 1;
	}
	return NULL;
}

unsigned long long parse_num(const char *s, const char *file)
{
	unsigned long long v;
	char *end;

	if (!s || !*s)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: a required field is missing", file);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: bad number '%s'", file, s);
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
	size_t fl = strlen(flag);
	const char *p = flags;

	while ((p = strstr(p, flag))) {
		if ((p == flags || p[-1] == ',') && (p[fl] == ',' || !p[fl]))
			return true;
		p += fl;
	}
	return false;
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
	char *line, *rest = parse_version(text, "info", 2);
	char v[128];

	memset(info, 0, sizeof(*info));
	while ((line = strsep(&rest, "\n"))) {
		char *colon = strchr(line, ':');

		if (!*line)
			continue;
		if (!colon)
			bad_line("info", line);
		*colon = '\0';
		snprintf(v, sizeof(v), "%s", colon + 1 + (colon[1] == ' '));
		if (!strcmp(line, "version"))
			copy_field(info->version, sizeof(info->version), v, "info");
		else if (!strcmp(line, "release"))
			copy_field(info->release, sizeof(info->release), v, "info");
		else if (!strcmp(line, "paging_levels"))
			info->levels = parse_num(v, "info");
		else if (!strcmp(line, "pti"))
			info->pti = !strcmp(v, "on");
		else if (!strcmp(line, "page_size"))
			info->page_size = parse_num(v, "info");
		else if (!strcmp(line, "user_top"))
			info->user_top = parse_num(v, "info");
	}
	if (!info->levels || !info->page_size || !info->user_top)
		fatal(EXIT_FORMAT, "/proc/ptwalk/info: paging_levels, page_size or user_top missing");
}

/* Names escape newline and backslash as \ooo (maps' own rule). */
static char *unescape(const char *s)
{
	char *out = xalloc(strlen(s) + 1), *o = out;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* "START-END" in hex, with or without 0x. */
void parse_range(const char *s, unsigned long *start, unsigned long *end,
			const char *file)
{
	char *dash, *e1, *e2;

	dash = strchr(s, '-');
	if (!dash)
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: bad range '%s'", file, s);
	*start = strtoul(s, &e1, 16);
	*end = strtoul(dash + 1, &e2, 16);
	/* An end of 0 is the top of the address space (kernel, sharing). */
	if (e1 != dash || *e2 || (*end < *start && *end))
		fatal(EXIT_FORMAT, "/proc/ptwalk/%s: bad range '%s'", file, s);
}

/* vma START-END PERMS OFFSET MAJ:MIN INODE NAME (NAME may hold spaces) */
static void parse_vma_line(char *line, struct pt_vma *vma)
{
	char *f[6], *p = line + 4;
	int i;

	for (i = 0; i < 6; i++) {
		while (*p == ' ')
			p++;
		f[i] = p;
		p = strchr(p, ' ');
		if (!p && i < 5)
			bad_line("maps", line);
		if (p)
			*p++ = '\0';
	}
	parse_range(f[0], &vma->start, &vma->end, "maps");
	copy_field(vma->perms, sizeof(vma->perms), f[1], "maps");
	vma->offset = strtoull(f[2], NULL, 16);
	copy_field(vma->dev, sizeof(vma->dev), f[3], "maps");
	vma->inode = strtoul(f[4], NULL, 10);
	vma->name = unescape(f[5] ? f[5] : "");
}

void parse_run_line(char *line, struct pt_run *run, const char *file)
{
	char *w[MAX_WORDS];
	const char *v;
	int n = split_words(line, w, MAX_WORDS);

	if (n < 7)
		bad_line(file, line);
	parse_range(w[1], &run->start, &run->end, file);
	copy_field(run->size, sizeof(run->size), w[2], file);
	run->page_size = size_bytes(run->size);
	run->pages = parse_num(w[3], file);
	copy_field(run->kind, sizeof(run->kind), w[4], file);
	v = word_value(w, n, "pa");
	if (v) {
		run->has_pa = true;
		run->pa = parse_num(v, file);
	}
	v = word_value(w, n, "offset");
	if (v) {
		run->has_swap = true;
		run->offset = parse_num(v, file);
		run->type = parse_num(word_value(w, n, "type"), file);
	}
	v = word_value(w, n, "bits");
	if (v) {
		run->has_bits = true;
		run->bits = parse_num(v, file);
	}
	copy_flags(run->flags, sizeof(run->flags), word_value(w, n, "flags"), file);
	copy_field(run->cache, sizeof(run->cache), word_value(w, n, "cache"), file);
}

void parse_maps(char *text, struct pt_maps *maps)
{
	char *rest = parse_version(text, "maps", 1), *line, *w[MAX_WORDS];
	size_t nvma = 0, nrun = 0, vi = 0, ri = 0;
	bool ended = false;
	char *p;
	int n;

	memset(maps, 0, sizeof(*maps));
	/* First pass: count, so the arrays are allocated once. */
	for (p = rest; *p; p++) {
		if (p == rest || p[-1] == '\n') {
			nvma += !strncmp(p, "vma ", 4);
			nrun += !strncmp(p, "run ", 4);
		}
	}
	maps->vmas = xalloc((nvma + 1) * sizeof(*maps->vmas));
	while ((line = strsep(&rest, "\n"))) {
		if (!strncmp(line, "vma ", 4)) {
			struct pt_vma *vma = &maps->vmas[vi++];

			parse_vma_line(line, vma);
			vma->runs = xalloc((nrun - ri + 1) * sizeof(*vma->runs));
		} else if (!strncmp(line, "run ", 4)) {
			struct pt_vma *vma;

			if (!vi)
				bad_line("maps", line);
			vma = &maps->vmas[vi - 1];
			parse_run_line(line, &vma->runs[vma->nr_runs++], "maps");
			ri++;
		} else if (!strncmp(line, "target ", 7)) {
			n = split_words(line, w, MAX_WORDS);
			maps->pid = parse_num(word_value(w, n, "pid"), "maps");
			maps->levels = parse_num(word_value(w, n, "levels"), "maps");
			p = (char *)word_value(w, n, "pfn");
			maps->pfn_shown = p && !strcmp(p, "shown");
			p = (char *)word_value(w, n, "nonpresent");
			maps->nonpresent = p && !strcmp(p, "on");
		} else if (!strncmp(line, "end ", 4)) {
			n = split_words(line, w, MAX_WORDS);
			maps->nr_runs = parse_num(word_value(w, n, "runs"), "maps");
			ended = true;
		} else if (*line) {
			bad_line("maps", line);
		}
	}
	maps->nr_vmas = vi;
	if (!ended)
		fatal(EXIT_FORMAT, "/proc/ptwalk/maps: output cut short (no 'end' line)");
	if (maps->nr_runs != ri)
		fatal(EXIT_FORMAT, "/proc/ptwalk/maps: 'end runs=%zu' but %zu run lines",
		      maps->nr_runs, ri);
}

static void parse_level_line(char **w, int n, struct pt_level *lv)
{
	const char *v;
	int i;

	copy_field(lv->name, sizeof(lv->name), w[0], "walk");
	lv->index = parse_num(word_value(w, n, "index"), "walk");
	lv->entry = parse_num(word_value(w, n, "entry"), "walk");
	lv->raw = parse_num(word_value(w, n, "raw"), "walk");
	copy_flags(lv->flags, sizeof(lv->flags), word_value(w, n, "flags"), "walk");
	if ((v = word_value(w, n, "next"))) {
		lv->kind = PTE_KIND_TABLE;
		lv->next = parse_num(v, "walk");
	} else if ((v = word_value(w, n, "leaf"))) {
		lv->kind = PTE_KIND_LEAF;
		copy_field(lv->leaf, sizeof(lv->leaf), v, "walk");
		copy_field(lv->cache, sizeof(lv->cache), word_value(w, n, "cache"), "walk");
		lv->frame = parse_num(word_value(w, n, "frame"), "walk");
	} else {
		/* A bare word after flags= names a non-present kind. */
		lv->kind = PTE_KIND_NONE;
		for (i = 1; i < n; i++) {
			if (!strchr(w[i], '=')) {
				lv->kind = PTE_KIND_NONPRESENT;
				copy_field(lv->np_kind, sizeof(lv->np_kind), w[i], "walk");
			}
		}
		if ((v = word_value(w, n, "pa"))) {
			lv->np_has_pa = true;
			lv->np_pa = parse_num(v, "walk");
		}
		if ((v = word_value(w, n, "offset"))) {
			lv->np_offset = parse_num(v, "walk");
			lv->np_type = parse_num(word_value(w, n, "type"), "walk");
		}
	}
}

void parse_walk(char *text, struct pt_walk *walk)
{
	char *rest, *line, *w[MAX_WORDS];
	const char *v;
	bool done = false;
	int n;

	memset(walk, 0, sizeof(*walk));
	if (!*text)
		fatal(EXIT_FORMAT, "/proc/ptwalk/walk: empty answer");
	rest = parse_version(text, "walk", 1);
	while ((line = strsep(&rest, "\n"))) {
		n = split_words(line, w, MAX_WORDS);
		if (!n)
			continue;
		if (!strcmp(w[0], "target")) {
			if (n < 2)
				bad_line("walk", line);
			walk->kernel = !strcmp(w[1], "kernel");
			if (!walk->kernel)
				walk->pid = parse_num(word_value(w, n, "pid"), "walk");
			walk->va = parse_num(word_value(w, n, "va"), "walk");
			walk->levels = parse_num(word_value(w, n, "levels"), "walk");
			v = word_value(w, n, "pti");
			walk->pti = v && !strcmp(v, "on");
			v = word_value(w, n, "pfn");
			walk->pfn_shown = v && !strcmp(v, "shown");
		} else if (!strcmp(w[0], "top")) {
			walk->has_top = true;
			walk->top = parse_num(word_value(w, n, "pa"), "walk");
		} else if (!strcmp(w[0], "pa") && n == 2) {
			walk->translated = true;
			walk->pa = parse_num(w[1], "walk");
			done = true;
		} else if (!strcmp(w[0], "stop") && n >= 2) {
			copy_field(walk->stop, sizeof(walk->stop), w[1], "walk");
			if ((v = word_value(w, n, "level")))
				copy_field(walk->stop_level, sizeof(walk->stop_level), v, "walk");
			if ((v = word_value(w, n, "kind")))
				copy_field(walk->stop_kind, sizeof(walk->stop_kind), v, "walk");
			if ((v = word_value(w, n, "offset"))) {
				walk->stop_has_swap = true;
				walk->stop_offset = parse_num(v, "walk");
				walk->stop_type = parse_num(word_value(w, n, "type"), "walk");
			}
			done = true;
		} else if (word_value(w, n, "index") && walk->nr_levels < PT_MAX_LEVELS) {
			parse_level_line(w, n, &walk->level[walk->nr_levels++]);
		} else {
			bad_line("walk", line);
		}
	}
	if (!done)
		fatal(EXIT_FORMAT, "/proc/ptwalk/walk: output cut short (no 'pa' or 'stop' line)");
}
