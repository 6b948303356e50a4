// SPDX-License-Identifier: GPL-2.0
/* ptwalk frames PID...: physical frames of processes, shared ones marked. */
#include <stdio.h>

#include "frames.h"
#include "json.h"
#include "parse.h"
#include "ptwalk.h"
#include "source.h"
#include "svg.h"

const char frames_help[] =
	"usage: ptwalk frames PID... [--json] [--svg FILE]\n"
	"Show the physical frames each process maps (counted once per process)\n"
	"and the physical ranges that two or more of them share: shared\n"
	"libraries, copy-on-write pages after fork, shared memory, the zero page.\n"
	"Needs root (physical addresses). At most 16 PIDs.\n"
	"  --svg FILE  draw Figure 13.2: each process's address space on its own\n"
	"              axis, the frames they use in the middle one by one, a line\n"
	"              from each page to its frame, shared frames striped\n";

int cmd_frames(char **args, int n)
{
	int i;
	struct pt_maps *maps;
	struct frame_set fs;
	struct json j;

	maps = xalloc(n * sizeof(*maps));
	for (i = 0; i < n; i++)
		read_maps(parse_pid_arg(args[i]), &maps[i]);
	frames_collect(&fs, maps, n);
	if (opt_svg)
		svg_figure_file(opt_svg, maps, n, NULL, 0, ~0UL, false);
	if (opt_json) {
		json_open(&j, stdout, "frames");
		frames_json_members(&j, &fs);
		if (opt_svg)
			json_str(&j, "svg", opt_svg);
		json_close(&j);
		return EXIT_OK;
	}
	frames_print(&fs);
	if (opt_svg)
		printf("picture: %s\n", opt_svg);
	return EXIT_OK;
}
