// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for /proc/ptwalk/tables (docs/interface.md): "target", one
 * "level" line per paging level in use, "leaves", "deposited", "kernel",
 * "vmpte", then "end".
 */
#include <string.h>

#include "parse.h"
#include "ptwalk.h"
#include "ptwfmt.h"

static unsigned long long num(const struct ptw_line *l, const char *key)
{
	return field_num(l, key, "tables");
}

void parse_tables(char *text, struct pt_tables *t)
{
	char *line, *rest = parse_version(text, "tables");
	bool ended = false;
	struct ptw_line l;

	memset(t, 0, sizeof(*t));
	t->lines = xstrdup(rest);	/* for JSON by the line rule */
	while ((line = ptw_next_line(&rest))) {
		parse_line(line, &l, "tables");
		if (ended)
			bad_line_here("tables");
		if (!strcmp(l.tag, "target")) {
			t->pid = num(&l, "pid");
			t->levels = num(&l, "levels");
			copy_field(t->pti, sizeof(t->pti), field(&l, "pti", "tables"), "tables");
		} else if (!strcmp(l.tag, "level") && t->nr_levels < 5) {
			struct pt_table_level *lv = &t->level[t->nr_levels++];

			copy_field(lv->name, sizeof(lv->name), field(&l, "name", "tables"), "tables");
			lv->tables = num(&l, "tables");
			lv->bytes = num(&l, "bytes");
			lv->entries = num(&l, "entries");
			lv->capacity = num(&l, "capacity");
		} else if (!strcmp(l.tag, "leaves")) {
			t->leaves_1g = num(&l, "1G");
			t->leaves_2m = num(&l, "2M");
			t->leaves_4k = num(&l, "4K");
		} else if (!strcmp(l.tag, "deposited")) {
			t->deposited = num(&l, "tables");
		} else if (!strcmp(l.tag, "kernel")) {
			t->kernel_tables = num(&l, "tables");
			t->kernel_bytes = num(&l, "bytes");
		} else if (!strcmp(l.tag, "vmpte")) {
			t->vmpte_bytes = num(&l, "bytes");
		} else if (!strcmp(l.tag, "end")) {
			ended = true;
		} else {
			bad_line_here("tables");
		}
	}
	if (!ended || !t->nr_levels)
		fatal(EXIT_FORMAT, "/proc/ptwalk/tables: cut short (no 'end' line)");
}
