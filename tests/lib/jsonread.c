// SPDX-License-Identifier: GPL-2.0
/* Recursive-descent JSON reader (RFC 8259, \u escapes kept as '?'). */
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

struct reader {
	const char *s;
	size_t at;
	bool bad;
};

static void ws(struct reader *r)
{
	while (r->s[r->at] == ' ' || r->s[r->at] == '\n' || r->s[r->at] == '\t' ||
	       r->s[r->at] == '\r')
		r->at++;
}

static struct jval *node(enum jtype t)
{
	struct jval *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

static char *string(struct reader *r)
{
	size_t cap = 16, n = 0;
	char *out = malloc(cap);

	if (!out || r->s[r->at] != '"')
		goto bad;
	r->at++;
	while (r->s[r->at] != '"') {
		char c = r->s[r->at++];

		if (!c || (unsigned char)c < 0x20)
			goto bad;
		if (c == '\\') {
			c = r->s[r->at++];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				if (strspn(r->s + r->at, "0123456789abcdefABCDEF") < 4)
					goto bad;
				/* ASCII as itself ("\u003c" in the explorer page), else '?'. */
				{
					char hex[5] = { 0 };
					long u;

					memcpy(hex, r->s + r->at, 4);
					u = strtol(hex, NULL, 16);
					c = u > 0 && u < 0x80 ? (char)u : '?';
				}
				r->at += 4;
				break;
			case '"': case '\\': case '/': break;
			default: goto bad;
			}
		}
		if (n + 2 > cap) {
			char *nb = realloc(out, cap *= 2);

			if (!nb)
				goto bad;
			out = nb;
		}
		out[n++] = c;
	}
	r->at++;
	out[n] = '\0';
	return out;
bad:
	free(out);
	r->bad = true;
	return NULL;
}

static struct jval *value(struct reader *r, int depth);

static bool add(struct jval *v, struct jval *item, char *key)
{
	struct jval **ni = realloc(v->items, (v->n + 1) * sizeof(*ni));
	char **nk;

	if (!ni)
		return false;
	v->items = ni;
	if (v->type == J_OBJ) {
		nk = realloc(v->keys, (v->n + 1) * sizeof(*nk));
		if (!nk)
			return false;
		v->keys = nk;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return true;
}

static struct jval *container(struct reader *r, int depth, bool obj)
{
	struct jval *v = node(obj ? J_OBJ : J_ARR);
	char close = obj ? '}' : ']';

	r->at++;
	ws(r);
	if (r->s[r->at] == close) {
		r->at++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jval *item;

		ws(r);
		if (obj) {
			key = string(r);
			ws(r);
			if (!key || r->s[r->at] != ':') {
				free(key);
				goto bad;
			}
			r->at++;
		}
		item = value(r, depth + 1);
		if (!item || !add(v, item, key)) {
			free(key);
			jfree(item);
			goto bad;
		}
		ws(r);
		if (r->s[r->at] == ',') {
			r->at++;
			continue;
		}
		if (r->s[r->at] == close) {
			r->at++;
			return v;
		}
		goto bad;
	}
bad:
	r->bad = true;
	jfree(v);
	return NULL;
}

static struct jval *value(struct reader *r, int depth)
{
	const char *p;
	struct jval *v;
	size_t n;

	ws(r);
	if (depth > 64) {
		r->bad = true;
		return NULL;
	}
	p = r->s + r->at;
	if (*p == '{' || *p == '[')
		return container(r, depth, *p == '{');
	if (*p == '"') {
		v = node(J_STR);
		v->text = string(r);
		if (!v->text) {
			jfree(v);
			return NULL;
		}
		return v;
	}
	if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
		v = node(J_BOOL);
		v->boolean = *p == 't';
		r->at += v->boolean ? 4 : 5;
		return v;
	}
	if (!strncmp(p, "null", 4)) {
		r->at += 4;
		return node(J_NULL);
	}
	n = strspn(p, "-+0123456789.eE");
	if (!n || (*p != '-' && (*p < '0' || *p > '9'))) {
		r->bad = true;
		return NULL;
	}
	v = node(J_NUM);
	v->text = strndup(p, n);
	r->at += n;
	return v;
}

struct jval *jparse(const char *text, size_t *err_at)
{
	struct reader r = { .s = text };
	struct jval *v = value(&r, 0);

	ws(&r);
	if (!v || r.bad || r.s[r.at]) {
		if (err_at)
			*err_at = r.at;
		jfree(v);
		return NULL;
	}
	return v;
}

void jfree(struct jval *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		jfree(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v);
}

const struct jval *jget(const struct jval *v, const char *key)
{
	size_t i;

	if (!v || v->type != J_OBJ)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}

const struct jval *jat(const struct jval *v, size_t i)
{
	if (!v || v->type != J_ARR || i >= v->n)
		return NULL;
	return v->items[i];
}

size_t jlen(const struct jval *v)
{
	return v && (v->type == J_ARR || v->type == J_OBJ) ? v->n : 0;
}

const char *jstr(const struct jval *v)
{
	return v && v->type == J_STR ? v->text : "";
}

long long jint(const struct jval *v)
{
	return v && v->type == J_NUM ? strtoll(v->text, NULL, 10) : 0;
}

unsigned long long jhex(const struct jval *v)
{
	return v && v->type == J_STR ? strtoull(v->text, NULL, 16) : 0;
}

bool jbool(const struct jval *v)
{
	return v && v->type == J_BOOL && v->boolean;
}
