/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON emitter. Every document starts with
 * {"ptwalk_json": N, "command": NAME, ...} (docs/json.md). Numbers are
 * written as numbers, addresses as "0x..." strings (JSON numbers lose
 * precision above 2^53, and addresses read better in hex).
 */
#ifndef PTWALK_JSON_H
#define PTWALK_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	32

struct json {
	FILE *out;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no member written yet at this depth */
	char closer[JSON_MAX_DEPTH];	/* '}' or ']' */
};

/* Start a document for @command on @out; json_close() ends it. */
void json_open(struct json *j, FILE *out, const char *command);
/*
 * The @n bytes at @s (up to a NUL) as a JSON string: UTF-8 characters as
 * they are, a byte that is not part of one as U+FFFD, control characters
 * and '<' escaped (so that no "</script>" ends a page that embeds it).
 */
void json_write_string(FILE *out, const char *s, size_t n);
void json_close(struct json *j);

/* @key is NULL for array elements. */
void json_obj(struct json *j, const char *key);
void json_arr(struct json *j, const char *key);
void json_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_int(struct json *j, const char *key, long long val);
void json_uint(struct json *j, const char *key, unsigned long long val);
void json_hex(struct json *j, const char *key, unsigned long long val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);

/*
 * The lines of /proc/ptwalk/@file after its header (@body) by the one rule
 * of docs/json.md: each declared tag (PTW_TAGS) a member holding an object
 * of its line's fields, or an array of them for a tag that may repeat,
 * children inside their parent's object; decimal numbers as numbers, yes
 * and no as booleans, lists as arrays, every other value as a string.
 * A line that is not "TAG key=value ..." ends the tool (EXIT_FORMAT).
 */
void json_lines(struct json *j, const char *file, const char *body);

struct ptw_line;
/* What a command adds to the line rule (docs/json.md lists it per command). */
struct line_hooks {
	/* Leave out this line and the lines that belong to it? */
	bool (*skip)(const struct ptw_line *l, void *ctx);
	/* Members of the tool's own, after the line's fields. */
	void (*extra)(struct json *j, const struct ptw_line *l, void *ctx);
	void *ctx;
};
/* json_lines() with @h (or none: NULL). */
void json_lines_with(struct json *j, const char *file, const char *body,
		     const struct line_hooks *h);

#endif /* PTWALK_JSON_H */
