// SPDX-License-Identifier: GPL-2.0
/* ptwalk info: the module, the kernel and the paging mode. */
#include <stdio.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "source.h"

const char info_help[] =
	"usage: ptwalk info [--json]\n"
	"Show the module version, kernel release, paging levels (4 or 5), whether\n"
	"page-table isolation (PTI) is on, the page size, the top of the user\n"
	"half and the transparent-hugepage mode. Needs no privileges.\n";

int cmd_info(char **args UNUSED, int n UNUSED)
{
	struct pt_info info;
	struct json j;
	read_info(&info);
	if (opt_json) {
		json_open(&j, stdout, "info");
		json_lines(&j, "info", info.lines);
		json_str(&j, "thp", info.thp);
		json_close(&j);
		return EXIT_OK;
	}
	printf("module version    %s\n", info.version);
	printf("kernel release    %s\n", info.release);
	printf("paging levels     %d (%d-bit virtual addresses)\n", info.levels,
	       info.levels == 5 ? 57 : 48);
	printf("PTI               %s\n", info.pti ? "on (user mode runs on a second, reduced top-level table)" : "off");
	printf("page size         %lu\n", info.page_size);
	printf("user half ends at 0x%lx\n", info.user_top);
	printf("THP mode          %s\n", info.thp);
	return EXIT_OK;
}
