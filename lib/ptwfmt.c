// SPDX-License-Identifier: GPL-2.0
/*
 * The tokenizer of the /proc/ptwalk formats, shared by the tool and the
 * tests. It knows the grammar (include/ptwalk/format.h), not the files:
 * which tags and keys a file has is the business of its reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptwfmt.h"

const char *const ptw_flag_names[PTWF_NR] = { PTW_FLAG_NAMES };
const char *const ptw_cache_names[PTWC_NR] = { PTW_CACHE_NAMES };
const char *const ptw_np_names[PTWNP_NR] = { PTW_NP_NAMES };
const char *const ptw_region_names[PTWR_NR_IDS] = { PTW_REGION_NAMES };
static const char *const file_names[PTW_FILE_NR] = { PTW_FILE_NAMES };
static const int file_versions[PTW_FILE_NR] = { PTW_FILE_VERSIONS };

/* PTW_TAGS is four words a tag, without braces (checkpatch's rule for macros). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-braces"
const struct ptw_tag ptw_tags[] = { PTW_TAGS, { NULL, NULL, NULL, 0 } };
#pragma GCC diagnostic pop
static const char *const list_keys[] = { PTW_LIST_KEYS };
static const char *const text_keys[] = { PTW_TEXT_KEYS };

const struct ptw_tag *ptw_tag_find(const char *file, const char *tag)
{
	const struct ptw_tag *t;

	for (t = ptw_tags; t->file; t++)
		if (!strcmp(t->file, file) && !strcmp(t->tag, tag))
			return t;
	return NULL;
}

static bool key_in(const char *const *keys, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

bool ptw_list_key(const char *key)
{
	return key_in(list_keys, sizeof(list_keys) / sizeof(list_keys[0]), key);
}

bool ptw_text_key(const char *key)
{
	return key_in(text_keys, sizeof(text_keys) / sizeof(text_keys[0]), key);
}

int ptw_format_version(const char *name)
{
	int i;

	for (i = 0; i < PTW_FILE_NR; i++)
		if (!strcmp(file_names[i], name))
			return file_versions[i];
	return -1;
}

int ptw_tokenize(char *line, struct ptw_line *l)
{
	char *w;

	l->n = 0;
	l->tag = NULL;
	while ((w = strsep(&line, " "))) {
		char *eq;

		if (!*w)
			return -1;	/* two spaces, or one at either end */
		if (!l->tag) {
			l->tag = w;
			continue;
		}
		eq = strchr(w, '=');
		if (!eq || eq == w || !eq[1] || l->n == PTW_MAX_FIELDS)
			return -1;
		*eq = '\0';
		l->key[l->n] = w;
		l->val[l->n++] = eq + 1;
	}
	return l->tag ? 0 : -1;
}

const char *ptw_get(const struct ptw_line *l, const char *key)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->key[i], key))
			return l->val[i];
	return NULL;
}

int ptw_get_num(const struct ptw_line *l, const char *key, unsigned long long *v)
{
	return ptw_num(ptw_get(l, key), v);
}

int ptw_get_str(const struct ptw_line *l, const char *key, char *out, size_t size)
{
	const char *v = ptw_get(l, key);

	if (!v || strlen(v) >= size)
		return -1;
	strcpy(out, v);
	return 0;
}

char *ptw_next_line(char **rest)
{
	char *line = *rest, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*rest = nl + 1;
	} else {
		*rest = NULL;
	}
	return line;
}

int ptw_num(const char *s, unsigned long long *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	/* 0x-less leading zeros would read as octal; the module never prints them. */
	if (s[0] == '0' && s[1] && s[1] != 'x')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || (s[0] == '0' && s[1] == 'x' && !s[2]))
		return -1;
	return 0;
}

int ptw_range(const char *s, unsigned long long *start, unsigned long long *end)
{
	char buf[64];
	const char *dash = s ? strchr(s, '-') : NULL;

	if (!dash || (size_t)(dash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, dash - s);
	buf[dash - s] = '\0';
	return ptw_num(buf, start) || ptw_num(dash + 1, end) ? -1 : 0;
}

static int octal(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

void ptw_unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && octal(s[1]) >= 0 && octal(s[2]) >= 0 &&
		    octal(s[3]) >= 0) {
			*o++ = (char)(octal(s[1]) * 64 + octal(s[2]) * 8 + octal(s[3]));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

bool ptw_has_flag(const char *flags, const char *flag)
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

enum ptw_header ptw_header(const char *text, const char *name, int *got,
			   const char **body)
{
	char want[64];
	const char *nl = strchr(text, '\n');
	size_t n = snprintf(want, sizeof(want), "ptwalk-%s ", name);
	char *end;
	long v;

	*got = -1;
	if (!nl)
		return PTW_HEADER_EMPTY;
	if (strncmp(text, want, n))
		return PTW_HEADER_OTHER;
	v = strtol(text + n, &end, 10);
	if (end == text + n || end != nl || v < 0)
		return PTW_HEADER_OTHER;
	*got = (int)v;
	if (v != ptw_format_version(name))
		return PTW_HEADER_VERSION;
	*body = nl + 1;
	return PTW_HEADER_OK;
}

void ptw_header_message(char *buf, size_t size, const char *name,
			enum ptw_header h, int got, const char *module_version)
{
	int want = ptw_format_version(name);

	switch (h) {
	case PTW_HEADER_OK:
		snprintf(buf, size, "/proc/ptwalk/%s: ptwalk-%s %d", name, name, want);
		break;
	case PTW_HEADER_EMPTY:
		snprintf(buf, size, "/proc/ptwalk/%s: empty or cut short", name);
		break;
	case PTW_HEADER_OTHER:
		snprintf(buf, size, "/proc/ptwalk/%s: not a ptwalk-%s file", name, name);
		break;
	case PTW_HEADER_VERSION:
		snprintf(buf, size,
			 "/proc/ptwalk/%s has format ptwalk-%s %d (module %s); this ptwalk reads ptwalk-%s %d, which the ptwalk module %s prints",
			 name, name, got, module_version ? module_version : "of unknown version",
			 name, want, PTWALK_VERSION);
		break;
	}
}

bool ptw_find(const char *text, const char *tag, const char *key, char *out,
	      size_t size)
{
	size_t tl = strlen(tag), kl = strlen(key);
	const char *line, *p, *end;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		end = line + strcspn(line, "\n");
		if (strncmp(line, tag, tl) || (line[tl] != ' ' && line + tl != end))
			continue;
		for (p = line + tl; p < end; p++) {
			size_t n;

			if (p[0] != ' ' || strncmp(p + 1, key, kl) || p[1 + kl] != '=')
				continue;
			p += kl + 2;
			n = strcspn(p, " \n");
			if (n >= size)
				return false;
			memcpy(out, p, n);
			out[n] = '\0';
			ptw_unescape(out);
			return true;
		}
	}
	return false;
}
