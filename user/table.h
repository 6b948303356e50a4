/* SPDX-License-Identifier: GPL-2.0 */
/* A module file shown as it is: its aligned table (table.c), its command (cmd_lines.c). */
#ifndef PTWALK_TABLE_H
#define PTWALK_TABLE_H

#include <stddef.h>
#include <stdio.h>

/*
 * A command's word on its lines: @text captions tag @tag (@key NULL) or
 * follows the value of @key; with @part and @whole, @key heads a column
 * of @tag's table, @part as a percentage of @whole.
 */
struct line_note {
	const char *tag, *key, *text;
	const char *part, *whole;
};

/*
 * The lines of /proc/ptwalk/@file after its header (@body), aligned: a
 * table for each run of a repeating tag, the lines that belong under a
 * row (PTW_TAGS' parent) indented below it, a field a row for the others.
 * @notes ends with a NULL tag (or is NULL).
 */
void print_lines(FILE *out, const char *file, const char *body,
		 const struct line_note *notes);

struct json;

/*
 * A command that shows one module file as it is (cmd_lines.c): @file,
 * the request for its operands (NULL: none) with the target's name for
 * messages in @what, the line the answer must start with, and what it
 * adds. JSON is the lines by the line rule plus @json_extra; people see
 * @human's renderer (given the whole text), or print_lines() with @notes
 * of the body and @extra_line.
 */
struct line_view {
	const char *file;
	const char *(*request)(char **args, char *req, size_t size, char *what,
			       size_t wsize);
	const char *first_tag;
	const struct line_note *notes;
	void (*json_extra)(struct json *j);
	const char *(*extra_line)(char *buf, size_t size);
	void (*human)(char *text);
};

/* alloc's notes (cmd_alloc.c), which the demo's step 10 shows too. */
extern const struct line_note alloc_notes[];

extern const struct line_view info_view, whatis_view, tables_view, kernel_view,
	sharing_view;

/* Run the command of @v on its (counted) operands @args. */
int show_lines(const struct line_view *v, char **args);

#endif /* PTWALK_TABLE_H */
