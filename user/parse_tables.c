// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for /proc/ptwalk/tables ("ptwalk-tables 1", docs/interface.md):
 * "target", one "level" line per paging level in use, "leaves",
 * "deposited", "kernel", "vmpte", then "end".
 */
#include <string.h>

#include "parse.h"
#include "ptwalk.h"

#define MAX_WORDS	8

static unsigned long long num(char **w, int n, const char *key)
{
	return parse_num(word_value(w, n, key), "tables");
}

void parse_tables(char *text, struct pt_tables *t)
{
	char *line, *rest = parse_version(text, "tables", 1), *w[MAX_WORDS];
	bool ended = false;
	int n;

	memset(t, 0, sizeof(*t));
	while ((line = strsep(&rest, "\n")) && !ended) {
		if (!*line)
			continue;
		n = split_words(line, w, MAX_WORDS);
		if (!strcmp(w[0], "target")) {
			t->pid = num(w, n, "pid");
			t->levels = num(w, n, "levels");
			copy_field(t->pti, sizeof(t->pti), word_value(w, n, "pti"), "tables");
		} else if (!strcmp(w[0], "level") && n > 1 && t->nr_levels < 5) {
			struct pt_table_level *l = &t->level[t->nr_levels++];

			copy_field(l->name, sizeof(l->name), w[1], "tables");
			l->tables = num(w, n, "tables");
			l->bytes = num(w, n, "bytes");
			l->entries = num(w, n, "entries");
			l->capacity = num(w, n, "capacity");
		} else if (!strcmp(w[0], "leaves")) {
			t->leaves_1g = num(w, n, "1G");
			t->leaves_2m = num(w, n, "2M");
			t->leaves_4k = num(w, n, "4K");
		} else if (!strcmp(w[0], "deposited")) {
			t->deposited = num(w, n, "tables");
		} else if (!strcmp(w[0], "kernel")) {
			t->kernel_tables = num(w, n, "tables");
			t->kernel_bytes = num(w, n, "bytes");
		} else if (!strcmp(w[0], "vmpte")) {
			t->vmpte_bytes = num(w, n, "bytes");
		} else if (!strcmp(w[0], "end")) {
			ended = true;
		} else {
			bad_line("tables", line);
		}
	}
	if (!ended || !t->nr_levels)
		fatal(EXIT_FORMAT, "/proc/ptwalk/tables: cut short (no 'end' line)");
}
