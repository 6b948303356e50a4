/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal JSON reader for the tool's tests (docs/json.md): a whole
 * document into a tree of values. Numbers keep their text so integers up
 * to 2^64 are exact.
 */
#ifndef PTWALK_TEST_JSONREAD_H
#define PTWALK_TEST_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool boolean;
	char *text;		/* J_STR: the string; J_NUM: the number's text */
	size_t n;		/* J_ARR, J_OBJ: members */
	struct jval **items;
	char **keys;		/* J_OBJ */
};

/* NULL on a syntax error (with the offset in *err_at). */
struct jval *jparse(const char *text, size_t *err_at);
void jfree(struct jval *v);
/* Lookups return NULL when absent or @v is not of the right type. */
const struct jval *jget(const struct jval *v, const char *key);
const struct jval *jat(const struct jval *v, size_t i);
size_t jlen(const struct jval *v);
const char *jstr(const struct jval *v);		/* "" if not a string */
long long jint(const struct jval *v);		/* 0 if not a number */
unsigned long long jhex(const struct jval *v);	/* "0x..." string */
bool jbool(const struct jval *v);

#endif /* PTWALK_TEST_JSONREAD_H */
