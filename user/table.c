// SPDX-License-Identifier: GPL-2.0
/*
 * The human output of a module file shown as it is (info, whatis, tables,
 * sharing, alloc): an aligned table driven by its lines, the counterpart
 * of json_lines(). A tag that may repeat (PTW_TAGS) is a table, a row per
 * line and a column per key any row has, with the lines that belong under
 * a row as an indented table below it; any other line is a field a row
 * under its tag; a line without fields is left out. A command's notes add
 * a caption to a tag or a key, and a percentage column to a table. Byte
 * counts get their size for people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "parse.h"
#include "ptwalk.h"
#include "ptwfmt.h"
#include "table.h"

static const struct line_note *note(const struct line_note *notes, const char *tag,
				    const char *key)
{
	for (; notes && notes->tag; notes++)
		if (!strcmp(notes->tag, tag) && !notes->key == !key &&
		    (!key || !strcmp(notes->key, key)))
			return notes;
	return NULL;
}

static bool is_bytes(const char *key)
{
	size_t n = strlen(key);

	return !strcmp(key, "bytes") || (n > 6 && !strcmp(key + n - 6, "_bytes"));
}

/* @val, with its size for people when @key counts bytes. */
static const char *shown(const char *key, const char *val, char *buf, size_t size)
{
	char sz[SIZE_BUF];

	if (!is_bytes(key) || strspn(val, "0123456789") != strlen(val))
		return val;
	snprintf(buf, size, "%s (%s)", val, fmt_size(strtoull(val, NULL, 10), sz));
	return buf;
}

/* The percentage column of a table row, "" without one. */
static const char *percent(const struct line_note *pc, const struct ptw_line *l, char *buf)
{
	const char *part = pc ? ptw_get(l, pc->part) : NULL;
	const char *whole = pc ? ptw_get(l, pc->whole) : NULL;
	double w = whole ? strtod(whole, NULL) : 0;

	if (!part || !whole)
		return "";
	sprintf(buf, "%.1f%%", w ? 100.0 * strtod(part, NULL) / w : 0.0);
	return buf;
}

#define TABLE_MAX_COLS	PTW_MAX_FIELDS

/* Is the line at @p one of @tag's, or of a tag that belongs under @tag? */
static bool in_group(const char *file, const char *tag, const char *p)
{
	size_t n = strcspn(p, " \n");
	const struct ptw_tag *t;
	char name[64];

	if (!*p || n >= sizeof(name))
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	if (!strcmp(name, tag))
		return true;
	t = ptw_tag_find(file, name);
	return t && t->parent && !strcmp(t->parent, tag);
}

/*
 * The lines [p, e) of the repeating tag @tag as a table, a column per key
 * any of them has ("-" where a line lacks it); the lines that belong under
 * a row (an object under its allocation, an exception under its slot)
 * follow it as a table of their own, indented.
 */
static void print_group(FILE *out, const char *file, const char *tag, const char *p,
			const char *e, const struct line_note *notes, int indent)
{
	char buf[LINE_BUF], val[LINE_BUF], pbuf[16];
	const struct line_note *cap = note(notes, tag, NULL), *pc = NULL, *nt;
	int w[TABLE_MAX_COLS + 1] = { 0 }, i, k, n = 0, len;
	char *keys[TABLE_MAX_COLS];
	struct ptw_line l;
	const char *q, *qe;

	for (nt = notes; nt && nt->tag; nt++)
		if (!strcmp(nt->tag, tag) && nt->part)
			pc = nt;
	for (q = p; q < e; q = line_after(q)) {
		split_line(q, buf, &l, file);
		if (strcmp(l.tag, tag))
			continue;
		for (k = 0; k < l.n; k++) {
			for (i = 0; i < n && strcmp(keys[i], l.key[k]); i++)
				;
			if (i == n && n < TABLE_MAX_COLS) {
				keys[n] = xstrdup(l.key[k]);
				w[n++] = strlen(l.key[k]);
			}
		}
	}
	w[n] = pc ? strlen(pc->key) : 0;
	for (q = p; q < e; q = line_after(q)) {
		split_line(q, buf, &l, file);
		for (i = 0; i < n && !strcmp(l.tag, tag); i++) {
			const char *v = ptw_get(&l, keys[i]);

			len = strlen(shown(keys[i], v ? v : "-", val, sizeof(val)));
			w[i] = len > w[i] ? len : w[i];
		}
	}
	fprintf(out, "%*s%s%s%s%s%s\n", indent, "", col(C_BOLD), tag, cap ? ": " : "",
		cap ? cap->text : "", col(C_RESET));
	fprintf(out, "%*s", indent, "");
	for (i = 0; i < n; i++)
		fprintf(out, "  %-*s", i == n - 1 && !pc ? 0 : w[i], keys[i]);
	fprintf(out, "%s%s\n", pc ? "  " : "", pc ? pc->key : "");
	for (q = p; q < e; q = qe) {
		split_line(q, buf, &l, file);
		qe = line_after(q);
		if (strcmp(l.tag, tag)) {
			/* The run of one tag under the row above it. */
			char child[64];

			snprintf(child, sizeof(child), "%s", l.tag);
			while (qe < e && !strncmp(qe, child, strlen(child)) &&
			       qe[strlen(child)] == ' ')
				qe = line_after(qe);
			print_group(out, file, child, q, qe, notes, indent + 4);
			continue;
		}
		fprintf(out, "%*s", indent, "");
		for (i = 0; i < n; i++) {
			const char *v = ptw_get(&l, keys[i]);

			/* The last column unpadded: no blanks at the end of a line. */
			fprintf(out, "  %-*s", i == n - 1 && !pc ? 0 : w[i],
				shown(keys[i], v ? v : "-", val, sizeof(val)));
		}
		fprintf(out, "%s%s\n", pc ? "  " : "", percent(pc, &l, pbuf));
	}
}

void print_lines(FILE *out, const char *file, const char *body,
		 const struct line_note *notes)
{
	static char buf[LINE_BUF], val[LINE_BUF];
	int wtag = 0, wkey = 0, k;
	const struct ptw_tag *t;
	const struct line_note *nt;
	struct ptw_line l;
	const char *p, *e;

	/* The widths of the field rows: every single line's tag and keys. */
	for (p = body; *p; p = line_after(p)) {
		split_line(p, buf, &l, file);
		t = ptw_tag_find(file, l.tag);
		if (t && t->many)
			continue;
		wtag = (int)strlen(l.tag) > wtag ? (int)strlen(l.tag) : wtag;
		for (k = 0; k < l.n; k++)
			wkey = (int)strlen(l.key[k]) > wkey ? (int)strlen(l.key[k]) : wkey;
	}
	for (p = body; *p; p = e) {
		split_line(p, buf, &l, file);
		e = line_after(p);
		t = ptw_tag_find(file, l.tag);
		if (t && t->many) {
			while (in_group(file, t->tag, e))
				e = line_after(e);
			print_group(out, file, t->tag, p, e, notes, 0);
			continue;
		}
		nt = note(notes, l.tag, NULL);
		if (nt)
			fprintf(out, "%s# %s%s\n", col(C_DIM), nt->text, col(C_RESET));
		/* A line without fields ("end") carries nothing to show. */
		for (k = 0; k < l.n; k++) {
			nt = note(notes, l.tag, l.key[k]);
			fprintf(out, "%s%-*s%s %-*s %s", col(C_BOLD), wtag, k ? "" : l.tag,
				col(C_RESET), wkey, l.key[k],
				shown(l.key[k], l.val[k], val, sizeof(val)));
			if (nt)
				fprintf(out, "  %s%s%s", col(C_DIM), nt->text, col(C_RESET));
			fputc('\n', out);
		}
	}
}
