// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk sharing: which kernel slots of the top-level table every process
 * shares with the tool (/proc/ptwalk/sharing).
 */
#include <stdio.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"

const char sharing_help[] =
	"usage: ptwalk sharing [--json]\n"
	"Compare the kernel slots (the upper half of the top-level table) of\n"
	"every process with ptwalk's own: a slot is shared when both entries\n"
	"point to the same next-level table. Lists each slot in use, how many\n"
	"processes share it, the processes that do not (with PTI, a process\n"
	"that set an LDT has its own ldt-remap slot), the PTI user copy, and\n"
	"the page-table memory the sharing saves. Root only.\n";

int cmd_sharing(char **args UNUSED, int n UNUSED)
{
	struct pt_sharing sh;
	struct json j;

	read_sharing(&sh);
	if (opt_json) {
		json_open(&j, stdout, "sharing");
		json_sharing_members(&j, &sh);
		json_close(&j);
	} else {
		print_sharing(stdout, &sh, false, "");
	}
	return EXIT_OK;
}
