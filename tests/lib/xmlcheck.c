// SPDX-License-Identifier: GPL-2.0
/* A small XML well-formedness checker (no DTDs, no namespaces checks). */
#include <stdio.h>
#include <string.h>

#include "xmlcheck.h"

#define MAX_DEPTH	64
#define NAME_MAX_LEN	64

static int fail(char *why, size_t sz, const char *text, const char *p, const char *msg)
{
	snprintf(why, sz, "%s at offset %ld", msg, (long)(p - text));
	return -1;
}

static size_t name_len(const char *p)
{
	return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.-");
}

/* An entity reference at @p ("&...;"): its length, or 0 if not valid. */
static size_t entity_len(const char *p)
{
	static const char *const known[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strncmp(p, known[i], strlen(known[i])))
			return strlen(known[i]);
	if (p[1] == '#') {
		size_t n = p[2] == 'x' ? 3 + strspn(p + 3, "0123456789abcdefABCDEF")
				       : 2 + strspn(p + 2, "0123456789");

		if (n > 3 && p[n] == ';')
			return n + 1;
	}
	return 0;
}

int xml_check(const char *text, char *why, size_t sz)
{
	char stack[MAX_DEPTH][NAME_MAX_LEN];
	int depth = 0, roots = 0;
	const char *p = text;

	if (!strncmp(p, "<?xml", 5)) {
		p = strstr(p, "?>");
		if (!p)
			return fail(why, sz, text, text, "unterminated XML declaration");
		p += 2;
	}
	while (*p) {
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			return fail(why, sz, text, p, "control character");
		if (*p == '&') {
			size_t n = entity_len(p);

			if (!n)
				return fail(why, sz, text, p, "bad entity");
			p += n;
			continue;
		}
		if (*p != '<') {
			if (!depth && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
				return fail(why, sz, text, p, "text outside the root");
			p++;
			continue;
		}
		if (!strncmp(p, "<!--", 4)) {
			p = strstr(p + 4, "-->");
			if (!p)
				return fail(why, sz, text, text, "unterminated comment");
			p += 3;
			continue;
		}
		if (p[1] == '/') {
			size_t n = name_len(p + 2);

			if (!depth || n != strlen(stack[depth - 1]) ||
			    strncmp(p + 2, stack[depth - 1], n))
				return fail(why, sz, text, p, "mismatched end tag");
			depth--;
			p += 2 + n;
			while (*p == ' ' || *p == '\n')
				p++;
			if (*p != '>')
				return fail(why, sz, text, p, "bad end tag");
			p++;
			continue;
		}
		/* A start tag: name, attributes name="value", then > or />. */
		{
			size_t n = name_len(p + 1);

			if (!n || n >= NAME_MAX_LEN)
				return fail(why, sz, text, p, "bad tag name");
			if (!depth && roots++)
				return fail(why, sz, text, p, "second root element");
			if (depth == MAX_DEPTH)
				return fail(why, sz, text, p, "nesting too deep");
			memcpy(stack[depth], p + 1, n);
			stack[depth][n] = '\0';
			p += 1 + n;
			for (;;) {
				char q;
				size_t an;

				while (*p == ' ' || *p == '\n' || *p == '\t')
					p++;
				if (*p == '>') {
					depth++;
					p++;
					break;
				}
				if (p[0] == '/' && p[1] == '>') {
					p += 2;
					break;
				}
				an = name_len(p);
				if (!an || p[an] != '=' || (p[an + 1] != '"' && p[an + 1] != '\''))
					return fail(why, sz, text, p, "bad attribute");
				q = p[an + 1];
				p += an + 2;
				while (*p && *p != q) {
					if (*p == '<')
						return fail(why, sz, text, p, "'<' in attribute");
					if (*p == '&') {
						size_t en = entity_len(p);

						if (!en)
							return fail(why, sz, text, p, "bad entity");
						p += en;
						continue;
					}
					p++;
				}
				if (!*p)
					return fail(why, sz, text, p, "unterminated attribute");
				p++;
			}
		}
	}
	if (depth)
		return fail(why, sz, text, p, "unclosed element");
	if (!roots)
		return fail(why, sz, text, p, "no root element");
	return 0;
}
