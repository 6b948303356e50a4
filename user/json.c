// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output: members are written as they come, with the comma and
 * indentation decided by a per-depth "first member" flag. Strings are
 * escaped per RFC 8259 (quote, backslash, control characters); bytes of
 * 0x80 and above pass through, as file names are bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "parse.h"
#include "ptwfmt.h"
#include "ptwalk.h"

static void indent(struct json *j)
{
	int i;

	fputc('\n', j->out);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

void json_write_string(FILE *out, const char *s, size_t n)
{
	const char *end = s + n;
	size_t len;

	fputc('"', out);
	for (; s < end && *s; s += len) {
		unsigned char c = *s;

		len = utf8_char(s);
		if (len > 1 && s + len <= end) {
			fwrite(s, 1, len, out);
			continue;
		}
		if (len != 1) {
			/* A byte that is no character: the replacement character. */
			fputs("\\ufffd", out);
			len = 1;
		} else if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f || c == '<')
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void put_string(FILE *out, const char *s)
{
	json_write_string(out, s, strlen(s));
}

/* Comma, newline, indentation and "key": before a member. */
static void member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	indent(j);
	if (key) {
		put_string(j->out, key);
		fputs(": ", j->out);
	}
}

static void open_container(struct json *j, const char *key, char open, char close)
{
	member(j, key);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		fatal(EXIT_FAIL, "JSON nesting too deep");
	fputc(open, j->out);
	j->depth++;
	j->first[j->depth] = true;
	j->closer[j->depth] = close;
}

void json_open(struct json *j, FILE *out, const char *command)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	fputc('{', out);
	j->depth = 1;
	j->first[1] = true;
	j->closer[1] = '}';
	json_int(j, "ptwalk_json", PTWALK_JSON_VERSION);
	json_str(j, "command", command);
}

void json_end(struct json *j)
{
	char close = j->closer[j->depth];
	bool empty = j->first[j->depth];

	j->depth--;
	if (!empty)
		indent(j);
	fputc(close, j->out);
}

void json_close(struct json *j)
{
	while (j->depth > 0)
		json_end(j);
	fputc('\n', j->out);
}

void json_obj(struct json *j, const char *key)
{
	open_container(j, key, '{', '}');
}

void json_arr(struct json *j, const char *key)
{
	open_container(j, key, '[', ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	member(j, key);
	put_string(j->out, val);
}

void json_int(struct json *j, const char *key, long long val)
{
	member(j, key);
	fprintf(j->out, "%lld", val);
}

void json_uint(struct json *j, const char *key, unsigned long long val)
{
	member(j, key);
	fprintf(j->out, "%llu", val);
}

void json_hex(struct json *j, const char *key, unsigned long long val)
{
	member(j, key);
	fprintf(j->out, "\"0x%llx\"", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

static bool is_decimal(const char *s)
{
	s += *s == '-';
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	return strspn(s, "0123456789") == strlen(s);
}

/*
 * A value by the line rule: free text a string, yes/no a boolean, decimal a
 * number, else a string.
 */
static void json_scalar(struct json *j, const char *key, const char *val)
{
	if (key && ptw_text_key(key))
		json_str(j, key, val);
	else if (!strcmp(val, "yes") || !strcmp(val, "no"))
		json_bool(j, key, val[0] == 'y');
	else if (is_decimal(val))
		json_int(j, key, strtoll(val, NULL, 10));
	else
		json_str(j, key, val);
}

/* The fields of @l, a line split by split_line(). */
static void json_fields(struct json *j, const struct ptw_line *l)
{
	char item[PTW_VALUE_MAX];
	const char *p;
	size_t n;
	int i;

	for (i = 0; i < l->n; i++) {
		if (!ptw_list_key(l->key[i])) {
			json_scalar(j, l->key[i], l->val[i]);
			continue;
		}
		json_arr(j, l->key[i]);
		for (p = strcmp(l->val[i], "-") ? l->val[i] : ""; *p; p += n + !!p[n]) {
			n = strcspn(p, ",");
			snprintf(item, sizeof(item), "%.*s", (int)n, p);
			json_scalar(j, NULL, item);
		}
		json_end(j);
	}
}

/* The tag of the line at @p: its entry in @file's table, or NULL. */
static const struct ptw_tag *line_tag(const char *file, const char *p)
{
	char tag[32];
	size_t n = strcspn(p, " \n");

	if (n >= sizeof(tag))
		return NULL;
	memcpy(tag, p, n);
	tag[n] = '\0';
	return ptw_tag_find(file, tag);
}

/* Is @t below @anc (its child, its child's child...)? */
static bool below(const struct ptw_tag *t, const struct ptw_tag *anc)
{
	while (t && t->parent) {
		t = ptw_tag_find(t->file, t->parent);
		if (t == anc)
			return true;
	}
	return false;
}

/* The members for the lines in [from, to) whose tags belong to @parent. */
static void json_tags(struct json *j, const char *file, const char *parent,
		      const char *from, const char *to, const struct line_hooks *h)
{
	char buf[LINE_BUF];
	const struct ptw_tag *t;
	struct ptw_line l;
	const char *p, *e;

	for (t = ptw_tags; t->file; t++) {
		if (strcmp(t->file, file) || !t->parent != !parent ||
		    (parent && strcmp(t->parent, parent)))
			continue;
		if (t->many)
			json_arr(j, t->tag);
		for (p = from; p < to; p = line_after(p)) {
			if (line_tag(file, p) != t)
				continue;
			for (e = line_after(p); e < to && below(line_tag(file, e), t); )
				e = line_after(e);
			split_line(p, buf, &l, file);
			if (h && h->skip && h->skip(&l, h->ctx))
				continue;
			json_obj(j, t->many ? NULL : t->tag);
			json_fields(j, &l);
			if (h && h->extra)
				h->extra(j, &l, h->ctx);
			json_tags(j, file, t->tag, line_after(p), e, h);
			json_end(j);
			if (!t->many)
				break;
		}
		if (t->many)
			json_end(j);
	}
}

void json_lines_with(struct json *j, const char *file, const char *body,
		     const struct line_hooks *h)
{
	char buf[LINE_BUF];
	struct ptw_line l;
	const char *p;

	for (p = body; *p; p = line_after(p))
		split_line(p, buf, &l, file);	/* all of it well-formed first */
	json_tags(j, file, NULL, body, body + strlen(body), h);
}

void json_lines(struct json *j, const char *file, const char *body)
{
	json_lines_with(j, file, body, NULL);
}
