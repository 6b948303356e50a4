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

#include "json.h"
#include "ptwfmt.h"
#include "ptwalk.h"

static void indent(struct json *j)
{
	int i;

	fputc('\n', j->out);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
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

void json_list(struct json *j, const char *key, const char *csv)
{
	char item[64];
	const char *p = csv, *comma;

	json_arr(j, key);
	while (p && *p) {
		size_t n;

		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof(item))
			n = sizeof(item) - 1;
		memcpy(item, p, n);
		item[n] = '\0';
		json_str(j, NULL, item);
		p = comma ? comma + 1 : NULL;
	}
	json_end(j);
}

static bool is_decimal(const char *s)
{
	s += *s == '-';
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	return strspn(s, "0123456789") == strlen(s);
}

void json_line(struct json *j, const char *key, const struct ptw_line *l)
{
	char val[PTW_VALUE_MAX];
	int i;

	json_obj(j, key ? key : l->tag);
	for (i = 0; i < l->n; i++) {
		snprintf(val, sizeof(val), "%s", l->val[i]);
		ptw_unescape(val);
		if (!strcmp(l->key[i], "flags"))
			json_list(j, l->key[i], strcmp(val, "-") ? val : "");
		else if (!strcmp(val, "yes") || !strcmp(val, "no"))
			json_bool(j, l->key[i], val[0] == 'y');
		else if (is_decimal(val))
			json_int(j, l->key[i], strtoll(val, NULL, 10));
		else
			json_str(j, l->key[i], val);
	}
	json_end(j);
}
