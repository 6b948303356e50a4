// SPDX-License-Identifier: GPL-2.0
/* ptwalk info: the module, the kernel and the paging mode. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "source.h"
#include "table.h"

const char info_help[] =
	"usage: ptwalk info [--json]\n"
	"Show the module version, kernel release, paging levels (4 or 5), whether\n"
	"page-table isolation (PTI) is on, the page size, the top of the user\n"
	"half and the transparent-hugepage mode. Needs no privileges.\n";

static const struct line_note info_notes[] = {
	{ .tag = "kernel", .key = "paging_levels",
	  .text = "4: 48-bit, 5: 57-bit virtual addresses" },
	{ .tag = "kernel", .key = "pti",
	  .text = "on: user mode runs on a second, reduced top-level table" },
	{ .tag = "kernel", .key = "user_top", .text = "where the user half ends" },
	{ .tag = "thp", .key = "mode", .text = "from " THP_ENABLED_PATH },
	{ NULL },
};

int cmd_info(char **args UNUSED, int n UNUSED)
{
	struct pt_info info;
	struct json j;
	char *body;

	read_info(&info);
	if (opt_json) {
		json_open(&j, stdout, "info");
		json_lines(&j, "info", info.lines);
		json_str(&j, "thp", info.thp);
		json_close(&j);
		return EXIT_OK;
	}
	/* The THP mode as one more line, so that it aligns with the module's. */
	body = xalloc(strlen(info.lines) + sizeof(info.thp) + 16);
	sprintf(body, "%sthp mode=%s\n", info.lines, info.thp);
	print_lines(stdout, "info", body, info_notes);
	return EXIT_OK;
}
