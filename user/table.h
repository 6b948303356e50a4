/* SPDX-License-Identifier: GPL-2.0 */
/* The human output of a module file shown as it is (table.c). */
#ifndef PTWALK_TABLE_H
#define PTWALK_TABLE_H

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
 * table for each run of a repeating tag, a field a row for the others.
 * @notes ends with a NULL tag (or is NULL).
 */
void print_lines(FILE *out, const char *file, const char *body,
		 const struct line_note *notes);

#endif /* PTWALK_TABLE_H */
