// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk kernel: the kernel half of the tool's own top-level table
 * (/proc/ptwalk/kernel), region by region, with the physical frames.
 */
#include <stdio.h>

#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "render.h"
#include "source.h"

const char kernel_help[] =
	"usage: ptwalk kernel [--json]\n"
	"Dump the kernel half of the address space as ptdump would, plus the\n"
	"frames: each region (direct map, vmalloc, vmemmap, cpu_entry_area,\n"
	"kernel image, modules, fixmap, ...) with its merged runs of entries\n"
	"(page size, count, physical address, flags). Every process maps this\n"
	"same kernel half; with PTI the user copy of the table follows, which\n"
	"maps only what entering the kernel needs. Root only: the dump reveals\n"
	"the layout KASLR hides.\n";

int cmd_kernel(char **args UNUSED, int n UNUSED)
{
	struct pt_kernel k;
	struct json j;

	read_kernel(&k);
	if (opt_json) {
		json_open(&j, stdout, "kernel");
		json_lines(&j, "kernel", k.lines);
		json_close(&j);
	} else {
		print_kernel(stdout, &k);
	}
	return EXIT_OK;
}
