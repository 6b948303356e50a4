// SPDX-License-Identifier: GPL-2.0
/* ptwalk maps [PID]: a process's VMAs and the page-table runs under them. */
#include <stdio.h>
#include <unistd.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"
#include "svg.h"

const char maps_help[] =
	"usage: ptwalk maps [PID] [--json] [--nonpresent] [--svg FILE]\n"
	"Show the address space of PID (default: ptwalk itself): every VMA as in\n"
	"/proc/PID/maps, with the page-table runs under it (range, page size,\n"
	"number of pages, physical address, flags, cache type). Another process\n"
	"needs root; without root physical addresses show as 0.\n"
	"  --nonpresent  also list non-present entries (swap, migration, ...)\n"
	"  --svg FILE    also draw the address space from 0 to the top of the\n"
	"                user half, holes compressed, present pages marked\n";

int cmd_maps(char **args, int n)
{
	struct pt_maps maps;
	struct pt_info info;
	pid_t pid = 0;
	bool self;
	struct json j;

	if (n == 1)
		pid = parse_pid_arg(args[0]);
	read_info(&info);
	read_maps(pid, &maps);
	self = maps.pid == getpid();
	if (opt_svg)
		svg_maps_file(opt_svg, &maps, &info, self);
	if (opt_json) {
		json_open(&j, stdout, "maps");
		json_maps_members(&j, &maps, self, ALL_LO, ALL_HI);
		if (opt_svg)
			json_str(&j, "svg", opt_svg);
		json_close(&j);
		return EXIT_OK;
	}
	printf("pid %d  %d-level paging  physical addresses %s  %zu VMAs, %zu runs\n",
	       (int)maps.pid, maps.levels, maps.pfn_shown ? "shown" : "hidden (run as root to see them)",
	       maps.nr_vmas, maps.nr_runs);
	print_maps(stdout, &maps, self, ALL_LO, ALL_HI, "");
	if (opt_svg)
		printf("picture: %s\n", opt_svg);
	return EXIT_OK;
}
